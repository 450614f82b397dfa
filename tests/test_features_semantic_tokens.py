"""Semantic tokens: the classes annotated in a fixture (`#: word=TYPE.MODIFIER...`, the next
such word on the line), the legend, and the shape of the answer on every example."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.features.markers import FIXTURES, notes_of
from rasp.features.semantic_tokens import TOKEN_MODIFIERS, TOKEN_TYPES, SemanticToken, tokens
from rasp.program import Session

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.rasp"))
CLASSES = FIXTURES / "tokens" / "classes.rasp"


def _check_shape(text: str, found: list[SemanticToken]) -> None:
    end = 0
    for token in found:
        assert token.start >= end, "tokens overlap or are out of order"
        assert token.length > 0
        end = token.start + token.length
        assert end <= len(text)
        piece = text[token.start : end]
        assert "\n" not in piece and "\r" not in piece
        assert token.type in TOKEN_TYPES
        assert set(token.modifiers) <= set(TOKEN_MODIFIERS)
        assert list(token.modifiers) == [m for m in TOKEN_MODIFIERS if m in token.modifiers]


def test_annotated_classes() -> None:
    text = CLASSES.read_text(encoding="utf-8")
    found = tokens(Session(text, CLASSES))
    _check_shape(text, found)
    by_start = {token.start: token for token in found}
    notes = notes_of(text)
    assert len(notes) > 50
    for note in notes:
        assert note.defines, "use word=TYPE.MODIFIERS"
        token = by_start.get(note.start)
        line = text.count("\n", 0, note.start) + 1
        assert token is not None, f"no token for {note.name} on line {line}"
        assert token.length == len(note.name), f"{note.name} on line {line}"
        kind, *modifiers = note.label.split(".")
        assert (token.type, list(token.modifiers)) == (kind, modifiers), f"{note.name}, {line}"


def test_literals_operators_and_comments() -> None:
    text = 'x = 1 + 2.5; # note\ny = "a b" == "c";\nz = select(indices, 0, >=);\n'
    found = {text[t.start : t.start + t.length]: t.type for t in tokens(Session(text))}
    assert found["1"] == found["2.5"] == "number"
    assert found['"a b"'] == found['"c"'] == "string"
    assert found["# note"] == "comment"
    assert found["="] == found["+"] == found["=="] == found[">="] == "operator"


def test_unclosed_string_and_directive_words() -> None:
    text = 'set s-op example "ab\nx = tokens;\n'
    found = tokens(Session(text))
    _check_shape(text, found)
    words = [(text[t.start : t.start + t.length], t.type) for t in found]
    assert ("s-op", "keyword") in words
    assert ('"ab', "string") in words
    assert ("x", "sop") in words


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_examples_are_tokenised_cleanly(example: Path) -> None:
    text = example.read_text(encoding="utf-8")
    found = tokens(Session(text, example))
    _check_shape(text, found)
    types = {t.type for t in found}
    assert {"sop", "selector", "keyword", "comment"} <= types


def test_legend() -> None:
    assert len(set(TOKEN_TYPES)) == len(TOKEN_TYPES) == 10
    assert TOKEN_MODIFIERS == ("declaration", "readonly", "defaultLibrary")
    assert {"sop", "selector", "function", "parameter"} <= set(TOKEN_TYPES)


def test_empty_and_broken_documents() -> None:
    assert tokens(Session("")) == []
    text = "def f(a {\n  return a +\n"
    _check_shape(text, tokens(Session(text)))
