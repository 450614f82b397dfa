"""Static-analysis diagnostics (analysis.md section 5), one fixture per code.

Each `tests/fixtures/analysis/<code>.rasp` (tracr codes: `tracr/<code>.rasp`, run with the
tracr checks on) holds true positives, annotated in the format of `tests/annotations.py`, and
near misses: similar code that must not be flagged, each under a `# near miss:` comment that
says why. The comparison is exact for the fixture's own family of diagnostics: every
diagnostic of the family must be annotated, and every annotation must match a diagnostic's
code, severity, range and (a fragment of its) message. So a near miss that gets flagged fails
the test. Errors must be annotated too, so that a near miss cannot pass just because its
statement was rejected (a rejected statement's static warnings are dropped). Diagnostics of
other codes may appear unannotated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotations import Actual, actual_from, check, parse_annotations, render
from rasp.diagnostic import Diagnostic, Severity
from rasp.program import Session
from rasp.text import Span

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "analysis"
NEAR_MISS = "# near miss:"


@dataclass(frozen=True)
class Family:
    """The diagnostics a fixture speaks for exhaustively."""

    fixture: str  # path under FIXTURES
    tracr: bool
    member: Callable[[Actual], bool]


def _code(code: str) -> Callable[[Actual], bool]:
    return lambda a: a.code == code


def _never_called(a: Actual) -> bool:
    return a.severity == "error" and "never called" in a.message


STATIC_CODES = [
    "averages-non-numbers",
    "default-type-mismatch",
    "precedence",
    "always-false",
    "duplicate-selector",
    "unused",
    "encoding-conflict",
    "type-mismatch",
    "reference-incompatible",
]
TRACR_CODES = [
    "tracr-numerical-select",
    "tracr-composite-selector",
    "tracr-categorical-average",
    "tracr-numerical-values",
    "tracr-length",
]
# Errors inside the bodies of functions that are never called keep the code of the error
# (undefined-name, wrong-arity...); their family is "an error whose message says so".
NEVER_CALLED = "never-called"

FAMILIES: dict[str, Family] = {
    **{code: Family(f"{code}.rasp", False, _code(code)) for code in STATIC_CODES},
    **{code: Family(f"tracr/{code}.rasp", True, _code(code)) for code in TRACR_CODES},
    NEVER_CALLED: Family(f"{NEVER_CALLED}.rasp", False, _never_called),
}


def _run(name: str, *, tracr: bool | None = None) -> tuple[str, list[object]]:
    family = FAMILIES[name]
    path = FIXTURES / family.fixture
    text = path.read_text(encoding="utf-8")
    session = Session(text, path)
    return text, list(session.diagnostics(tracr=family.tracr if tracr is None else tracr))


@pytest.mark.parametrize("name", list(FAMILIES))
def test_fixture(name: str) -> None:
    text, diagnostics = _run(name)
    problems = check(text, diagnostics, also=FAMILIES[name].member)
    assert not problems, (
        "\n".join(problems)
        + "\n\nWhat the implementation reports, as annotations:\n"
        + render(text, diagnostics)
    )


def test_every_code_has_a_fixture() -> None:
    """Every code has its fixture, with a true positive of its family and a near miss."""
    on_disk = {p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*.rasp")}
    assert on_disk == {f.fixture for f in FAMILIES.values()}, "a fixture without a family"
    for name, family in FAMILIES.items():
        text = (FIXTURES / family.fixture).read_text(encoding="utf-8")
        annotations = parse_annotations(text)
        if name == NEVER_CALLED:
            own = [a for a in annotations if a.severity == "error" and "never called" in a.message]
        else:
            own = [a for a in annotations if a.code == name]
        assert own, f"{family.fixture}: no annotated true positive of {name}"
        assert NEAR_MISS in text, f"{family.fixture}: no `{NEAR_MISS}` comment"


def test_encoding_conflict_is_a_warning_for_tracr() -> None:
    """With the tracr checks on, an encoding conflict is a warning instead of information;
    everything else about it stays the same."""

    def conflicts(tracr: bool) -> list[Actual]:
        _, diagnostics = _run("encoding-conflict", tracr=tracr)
        return [a for a in actual_from(diagnostics) if a.code == "encoding-conflict"]

    plain, with_tracr = conflicts(False), conflicts(True)
    assert plain
    assert {a.severity for a in plain} == {"information"}
    assert {a.severity for a in with_tracr} == {"warning"}
    assert [(a.span, a.message) for a in plain] == [(a.span, a.message) for a in with_tracr]


def test_encoding_conflict_names_both_reasons() -> None:
    """Related information points at both the categorical and the numerical reason."""
    _, diagnostics = _run("encoding-conflict")
    conflicts = [d for d in diagnostics if d.code == "encoding-conflict"]  # type: ignore[attr-defined]
    assert conflicts
    for conflict in conflicts:
        labels = [label for label, _ in conflict.related]  # type: ignore[attr-defined]
        assert any(label.startswith("categorical") for label in labels), conflict
        assert any(label.startswith("numerical") for label in labels), conflict


@pytest.mark.parametrize("name", TRACR_CODES)
def test_tracr_checks_are_off_by_default(name: str) -> None:
    _, diagnostics = _run(name, tracr=False)
    assert not [d for d in diagnostics if d.code.startswith("tracr-")]  # type: ignore[attr-defined]


# ---- the comparison itself ------------------------------------------------------------------

SAMPLE = """\
x = tokens == 1;
#   ^^^^^^^^^^^ warning[always-false]: always False
# near miss: str with str.
y = tokens == "1";
"""


def _diag(text: str, part: str, code: str, severity: Severity = Severity.WARNING) -> Diagnostic:
    start = text.index(part)
    return Diagnostic(code, f"{code}: always False", Span(start, start + len(part)), severity)


def test_compare_is_exact_for_the_family() -> None:
    member = _code("always-false")
    hit = _diag(SAMPLE, "tokens == 1", "always-false")
    assert check(SAMPLE, [hit], also=member) == []
    # a flagged near miss
    near = _diag(SAMPLE, 'tokens == "1"', "always-false")
    assert check(SAMPLE, [hit, near], also=member)
    # a missing true positive, a wrong range, a wrong severity
    assert check(SAMPLE, [], also=member)
    assert check(SAMPLE, [_diag(SAMPLE, "tokens == 1;", "always-false")], also=member)
    assert check(SAMPLE, [_diag(SAMPLE, "tokens == 1", "always-false", Severity.HINT)], also=member)
    # other codes are ignored unless they are errors
    other = _diag(SAMPLE, 'tokens == "1"', "precedence")
    assert check(SAMPLE, [hit, other], also=member) == []
    error = _diag(SAMPLE, 'tokens == "1"', "runtime-error", Severity.ERROR)
    assert check(SAMPLE, [hit, error], also=member)
