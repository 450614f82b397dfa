"""Every case of the reference conformance corpus, run through `rasp run --json`'s Session.

Cases that pin down reference behaviour the language spec says we differ on (section 10) are
listed in DELIBERATE with the spec item; for those we assert our own behaviour instead.
"""

from __future__ import annotations

from typing import Any

import pytest

import conformance

CASES = conformance.corpus()["cases"]

# case id -> (spec item, an equivalent expression whose outcome ours must equal)
SAME_AS: dict[str, tuple[str, str]] = {
    "idx_sop#050": (
        "10.9 parenthesised indexing works",
        'aggregate(select(indices, 1, ==), tokens + "!")',
    ),
    "quirk_python#012": ("10.9 parenthesised indexing works", "[10, 20][0]"),
    "quirk_python#013": ("10.9 parenthesised indexing works", "[10, 20][0]"),
    "quirk_python#014": ("10.9 parenthesised indexing works", '"abc"[1]'),
    "quirk_python#015": ("10.9 parenthesised indexing works", "tokens[0]"),
    "quirk_python#016": ("10.9 parenthesised indexing works", "tokens[0]"),
    "err_syntax_misc#017": (
        "10.11 `aggregate (` with a space is accepted",
        "aggregate(select(indices, indices, ==), tokens)",
    ),
}

# case id -> (spec item, expected outcome kind, expected program errors as (kind, line))
PROGRAM_DIFFERENCES: dict[str, tuple[str, str, list[tuple[str, int]]]] = {
    "quirk_same_line#000": ("10.4 several statements per line are fine", "ok", []),
    "quirk_dangling#000": ("10.4 a missing `;` is a syntax error", "error", [("syntax", 3)]),
    "quirk_swallowed#000": (
        "10.10 report the syntax error and go on",
        "error",
        [("syntax", 4), ("undefined_variable", 5)],
    ),
}
VALUE_DIFFERENCES: dict[str, tuple[str, Any]] = {
    "quirk_same_line#001": ("10.4 several statements per line are fine", 1),
    "quirk_same_line#002": ("10.4 several statements per line are fine", 2),
}
DELIBERATE = set(SAME_AS) | set(PROGRAM_DIFFERENCES) | set(VALUE_DIFFERENCES)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c["id"] not in DELIBERATE], ids=lambda c: c["id"]
)
def test_matches_reference(case: dict[str, Any]) -> None:
    assert conformance.mismatch(case) is None, conformance.mismatch(case)


@pytest.mark.parametrize("case_id", sorted(SAME_AS))
def test_deliberate_difference_same_as(case_id: str) -> None:
    case = next(c for c in CASES if c["id"] == case_id)
    reason, equivalent = SAME_AS[case_id]
    ours = conformance.outcome(case)
    assert ours["kind"] != "error", reason
    assert ours == conformance.outcome({**case, "expr": equivalent}), reason


@pytest.mark.parametrize("case_id", sorted(PROGRAM_DIFFERENCES))
def test_deliberate_difference_program(case_id: str) -> None:
    case = next(c for c in CASES if c["id"] == case_id)
    reason, kind, errors = PROGRAM_DIFFERENCES[case_id]
    s = conformance.session(case["program"])
    assert conformance.outcome(case)["kind"] == kind, reason
    assert [(e.kind, e.line) for e in s.errors] == errors, reason


@pytest.mark.parametrize("case_id", sorted(VALUE_DIFFERENCES))
def test_deliberate_difference_value(case_id: str) -> None:
    case = next(c for c in CASES if c["id"] == case_id)
    reason, value = VALUE_DIFFERENCES[case_id]
    assert conformance.outcome(case) == {"kind": "value", "value": value}, reason


def test_every_deliberate_difference_is_a_real_case() -> None:
    ids = {c["id"] for c in CASES}
    assert ids >= DELIBERATE
