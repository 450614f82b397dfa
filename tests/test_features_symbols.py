"""Document symbols as a golden outline (UPDATE_GOLDEN=1 rewrites it), their ranges, and
workspace symbols over several sessions."""

from __future__ import annotations

import os
from pathlib import Path

from fixtures.features.markers import FIXTURES
from rasp.features.symbols import DocumentSymbol, document_symbols, workspace_symbols
from rasp.program import Session

SYMBOLS = FIXTURES / "symbols"
ROOT = Path(__file__).resolve().parents[1]


def _render(text: str, symbols: list[DocumentSymbol], depth: int = 0) -> list[str]:
    lines = []
    for symbol in symbols:
        name_text = text[symbol.selection.start : symbol.selection.end]
        lines.append(
            f"{'  ' * depth}{symbol.name} [{symbol.kind}] {symbol.detail} <{name_text}>".rstrip()
        )
        lines.extend(_render(text, list(symbol.children), depth + 1))
    return lines


def _check_ranges(symbols: tuple[DocumentSymbol, ...] | list[DocumentSymbol], text: str) -> None:
    for symbol in symbols:
        assert 0 <= symbol.span.start <= symbol.selection.start
        assert symbol.selection.end <= symbol.span.end <= len(text)
        for child in symbol.children:
            assert symbol.span.start <= child.span.start <= child.span.end <= symbol.span.end
        _check_ranges(symbol.children, text)


def test_outline_golden() -> None:
    path = SYMBOLS / "outline.rasp"
    text = path.read_text(encoding="utf-8")
    symbols = document_symbols(Session(text, path))
    _check_ranges(symbols, text)
    rendered = "\n".join(_render(text, symbols)) + "\n"
    golden = SYMBOLS / "outline.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_examples_have_valid_ranges() -> None:
    for example in sorted((ROOT / "examples").glob("*.rasp")):
        text = example.read_text(encoding="utf-8")
        symbols = document_symbols(Session(text, example))
        assert symbols
        _check_ranges(symbols, text)


def test_workspace_symbols_filter_and_rank() -> None:
    first = Session("reverse = tokens;\nrev_sel = select(indices, indices, ==);\n")
    second = Session("def rev(s) {\n  inside = s;\n  return inside;\n}\nother = 1;\n")
    documents = [("a.rasp", document_symbols(first)), ("b.rasp", document_symbols(second))]
    found = workspace_symbols("rev", documents)
    assert [(s.name, s.document) for s in found] == [
        ("rev", "b.rasp"),
        ("rev_sel", "a.rasp"),
        ("reverse", "a.rasp"),
    ]
    assert found[0].kind == "function" and found[1].kind == "selector"
    local = workspace_symbols("inside", documents)
    assert [(s.name, s.container) for s in local] == [("inside", "rev")]
    fuzzy = workspace_symbols("rsl", documents)
    assert [s.name for s in fuzzy] == ["rev_sel"]
    everything = workspace_symbols("", documents)
    assert {s.name for s in everything} == {"reverse", "rev_sel", "rev", "inside", "other"}
    assert workspace_symbols("zzz", documents) == []
    assert len(workspace_symbols("r", documents, limit=2)) == 2


def test_empty_document_has_no_symbols() -> None:
    assert document_symbols(Session("")) == []
    assert workspace_symbols("x", []) == []
