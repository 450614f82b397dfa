"""Renames change only what they must. Every rename the server would answer, over the
examples, the conformance programs and mutated versions of them (the fuzz corpus of
test_fuzz_core), is turned into LSP text edits, applied the way an editor applies them
(UTF-16 positions, LSP line breaks), and checked:

- each edit replaces exactly one occurrence of the old name, edits do not overlap, and the
  text between them is byte-for-byte the old text;
- the new text parses the same way: the same statements with the same syntax problems, and
  the same tokens, except the renamed name at exactly the edited places;
- the program means the same: every top-level value is the same on the running example
  (under its new name if it was the one renamed).

The server answers rename with these spans (rasp.lsp.navigation: `index_of(...).rename`
converted by `lsp_range`); tests/lsp/test_fuzz_server.py checks the same edits through the
protocol against the text each request was sent for.
"""

from __future__ import annotations

import random
import re
from typing import Any

from hypothesis import given
from lsprotocol import types

from rasp.features.names import RenameError, index_of
from rasp.graph import nodes as g
from rasp.lsp.convert import lsp_range
from rasp.program import Session
from rasp.runtime.errors import RaspError
from rasp.runtime.evaluate import Evaluation
from rasp.syntax.document import parse_file
from rasp.text import LineIndex
from test_fuzz_core import CORPUS, Mutant, budget, mutants

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
TOKEN = re.compile(r'#[^\r\n\u2028]*|"[^"\r\n]*"?|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|\S')
NEW_NAMES = ["renamed", "x", "q_1", "tokens2"]
PER_FILE = 12


# ---- an editor's side: LSP positions to offsets, edits applied --------------------------------


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]


def to_offset(text: str, starts: list[int], position: types.Position) -> int:
    start = starts[position.line]
    units, at = 0, start
    while units < position.character:
        units += 2 if ord(text[at]) > 0xFFFF else 1
        at += 1
    assert units == position.character, "a position inside a UTF-16 surrogate pair"
    return at


def apply(text: str, edits: list[types.TextEdit]) -> tuple[str, list[tuple[int, int]]]:
    """The text after the edits, and the old spans they replaced (in order)."""
    starts = line_starts(text)
    spans = sorted(
        (to_offset(text, starts, e.range.start), to_offset(text, starts, e.range.end), e.new_text)
        for e in edits
    )
    out, last = [], 0
    for start, end, new in spans:
        assert last <= start <= end, f"overlapping edits at {start}"
        out += [text[last:start], new]
        last = end
    out.append(text[last:])
    return "".join(out), [(s, e) for s, e, _ in spans]


# ---- the checks ---------------------------------------------------------------------------


def tokens(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in TOKEN.finditer(text)]


def check_rename(text: str, offset: int, new_name: str) -> bool:
    """Rename at `offset` if the server would; check the edits. True if one was made."""
    session = Session(text, None, check_on_example=False)
    answer = index_of(session).rename(offset, new_name)
    if isinstance(answer, RenameError):
        return False
    lines = LineIndex(text)
    edits = [types.TextEdit(lsp_range(lines, span, "utf-16"), new_name) for span in answer]
    new_text, spans = apply(text, edits)
    old_names = {text[s:e] for s, e in spans}
    assert len(old_names) == 1, old_names
    old_name = old_names.pop()
    assert NAME.fullmatch(old_name), old_name
    assert any(s <= offset <= e for s, e in spans), (offset, spans)

    # byte for byte the same between the edits
    new_at, old_at = 0, 0
    for s, e in spans:
        gap = text[old_at:s]
        assert new_text[new_at : new_at + len(gap)] == gap
        assert new_text[new_at + len(gap) : new_at + len(gap) + len(new_name)] == new_name
        new_at += len(gap) + len(new_name)
        old_at = e
    assert new_text[new_at:] == text[old_at:]

    # parses the same way outside the edits
    edited = {s for s, _ in spans}
    expected = [new_name if at in edited else tok for at, tok in tokens(text)]
    assert [tok for _, tok in tokens(new_text)] == expected
    old_parse, new_parse = parse_file(text), parse_file(new_text)
    assert [(s.tree is None, [p.code for p in s.problems]) for s in old_parse.statements] == [
        (s.tree is None, [p.code for p in s.problems]) for s in new_parse.statements
    ]

    # means the same
    renamed = Session(new_text, None, check_on_example=False)
    if not session.errors:
        assert not renamed.errors, renamed.errors
        assert_same_values(session, renamed, old_name, new_name)
    return True


def assert_same_values(old: Session, new: Session, old_name: str, new_name: str) -> None:
    for name, value in old.builder.scope.vars.items():
        mapped = new_name if name == old_name else name
        found, other = new.builder.scope.find(mapped)
        if name == old_name and not found:
            mapped, (found, other) = name, new.builder.scope.find(name)  # a local was renamed
        assert found, f"{mapped} is gone"
        assert summary(value, old.example) == summary(other, new.example), mapped


def summary(value: Any, example: Any) -> Any:
    if isinstance(value, (g.SOp, g.Selector)):
        try:
            evaluation = Evaluation([example])
            if isinstance(value, g.SOp):
                return ("s-op", evaluation.sop(value)[0].tolist())
            return ("selector", evaluation.selector(value)[0].tolist())
        except RaspError as err:
            return ("error", err.code)
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [summary(v, example) for v in value]
    if isinstance(value, dict):
        return {k: summary(v, example) for k, v in value.items()}
    return type(value).__name__


def rename_sites(text: str, rng: random.Random, count: int) -> list[int]:
    """Offsets of identifiers to rename at: the first of each distinct name, then others."""
    found = list(NAME.finditer(text))
    firsts: dict[str, int] = {}
    for m in found:
        firsts.setdefault(m.group(), m.start() + rng.randrange(len(m.group()) + 1))
    sites = list(firsts.values())
    rng.shuffle(sites)
    extra = [m.start() for m in rng.sample(found, min(len(found), count))]
    return (sites + extra)[:count]


# ---- the corpus ---------------------------------------------------------------------------


def test_renames_over_the_corpus_change_only_the_name() -> None:
    rng = random.Random(7)
    made = 0
    for path, text in CORPUS:
        for offset in rename_sites(text, rng, PER_FILE):
            try:
                made += check_rename(text, offset, rng.choice(NEW_NAMES))
            except AssertionError as exc:
                raise AssertionError(f"{path.name} @ {offset}: {exc}") from exc
    assert made > len(CORPUS) * 2  # most files have several renamable names


@given(mutant=mutants(max_steps=2))
@budget(150)
def test_renames_over_mutated_programs_change_only_the_name(mutant: Mutant) -> None:
    rng = random.Random(len(mutant.text))
    for offset in rename_sites(mutant.text, rng, 3):
        check_rename(mutant.text, offset, rng.choice(NEW_NAMES))


def test_rename_edits_reach_past_astral_characters() -> None:
    text = 'a = "😀😀";  # 😀\nb = a + "😀";\nc = b;\n'
    assert check_rename(text, text.index("a + "), "renamed")
    assert check_rename(text, text.index("b;"), "x")


def test_refused_renames_make_no_edit() -> None:
    text = "a = tokens;\nb = a;\n"
    for offset, new_name in [(text.index("tokens"), "x"), (0, "b"), (0, "1x"), (0, "select")]:
        assert not check_rename(text, offset, new_name)
