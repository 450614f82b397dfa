"""Inline diagnostic expectations in `.rasp` fixtures, and a checker for them.

A fixture is an ordinary RASP file. An *annotation* is a comment line that states one
diagnostic expected on the closest line above it that is not itself an annotation:

    x = foo + 1;
    #   ^^^ error[undefined-name]: Undefined variable: foo

* Carets: the columns of the carets are the columns of the expected range on the target
  line (the annotation line is measured like any other line, `#` included), so the example
  above expects the range of `foo`. The range is half-open: `^^^` under columns 4-6 means
  [4, 7).
* Explicit form, for ranges a caret cannot show (starting at column 0, empty, or spanning
  lines):

      True = 1;
      #@ 0-4 error[reserved-name]: Cannot set reserved name: True

  `#@ C1-C2` is columns [C1, C2) of the target line (0-based, as carets count);
  `#@ L1:C1-L2:C2` gives 1-based line numbers as well, for a range over several lines.
* Then the severity (`error`, `warning`, `information`, `hint`), the diagnostic code in
  brackets, a colon and a message fragment: the diagnostic's message must contain it
  (case-sensitive; it may be empty).

Several annotations may follow one line. A line whose comment starts with `#` followed by
carets or `@` is an annotation; every other comment is ordinary text.

`check(text, diagnostics)` compares: every annotation must match a diagnostic with the same
severity, code and range whose message contains the fragment; every diagnostic of severity
`error` must be matched by an annotation (pass `required=("error", "warning")` to demand
annotations for warnings too, or `also=` a predicate on diagnostics). Unannotated diagnostics
of other severities are allowed, so that new analysis warnings do not break the error
fixtures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rasp.text import LineIndex, Span

_CARETS = re.compile(
    r"^(?P<lead>[ \t]*#[ \t]*)(?P<carets>\^+)[ \t]+(?P<rest>.*)$"
)
_EXPLICIT = re.compile(
    r"^[ \t]*#@[ \t]*(?:(?P<l1>\d+):)?(?P<c1>\d+)[ \t]*-[ \t]*(?:(?P<l2>\d+):)?(?P<c2>\d+)"
    r"[ \t]+(?P<rest>.*)$"
)
_EXPECT = re.compile(
    r"^(?P<severity>error|warning|information|hint)\[(?P<code>[a-z0-9-]+)\]:[ ]?(?P<message>.*)$"
)
_ANNOTATION_START = re.compile(r"^[ \t]*#[ \t]*\^|^[ \t]*#@")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class AnnotationError(ValueError):
    """A malformed annotation in a fixture."""


@dataclass(frozen=True)
class Expected:
    line: int  # 0-based line of the annotation itself (for messages)
    span: Span  # absolute offsets in the fixture text
    severity: str
    code: str
    message: str

    def describe(self, index: LineIndex) -> str:
        return f"{_where(index, self.span)} {self.severity}[{self.code}]: {self.message}"


@dataclass(frozen=True)
class Actual:
    span: Span
    severity: str
    code: str
    message: str

    def describe(self, index: LineIndex) -> str:
        return f"{_where(index, self.span)} {self.severity}[{self.code}]: {self.message}"


def _where(index: LineIndex, span: Span) -> str:
    l1, c1 = index.position(span.start)
    l2, c2 = index.position(span.end)
    if l1 == l2:
        return f"line {l1 + 1} cols {c1}-{c2}"
    return f"{l1 + 1}:{c1}-{l2 + 1}:{c2}"


def is_annotation(line: str) -> bool:
    return _ANNOTATION_START.match(line) is not None


def _lines(text: str) -> list[str]:
    """The lines of `text`, split like `LineIndex` splits them (\\n, \\r\\n, \\r only)."""
    return _LINE_BREAK.split(text)


def parse_annotations(text: str) -> list[Expected]:
    """Every annotation of a fixture, with absolute spans."""
    index = LineIndex(text)
    lines = _lines(text)
    out: list[Expected] = []
    target: int | None = None
    for number, line in enumerate(lines):
        if not is_annotation(line):
            target = number
            continue
        if target is None:
            raise AnnotationError(f"line {number + 1}: annotation before any code line")
        caret = _CARETS.match(line)
        explicit = _EXPLICIT.match(line)
        if caret is not None:
            start = len(caret.group("lead"))
            end = start + len(caret.group("carets"))
            rest = caret.group("rest")
            span = Span(_offset(index, lines, target, start, number),
                        _offset(index, lines, target, end, number))
        elif explicit is not None:
            l1 = int(explicit.group("l1")) - 1 if explicit.group("l1") else target
            l2 = int(explicit.group("l2")) - 1 if explicit.group("l2") else target
            rest = explicit.group("rest")
            span = Span(_offset(index, lines, l1, int(explicit.group("c1")), number),
                        _offset(index, lines, l2, int(explicit.group("c2")), number))
        else:
            raise AnnotationError(f"line {number + 1}: cannot read annotation {line!r}")
        expect = _EXPECT.match(rest.strip())
        if expect is None:
            raise AnnotationError(
                f"line {number + 1}: expected `severity[code]: message`, got {rest!r}"
            )
        if span.end < span.start:
            raise AnnotationError(f"line {number + 1}: range ends before it starts")
        out.append(Expected(number, span, expect.group("severity"), expect.group("code"),
                            expect.group("message").rstrip()))
    return out


def _offset(index: LineIndex, lines: Sequence[str], line: int, column: int, at: int) -> int:
    if not 0 <= line < len(lines):
        raise AnnotationError(f"line {at + 1}: no line {line + 1} in the fixture")
    if column > len(lines[line]):
        raise AnnotationError(
            f"line {at + 1}: column {column} is past the end of line {line + 1} "
            f"({len(lines[line])} characters)"
        )
    return index.line_starts[line] + column


def _severity(value: object) -> str:
    return str(getattr(value, "value", value))


def actual_from(diagnostics: Iterable[object]) -> list[Actual]:
    """`rasp.diagnostic.Diagnostic`s (or anything with span/severity/code/message)."""
    return [
        Actual(d.span, _severity(d.severity), d.code, d.message)  # type: ignore[attr-defined]
        for d in diagnostics
    ]


def check(text: str, diagnostics: Iterable[object], required: Sequence[str] = ("error",),
          also: Callable[[Actual], bool] = lambda _: False) -> list[str]:
    """Problems with `diagnostics` against the annotations of `text` (empty: all good).
    Unannotated diagnostics are problems when their severity is in `required` or `also`
    accepts them (e.g. every diagnostic of the code a fixture is about)."""
    index = LineIndex(text)
    expected = parse_annotations(text)
    actual = actual_from(diagnostics)
    unmatched = list(actual)
    problems: list[str] = []
    for exp in expected:
        found = next(
            (a for a in unmatched
             if a.span == exp.span and a.severity == exp.severity and a.code == exp.code
             and exp.message in a.message),
            None,
        )
        if found is not None:
            unmatched.remove(found)
            continue
        near = [a for a in actual if a.code == exp.code or a.span == exp.span]
        hint = "; nearest: " + " | ".join(a.describe(index) for a in near) if near else ""
        problems.append(f"missing  {exp.describe(index)}  (annotation on line {exp.line + 1})"
                        f"{hint}")
    for act in unmatched:
        if act.severity in required or also(act):
            problems.append(f"unexpected {act.describe(index)}")
    return problems


def render(text: str, diagnostics: Iterable[object]) -> str:
    """`text` with its annotations replaced by annotations of `diagnostics`: what a fixture
    would say if it agreed with the implementation (for writing and updating fixtures).
    `diagnostics` must come from `text` itself; line numbers of multi-line ranges refer to
    `text` as given."""
    lines = _lines(text)
    index = LineIndex(text)
    by_line: dict[int, list[str]] = {}
    for act in actual_from(diagnostics):
        l1, c1 = index.position(act.span.start)
        l2, c2 = index.position(act.span.end)
        tail = f"{act.severity}[{act.code}]: {act.message.splitlines()[0] if act.message else ''}"
        if l1 == l2 and c1 >= 1 and c2 > c1:
            note = "#" + " " * (c1 - 1) + "^" * (c2 - c1) + " " + tail
        elif l1 == l2:
            note = f"#@ {c1}-{c2} {tail}"
        else:
            note = f"#@ {l1 + 1}:{c1}-{l2 + 1}:{c2} {tail}"
        by_line.setdefault(l2 if l1 != l2 else l1, []).append(note)
    out: list[str] = []
    for number, line in enumerate(lines):
        if is_annotation(line):
            continue
        out.append(line)
        out.extend(by_line.get(number, []))
    return "\n".join(out)
