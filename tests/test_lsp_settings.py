"""Client settings are read tolerantly: whatever is malformed falls back to its default."""

from __future__ import annotations

from typing import Any

import pytest

from rasp.lsp.server import Settings, read_settings

DEFAULTS = Settings()


@pytest.mark.parametrize(
    "raw",
    [
        None,
        3,
        "rasp",
        [],
        {"rasp": 5},
        {"examples": "abc"},
        {"evaluation": {"timeoutMs": -1, "maxLength": "long"}},
        {"evaluation": {"timeoutMs": True}},
        {"inlayHints": {"enable": "yes"}},
        {"examples": [3, None]},
    ],
)
def test_bad_settings_give_defaults(raw: Any) -> None:
    assert read_settings(raw) == DEFAULTS


def test_good_settings_are_read_in_both_shapes() -> None:
    nested = read_settings(
        {
            "rasp": {
                "examples": ['"ab"', "[1, 2]", "word", "((("],
                "evaluation": {"timeoutMs": 900, "maxLength": 12},
                "inlayHints": {"enable": True},
                "tracr": {"enable": True},
            }
        }
    )
    assert nested == Settings(["ab", [1, 2], "word"], 900, 12, True, True)
    flat = read_settings(
        {
            "examples": ['"x"'],
            "evaluationTimeoutMs": 5,
            "evaluationMaxLength": 3,
            "inlayHintsEnable": False,
            "tracrEnable": True,
        }
    )
    assert flat == Settings(["x"], 5, 3, False, True)
