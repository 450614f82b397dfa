"""The analysis's memos across runs (rasp.analysis.live): after edits anywhere in a program
large enough for several union-find copies, the node list, the encodings and the static
diagnostics are exactly those of a fresh analysis of the same text."""

from __future__ import annotations

from pathlib import Path

import pytest

from rasp.analysis.encodings import Encodings
from rasp.analysis.live import program_encodings, program_nodes
from rasp.analysis.types import Types
from rasp.diagnostic import Diagnostic
from rasp.graph import nodes as g
from rasp.graph.builder import base_scope
from rasp.program import Session

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.rasp"))
COPY = "\n".join(p.read_text(encoding="utf-8") for p in EXAMPLES) + "\n"
TEXT = COPY * 16  # the paper's programs, 16 times over: several thousand nodes


def insert_statement(text: str, fraction: float, statement: str) -> str:
    at = text.index("\n", int(len(text) * fraction)) + 1
    return text[:at] + statement + "\n" + text[at:]


def change_last(text: str, old: str, new: str) -> str:
    head, sep, tail = text.rpartition(old)
    assert sep, old
    return head + new + tail


def edits() -> list[tuple[str, str]]:
    """A chain of edits: (what, the text after it)."""
    steps = [("unchanged", TEXT)]
    steps.append(("a statement added near the end", insert_statement(TEXT, 0.95, "x = 1;")))
    steps.append(("a constant changed in the last copy", change_last(steps[-1][1], "- 1", "- 2")))
    steps.append(("a statement added in the middle", insert_statement(steps[-1][1], 0.5, "y;")))
    steps.append(("a statement added at the top", "z = length + 1;\n" + steps[-1][1]))
    steps.append(("the top statement removed", steps[-2][1]))
    steps.append(("back to the start", TEXT))
    annotated = insert_statement(TEXT, 0.97, "w = numerical(hist);")  # forces an earlier s-op
    steps.append(("an annotation added near the end", annotated))
    steps.append(("the annotation removed", TEXT))
    return steps


def summary(encodings: Encodings, nodes: list[g.Node]) -> list[tuple[str, str | None]]:
    out = []
    for node in nodes:
        if isinstance(node, g.SOp):
            encoding, reason = encodings.of(node)
            out.append((encoding, reason.text if reason else None))
    return out


def conflicts(encodings: Encodings, nodes: list[g.Node]) -> list[tuple[int, str, str]]:
    index = {node.id: i for i, node in enumerate(nodes)}
    return sorted(
        (index[c.node.id], c.categorical.text, c.numerical.text) for c in encodings.conflicts()
    )


def test_a_large_program_needs_several_copies() -> None:
    session = Session(TEXT, None, check_on_example=False)
    assert len(program_nodes(session.builder, session.builder.results)) > 2 * 2048


@pytest.mark.parametrize("tracr", [False, True])
def test_memos_after_edits_equal_a_fresh_analysis(tracr: bool) -> None:
    session = Session(TEXT, None, check_on_example=False)
    session.analysis_diagnostics(tracr=tracr)
    for what, text in edits():
        session = session.edit(text)
        found = session.analysis_diagnostics(tracr=tracr)
        builder = session.builder
        nodes = program_nodes(builder, builder.results)
        assert nodes == g.ancestors_of(builder.results), what
        kept = program_encodings(builder, nodes)
        fresh = Encodings(types=Types(), length=base_scope().vars.get("length"), nodes=nodes)
        assert summary(kept, nodes) == summary(fresh, nodes), what
        assert conflicts(kept, nodes) == conflicts(fresh, nodes), what
        again = Session(text, None, check_on_example=False).analysis_diagnostics(tracr=tracr)
        assert sorted(_key(d) for d in found) == sorted(_key(d) for d in again), what


def _key(d: Diagnostic) -> tuple[int, int, str, str]:
    return (d.span.start, d.span.end, d.code, d.message)


FRACTIONS = """def frac_so_far(flag) {
    return aggregate(select(indices, indices, <=), indicator(flag));
}
frac_a = frac_so_far(tokens == "a");
count_a = round(frac_a * (indices + 1));
frac_vowel = frac_so_far(tokens in ["a", "e", "i", "o", "u"]);
total_a = round(aggregate(select(1, 1, ==), indicator(tokens == "a")) * length);
share_of_all_a = count_a / max(total_a, 1);
"""


def test_conflicts_come_in_the_order_of_a_fresh_analysis() -> None:
    """Found by the fuzzer: after edits that only move statements (line breaks changed), the
    replayed nodes keep their old ids; conflicts ordered by id came out swapped."""
    session = Session(FRACTIONS, None)
    assert len([d for d in session.analysis_diagnostics() if d.code == "encoding-conflict"]) > 1
    for text in (FRACTIONS.replace("\n", "\r\n"), FRACTIONS.replace("\n", "\r\r\n")):
        session = session.edit(text)
        assert [_key(d) for d in session.analysis_diagnostics()] == [
            _key(d) for d in Session(text, None).analysis_diagnostics()
        ]
