"""Completion on fixtures with a `$0` cursor and `#:` expectations:

#: include NAME ...        these labels are offered
#: exclude NAME ...        these are not
#: exactly LABEL ...       exactly these labels, in this order
#: empty                   nothing is offered
#: detail NAME TEXT        the item NAME has detail TEXT
#: kind NAME KIND          the item NAME has kind KIND
#: doc NAME TEXT           the documentation of NAME contains TEXT
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.features.markers import FIXTURES, cursor, directives
from rasp.features.completion import Item, complete
from rasp.program import Session

COMPLETION = sorted((FIXTURES / "completion").glob("*.rasp"))


def _items(path: Path) -> tuple[list[Item], list[tuple[str, str]]]:
    text, offset = cursor(path.read_text(encoding="utf-8"))
    return complete(Session(text, path), offset), directives(text)


@pytest.mark.parametrize("fixture", COMPLETION, ids=lambda p: p.stem)
def test_completion(fixture: Path) -> None:
    items, expectations = _items(fixture)
    assert expectations, "fixture without expectations"
    by_label = {item.label: item for item in items}
    labels = [item.label for item in items]
    for word, rest in expectations:
        if word == "include":
            assert set(rest.split()) <= set(labels), set(rest.split()) - set(labels)
        elif word == "exclude":
            assert not set(rest.split()) & set(labels)
        elif word == "exactly":
            assert labels == rest.split()
        elif word == "empty":
            assert items == []
        elif word == "detail":
            name, _, detail = rest.partition(" ")
            assert by_label[name].detail == detail
        elif word == "kind":
            name, _, kind = rest.partition(" ")
            assert by_label[name].kind == kind
        elif word == "doc":
            name, _, doc = rest.partition(" ")
            assert doc in (by_label[name].documentation or "")
        else:
            raise AssertionError(f"unknown expectation {word}")


def test_every_item_is_complete_and_labels_are_unique() -> None:
    items, _ = _items(FIXTURES / "completion" / "top_level.rasp")
    labels = [item.label for item in items]
    assert len(labels) == len(set(labels))
    for item in items:
        assert item.label and item.kind and item.insert_text == item.label


def test_select_operators_have_docs() -> None:
    items, _ = _items(FIXTURES / "completion" / "select_operator.rasp")
    assert all(item.kind == "operator" and item.documentation for item in items)


@pytest.mark.parametrize("offset", [-1, 10_000])
def test_offsets_outside_the_text_give_nothing(offset: int) -> None:
    assert complete(Session("x = tokens;\n"), offset) == []


def test_empty_document_offers_names_and_statement_keywords() -> None:
    labels = {item.label for item in complete(Session(""), 0)}
    assert {"def", "for", "load", "tokens", "length", "select"} <= labels
    assert "return" not in labels


def test_fuzzed_offsets_never_raise() -> None:
    text = (FIXTURES / "completion" / "in_function_typing.rasp").read_text(encoding="utf-8")
    text = text.replace("$0", "")
    session = Session(text)
    for offset in range(len(text) + 1):
        complete(session, offset)
