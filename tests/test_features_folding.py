"""Folding ranges: def and for blocks (nested too), comment runs, load runs, a def still
being typed; single-line constructs fold nothing."""

from __future__ import annotations

from rasp.features.folding import FoldingRange, folding_ranges
from rasp.program import Session

TEXT = """# first comment line
# second comment line
x = 1;
def f(a) {
    for i in range(2) {
        b = i;
    }
    return a;
}
# a lone comment
load "a";
load "b";
def g(a) { return a; }
for j in [1] { c = j; }
  # indented comments
  # fold too
def half(q) {
    r = q
y = 2;
"""


def _end_of(text: str, piece: str) -> int:
    return text.index(piece) + len(piece)


def test_folding_ranges() -> None:
    found = folding_ranges(Session(TEXT))
    assert found == [
        FoldingRange(0, _end_of(TEXT, "# second comment line"), "comment"),
        FoldingRange(TEXT.index("def f"), _end_of(TEXT, "return a;\n}"), "region"),
        FoldingRange(TEXT.index("for i"), _end_of(TEXT, "b = i;\n    }"), "region"),
        FoldingRange(TEXT.index('load "a"'), _end_of(TEXT, 'load "b";'), "imports"),
        FoldingRange(TEXT.index("# indented"), _end_of(TEXT, "# fold too"), "comment"),
        FoldingRange(TEXT.index("def half"), _end_of(TEXT, "r = q"), "region"),
    ]


def test_crlf_and_empty_documents() -> None:
    assert folding_ranges(Session("")) == []
    text = "# a\r\n# b\r\ndef f(a) {\r\n  return a;\r\n}\r\n"
    found = folding_ranges(Session(text))
    assert found == [
        FoldingRange(0, text.index("\r\n# b") + 5, "comment"),
        FoldingRange(text.index("def"), len(text) - 2, "region"),
    ]
