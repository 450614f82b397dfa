"""Inlay hints after top-level assignment names: type and encoding of s-ops, selectors,
computed values; none for literals, failed statements, function bodies; span filtering."""

from __future__ import annotations

from rasp.features.inlay import InlayHint, inlay_hints
from rasp.program import Session
from rasp.text import Span

TEXT = """set example "abc"
flip = select(indices, length - indices - 1, ==);
reverse = aggregate(flip, tokens);
frac = aggregate(select(indices, indices, <=), indicator(tokens == "a"));
n = 3;
m = n + 1;
xs = [1, 2];
a, b = reverse, frac;
bad = nope;
def f(s) {
    x = s;
    return x;
}
half = select(reverse,
later = reverse;
"""


def _after(name: str) -> int:
    return TEXT.index(f"\n{name} ") + 1 + len(name)


def test_hints() -> None:
    hints = inlay_hints(Session(TEXT), Span(0, len(TEXT)))
    assert [(h.offset, h.label) for h in hints] == [
        (_after("flip"), ": selector"),
        (_after("reverse"), ": s-op · str · categorical"),
        (_after("frac"), ": s-op · float · numerical"),
        (_after("m"), ": int"),
        (TEXT.index("a, b") + 1, ": s-op · str · categorical"),
        (TEXT.index("a, b") + 4, ": s-op · float · numerical"),
        (_after("later"), ": s-op · str · categorical"),
    ]
    frac = hints[2]
    assert frac.tooltip.startswith("frac: s-op · float · numerical (mean over")


def test_span_selects_statements() -> None:
    session = Session(TEXT)
    inside = inlay_hints(session, Span(TEXT.index("reverse ="), TEXT.index("n = 3")))
    assert [h.label for h in inside] == [": s-op · str · categorical", ": s-op · float · numerical"]
    assert inlay_hints(session, Span(len(TEXT) + 5, len(TEXT) + 50)) == []
    assert inlay_hints(session, Span(-10, -1)) == []


def test_empty_document() -> None:
    assert inlay_hints(Session(""), Span(0, 0)) == []
    assert isinstance(InlayHint(0, "a", "b"), tuple)
