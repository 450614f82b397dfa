"""Name resolution (go to definition, references, highlights) on annotated fixtures, and
rename on before/after fixtures; refusals, offsets outside the text, half-typed code."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.features.markers import FIXTURES, cursor, directives, notes_of
from rasp.features.names import (
    Highlight,
    Location,
    NameIndex,
    RenameError,
    check_new_name,
    index_of,
)
from rasp.graph.builder import LIBRARY_FILE
from rasp.program import Session
from rasp.text import Span

NAMES = FIXTURES / "names"
RENAME = FIXTURES / "rename"
NAME_FIXTURES = sorted(NAMES.glob("*.rasp"))
RENAME_FIXTURES = sorted(p for p in RENAME.glob("*.rasp") if not p.name.endswith(".out.rasp"))


def _session(path: Path) -> Session:
    return Session(path.read_text(encoding="utf-8"), path)


def _word(text: str, start: int) -> Span:
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return Span(start, end)


@pytest.mark.parametrize("fixture", NAME_FIXTURES, ids=lambda p: p.stem)
def test_definitions_resolve_as_annotated(fixture: Path) -> None:
    session = _session(fixture)
    index = index_of(session)
    text = session.text
    notes = notes_of(text)
    assert notes, "fixture without annotations"
    labels = {n.label: Location(None, _word(text, n.start)) for n in notes if n.defines}
    assert len(labels) == sum(n.defines for n in notes), "a label is defined twice"
    for note in notes:
        where = f"{note.name} at line {text.count(chr(10), 0, note.start) + 1}"
        found = index.definition_at(note.start)
        if note.defines:
            assert found == labels[note.label], where
            occurrence = index.occurrence_at(note.start)
            assert occurrence is not None and occurrence.write, where
        elif note.label == "none":
            assert found is None, where
        elif note.label == "builtin":
            occurrence = index.occurrence_at(note.start)
            assert occurrence is not None and occurrence.target is not None, where
            assert occurrence.target.role == "builtin" and found is None, where
        elif note.label == "lib":
            assert found is not None and found.file == str(LIBRARY_FILE), where
            library = LIBRARY_FILE.read_text(encoding="utf-8")
            assert library[found.span.start : found.span.end] == note.name, where
        elif note.label.startswith("file:"):
            assert found is not None and found.file is not None, where
            assert Path(found.file).name == note.label.removeprefix("file:"), where
            other = Path(found.file).read_text(encoding="utf-8")
            assert other[found.span.start : found.span.end] == note.name, where
        elif note.label != "_":
            assert found == labels[note.label], where


@pytest.mark.parametrize("fixture", NAME_FIXTURES, ids=lambda p: p.stem)
def test_references_and_highlights_hold_every_annotated_use(fixture: Path) -> None:
    session = _session(fixture)
    index = index_of(session)
    text = session.text
    notes = notes_of(text)
    definitions = {n.label: n.start for n in notes if n.defines}
    for note in notes:
        if note.defines or note.label not in definitions:
            continue
        use = _word(text, note.start)
        at_definition = definitions[note.label]
        references = index.references(at_definition, include_declaration=False)
        assert Location(None, use) in references
        assert Location(None, _word(text, at_definition)) not in references
        with_declaration = index.references(at_definition, include_declaration=True)
        assert Location(None, _word(text, at_definition)) in with_declaration
        highlights = index.highlights(note.start)
        assert Highlight(use, "read") in highlights
        assert Highlight(_word(text, at_definition), "write") in highlights


def test_references_to_a_library_name_include_its_definition_when_asked() -> None:
    text = "a = length;\nb = length + 1;\n"
    index = NameIndex(Session(text).parsed)
    with_declaration = index.references(text.index("length"), include_declaration=True)
    assert with_declaration[0].file == str(LIBRARY_FILE)
    here = [loc.span for loc in with_declaration[1:]]
    assert here == [Span(4, 10), Span(text.rindex("length"), text.rindex("length") + 6)]
    assert len(index.references(text.index("length"), include_declaration=False)) == 2


def test_load_path_goes_to_the_loaded_file() -> None:
    session = _session(NAMES / "loads.rasp")
    found = index_of(session).definition_at(session.text.index('"helper"') + 3)
    assert found == Location(str((NAMES / "helper.rasp").resolve()), Span(0, 0))


def test_same_name_in_two_functions_are_different_symbols() -> None:
    text = "def f(a) {\n  return a;\n}\ndef g(a) {\n  return a + 1;\n}\n"
    index = NameIndex(Session(text).parsed)
    first = text.index("a)")
    spans = [h.span.start for h in index.highlights(first)]
    assert spans == [first, text.index("a;")]


def test_every_definition_of_a_top_level_name_is_one_symbol() -> None:
    text = "x = 1;\ny = x;\nx = 2;\nz = x;\n"
    index = NameIndex(Session(text).parsed)
    highlights = index.highlights(text.index("z = x") + 4)
    assert [(text[h.span.start : h.span.end], h.kind) for h in highlights] == [
        ("x", "write"),
        ("x", "read"),
        ("x", "write"),
        ("x", "read"),
    ]
    # go to definition still picks the binding in effect
    assert index.definition_at(text.index("y = x") + 4) == Location(None, Span(0, 1))


# ---- rename ------------------------------------------------------------------------------


def _apply(text: str, spans: list[Span], new_name: str) -> str:
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + new_name + text[span.end :]
    return text


@pytest.mark.parametrize("fixture", RENAME_FIXTURES, ids=lambda p: p.stem)
def test_rename(fixture: Path) -> None:
    text, offset = cursor(fixture.read_text(encoding="utf-8"))
    settings = dict(directives(text))
    session = Session(text, fixture)
    index = index_of(session)
    new_name = settings["rename"]
    result = index.rename(offset, new_name)
    if "refused" in settings:
        assert isinstance(result, RenameError), result
        assert settings["refused"].strip('"') in result.message
        return
    assert not isinstance(result, RenameError), result
    prepared = index.prepare_rename(offset)
    assert isinstance(prepared, Span) and prepared.start <= offset <= prepared.end
    expected = fixture.with_name(fixture.stem + ".out.rasp").read_text(encoding="utf-8")
    assert _apply(text, result, new_name) == expected


def test_rename_outside_the_text_or_off_a_name_is_refused() -> None:
    text = "x = tokens;\n"
    index = NameIndex(Session(text).parsed)
    for offset in (-5, len(text) + 10, text.index("=")):
        assert isinstance(index.prepare_rename(offset), RenameError)
        assert isinstance(index.rename(offset, "y"), RenameError)


def test_rename_of_a_loaded_name_is_refused_with_its_file() -> None:
    session = _session(NAMES / "loads.rasp")
    result = index_of(session).rename(session.text.index("helper_fn"), "other")
    assert isinstance(result, RenameError) and "helper.rasp" in result.message


@pytest.mark.parametrize(
    ("new_name", "why"),
    [
        ("2x", "not a valid name"),
        ("a-b", "not a valid name"),
        ("", "not a valid name"),
        ("length", "library"),
        ("indices", "reserved"),
        ("tokens_int", "reserved"),
        ("def", "reserved"),
        ("round", "reserved"),
        ("select", "reserved"),
        ("True", "reserved"),
        ("out", "reserved"),
        ("tokens", "reserved"),
    ],
)
def test_new_names_that_are_refused(new_name: str, why: str) -> None:
    problem = check_new_name(new_name)
    assert problem is not None and why in problem.message
    text = "x = tokens;\ny = x;\n"
    assert isinstance(NameIndex(Session(text).parsed).rename(0, new_name), RenameError)


def test_renaming_to_the_same_name_changes_nothing_but_is_allowed() -> None:
    text = "x = tokens;\ny = x;\n"
    result = NameIndex(Session(text).parsed).rename(0, "x")
    assert result == [Span(0, 1), Span(16, 17)]


# ---- robustness --------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [-1, -100, 10_000])
def test_offsets_outside_the_text_give_empty_answers(offset: int) -> None:
    index = index_of(_session(NAMES / "scoping.rasp"))
    assert index.definition_at(offset) is None
    assert index.references(offset, include_declaration=True) == []
    assert index.highlights(offset) == []


def test_empty_and_comment_only_documents() -> None:
    for text in ["", "# only a comment\n", "\n\n   \n"]:
        index = NameIndex(Session(text).parsed)
        assert index.occurrences == []
        assert index.definition_at(0) is None
        assert "length" in index.visible(0)


def test_visible_names_inside_a_function_body() -> None:
    text = "t = tokens;\ndef f(a) {\n  b = a;\n  return b;\n}\nlate = 1;\n"
    index = NameIndex(Session(text).parsed)
    inside = index.visible(text.index("return b") + 7)
    assert {"a", "b", "t", "f", "late"} <= set(inside)
    assert inside["a"].role == "parameter"
    top = index.visible(text.index("late"))
    assert "a" not in top and "b" not in top and "late" not in top


def test_index_is_memoised_per_parse() -> None:
    session = Session("x = 1;\n")
    assert index_of(session) is index_of(session)
    edited = session.edit("x = 2;\n")
    assert index_of(edited) is not index_of(session) or edited.parsed is session.parsed
