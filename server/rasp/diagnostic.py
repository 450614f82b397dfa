"""The one diagnostic record every stage returns (syntax, build, evaluation).

A diagnostic has a code (`syntax`, `undefined-variable`, `runtime-error`, ...), a severity,
a message in the reference's wording where one exists, and an absolute span in its file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from rasp.text import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"
    HINT = "hint"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    severity: Severity = Severity.ERROR
    file: str | None = None
    related: tuple[tuple[str, Span], ...] = field(default=())
