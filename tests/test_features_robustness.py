"""Every feature answers (never raises) at every offset of every fixture and example, while
a program is typed character by character, and with a broken statement in the middle of a
file (the statements after it keep their answers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.features.markers import FIXTURES
from rasp.features.completion import complete
from rasp.features.folding import folding_ranges
from rasp.features.inlay import inlay_hints
from rasp.features.names import Location, index_of
from rasp.features.semantic_tokens import tokens
from rasp.features.signature import signature_help
from rasp.features.symbols import document_symbols
from rasp.program import Session
from rasp.text import Span

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(FIXTURES.rglob("*.rasp")) + sorted((ROOT / "examples").glob("*.rasp"))


def _every_feature(session: Session, offset: int) -> None:
    index = index_of(session)
    index.definition_at(offset)
    index.references(offset, include_declaration=True)
    index.highlights(offset)
    index.prepare_rename(offset)
    index.rename(offset, "renamed_name")
    complete(session, offset)
    signature_help(session, offset)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_offset_answers(path: Path) -> None:
    text = path.read_text(encoding="utf-8").replace("$0", "")
    session = Session(text, path)
    document_symbols(session)
    tokens(session)
    folding_ranges(session)
    inlay_hints(session, Span(0, len(text)))
    step = max(1, len(text) // 300)
    for offset in [-1, *range(0, len(text) + 1, step), len(text), len(text) + 1]:
        _every_feature(session, offset)


PROGRAM = """# reverse
def rev(s) {
    opp = length - indices - 1;
    return aggregate(select(indices, opp, ==), s);
}
r = rev(tokens);
xs = [i * 2 for i in range(3)];
"""


def test_typing_a_program_character_by_character() -> None:
    session = Session("")
    for end in range(1, len(PROGRAM) + 1):
        session = session.edit(PROGRAM[:end])
        _every_feature(session, end)
        _every_feature(session, end - 1)
        document_symbols(session)
        tokens(session)
        folding_ranges(session)
        inlay_hints(session, Span(0, end))


BROKEN = """good = tokens;
def f(a) {
    x = select(a, a,
    # typing here
later = aggregate(select(indices, indices, ==), good);
def after(p) {
    return p + 1;
}
use = after(later);
"""


def test_a_broken_statement_does_not_break_what_follows() -> None:
    session = Session(BROKEN)
    index = index_of(session)
    use = BROKEN.index("after(later)")
    assert index.definition_at(use) == Location(
        None, Span(BROKEN.index("after(p)"), BROKEN.index("after(p)") + 5)
    )
    later = BROKEN.index("later)")
    assert index.definition_at(later) == Location(
        None, Span(BROKEN.index("later ="), BROKEN.index("later =") + 5)
    )
    names = [s.name for s in document_symbols(session)]
    assert names[-3:] == ["later", "after", "use"]
    by_word = {BROKEN[t.start : t.start + t.length]: t.type for t in tokens(session)}
    assert by_word["later"] == "sop" and by_word["after"] == "function"
    labels = {item.label for item in complete(session, len(BROKEN))}
    assert {"good", "later", "after", "use"} <= labels
    signature = signature_help(session, BROKEN.index("later);"))
    assert signature is not None and signature.label == "after(p)"
    assert any(r.start == BROKEN.index("def after") for r in folding_ranges(session))
    hints = inlay_hints(session, Span(0, len(BROKEN)))
    assert any(h.offset == BROKEN.index("later =") + 5 for h in hints)
