"""Signature help on fixtures with a `$0` cursor and `#:` expectations:

#: label TEXT       the signature's label
#: active N         the active parameter
#: parameter TEXT   the label of the active parameter
#: doc TEXT         the documentation contains TEXT
#: none             no signature
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.features.markers import FIXTURES, cursor, directives
from rasp.features.signature import Signature, builtin_signature, signature_help
from rasp.program import Session

SIGNATURE = sorted((FIXTURES / "signature").glob("*.rasp"))


@pytest.mark.parametrize("fixture", SIGNATURE, ids=lambda p: p.stem)
def test_signature(fixture: Path) -> None:
    text, offset = cursor(fixture.read_text(encoding="utf-8"))
    found = signature_help(Session(text, fixture), offset)
    expectations = directives(text)
    assert expectations
    for word, rest in expectations:
        if word == "none":
            assert found is None
            continue
        assert isinstance(found, Signature)
        if word == "label":
            assert found.label == rest
        elif word == "active":
            assert found.active_parameter == int(rest)
        elif word == "parameter":
            assert found.active_parameter is not None
            parameter = found.parameters[found.active_parameter]
            assert parameter.label == rest
            start, end = parameter.span
            assert found.label[start:end] == rest
        elif word == "doc":
            assert rest in (found.documentation or "")
        else:
            raise AssertionError(f"unknown expectation {word}")


@pytest.mark.parametrize(
    "name", ["select", "aggregate", "range", "zip", "len", "round", "indicator", "draw"]
)
def test_builtin_parameter_spans_point_into_the_label(name: str) -> None:
    found = builtin_signature(name)
    assert found is not None
    label, parameters, doc = found
    assert doc and parameters
    for parameter in parameters:
        start, end = parameter.span
        assert label[start:end] == parameter.label


@pytest.mark.parametrize("offset", [-3, 10_000])
def test_offsets_outside_the_text_give_none(offset: int) -> None:
    assert signature_help(Session("x = select(indices, "), offset) is None


def test_every_offset_of_a_half_typed_file_answers() -> None:
    text = (
        "def g(p, q) {\n  return p;\n}\n"
        "def f(a, b) {\n  x = select(a, b,\n  return f(x, [1, (2\n"
        "y = g(1, 2);\n"
    )
    session = Session(text)
    for offset in range(len(text) + 1):
        signature_help(session, offset)
    inside = signature_help(session, text.index("(2") + 2)  # `f` does not parse yet
    assert inside is not None and inside.label == "f(a, b)" and inside.active_parameter == 1
    after = signature_help(session, text.index("g(1, 2)") + 5)
    assert after is not None and after.label == "g(p, q)" and after.active_parameter == 1
