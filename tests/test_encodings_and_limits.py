"""Encodings (categorical / numerical with reasons), encoding annotations, and the limits that
keep the build of any file finite."""

from __future__ import annotations

from rasp.analysis.encodings import Encodings
from rasp.analysis.types import Types
from rasp.graph.builder import MAX_CALL_DEPTH, MAX_LIST_LENGTH, MAX_LOOP_ITERATIONS, base_scope
from rasp.program import Session

SOURCE = """frac = aggregate(select(indices, indices, <=), indicator(tokens == "l"));
first = aggregate(select(indices, 0, ==), indices);
flag = tokens == "h";
shifted = frac + frac;
annotated = numerical(indices + 1);
copy = categorical(round(frac * 10));
key = select(frac, frac, ==);
"""


def _encodings(session: Session) -> Encodings:
    return Encodings(session.builder.results, Types(), base_scope().vars["length"])


def _encoding(session: Session, enc: Encodings, name: str) -> tuple[str, str | None]:
    encoding, reason = enc.of(session.builder.scope.vars[name])
    return encoding, reason.text if reason else None


def test_encodings_follow_the_rules() -> None:
    session = Session(SOURCE, None)
    assert session.errors == []
    enc = _encodings(session)
    assert _encoding(session, enc, "first") == ("categorical", "indices is an input")
    assert _encoding(session, enc, "flag") == ("categorical", "holds bool values")
    assert _encoding(session, enc, "annotated") == ("numerical", "annotated numerical")
    assert _encoding(session, enc, "copy") == ("categorical", "annotated categorical")
    # an annotation states the encoding of its argument: annotating an average categorical
    # is a conflict
    declared = Session(
        "d = categorical(aggregate(select(indices, indices, <=), indicator(tokens == \"l\")));",
        None,
    )
    [conflict] = _encodings(declared).conflicts()
    assert conflict.categorical.text == "annotated categorical"
    # frac is averaged (numerical) and used as a select key (categorical): a conflict
    assert [c.node.name for c in enc.conflicts()] == ["frac"]
    conflict = enc.conflicts()[0]
    assert conflict.categorical.text == "used as a select key"
    assert conflict.numerical.text.startswith("mean over a selector")


def test_linear_combination_shares_the_encoding_of_its_inputs() -> None:
    session = Session(SOURCE.replace("key = select(frac, frac, ==);\n", ""), None)
    enc = _encodings(session)
    assert _encoding(session, enc, "shifted")[0] == "numerical"
    assert enc.conflicts() == []


def test_conflict_diagnostic_names_both_reasons_with_locations() -> None:
    session = Session(SOURCE, None)
    [conflict] = [d for d in session.diagnostics() if d.code == "encoding-conflict"]
    assert conflict.severity.value == "information"
    assert "used as a select key" in conflict.message and "mean over" in conflict.message
    places = [session.text[s.start : s.end] for _, s in conflict.related]
    assert places[0].startswith("select(frac, frac, ==)")
    assert places[1].startswith("aggregate(select(indices, indices, <=)")
    traced = [d for d in session.diagnostics(tracr=True) if d.code == "encoding-conflict"]
    assert traced[0].severity.value == "warning"


def test_annotations_are_identity_and_reference_incompatible() -> None:
    session = Session(SOURCE, None)
    assert session.result(session.evaluate("annotated"), "ab", None, None).values == [1, 2]
    notes = [d for d in session.diagnostics() if d.code == "reference-incompatible"]
    assert [session.text[d.span.start : d.span.end].split("(")[0] for d in notes] == [
        "numerical",
        "categorical",
    ]


def _limit(source: str) -> str:
    session = Session(source, None)
    assert [e.code for e in session.errors] == ["limit"], session.errors
    return session.errors[0].message


def test_limits_end_the_build_with_a_diagnostic() -> None:
    assert str(MAX_CALL_DEPTH) in _limit("def f(x) { return f(x); }\ny = f(1);\n")
    assert "too large" in _limit(f"big = range({MAX_LIST_LENGTH + 1});\n")
    assert str(MAX_LOOP_ITERATIONS) in _limit(
        f"for i in range({MAX_LOOP_ITERATIONS + 1}) {{\n  x = i;\n}}\n"
    )
    assert "too large" in _limit("huge = [0] * 100000000;\n")
