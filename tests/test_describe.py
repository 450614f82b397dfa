"""The hover text (kind, type, encoding and reason, cost, values) of every top-level name of
the examples, as golden files (UPDATE_GOLDEN=1 rewrites them), plus the rules behind it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rasp.describe import Describer
from rasp.graph.builder import base_scope
from rasp.program import Session

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.rasp"))
GOLDEN = Path(__file__).resolve().parent / "golden" / "describe"


def _describer(text: str, path: Path | None = None, **options: bool) -> tuple[Session, Describer]:
    session = Session(text, path)
    return session, Describer(session.builder, source=session.text, **options)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_golden(example: Path) -> None:
    session, describer = _describer(example.read_text(encoding="utf-8"), example.relative_to(ROOT))
    text = (
        "\n\n".join(
            describer.describe(name, value).plain()
            for name, value in session.builder.scope.vars.items()
        )
        + "\n"
    )
    golden = GOLDEN / f"{example.stem}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_numerical_encoding_names_its_reason_and_line() -> None:
    source = (
        'x = 1;\nfrac = aggregate(select(indices, indices, <=), indicator(tokens == "l"));'
        "\nlast = aggregate(select(indices, 0, ==), tokens);\n"
    )
    session, describer = _describer(source)
    title = describer.describe("frac", session.builder.scope.vars["frac"]).title
    assert title == (
        "frac: s-op · float · numerical (mean over a selector that may select "
        "several positions, line 2)"
    )
    assert describer.describe("last", session.builder.scope.vars["last"]).title == (
        "last: s-op · str · categorical"
    )


def test_sop_lines_give_cost_and_one_value_per_input() -> None:
    session = Session("r = aggregate(select(indices, length - indices - 1, ==), tokens);", None)
    lines = Describer(session.builder, ["ab", "xyz"]).describe("r", session.evaluate("r")).lines
    assert lines == [
        "cost: 2 layers · heads per layer [1, 1] (max 1) · MLPs in layers [0, 1]",
        'r("ab") = [b, a] (strings)',
        'r("xyz") = [z, y, x] (strings)',
    ]


def test_tracr_estimate_is_labelled_and_off_by_default() -> None:
    session = Session("y = indices + 1;", None)
    plain = Describer(session.builder).describe("y", session.evaluate("y")).plain()
    assert "tracr" not in plain
    with_tracr = Describer(session.builder, tracr=True).describe("y", session.evaluate("y"))
    assert "tracr estimate: 1 layer · heads per layer [0]" in with_tracr.plain()


def test_function_shows_doc_comment_and_added_cost() -> None:
    source = (
        "# fraction of earlier tokens equal to t\n"
        "def frac(t) {\n  return aggregate(select(indices, indices, <=),"
        " indicator(tokens == t));\n}\n"
    )
    session, describer = _describer(source)
    d = describer.describe("frac", session.builder.scope.vars["frac"])
    assert d.title == "frac(t): function"
    assert d.lines == [
        "fraction of earlier tokens equal to t",
        "adds 1 layer · heads per layer [1] (max 1) · MLPs in layers [0]",
    ]


def test_library_function_and_selector() -> None:
    session, describer = _describer("")
    width = describer.describe("selector_width", base_scope().vars["selector_width"])
    assert "adds 1 layer · heads per layer [2]" in width.plain()
    full = describer.describe("full_s", base_scope().vars["full_s"])
    assert full.title == "full_s: selector"
    assert 'full_s("hello"): 25 of 25 selected' in full.lines
