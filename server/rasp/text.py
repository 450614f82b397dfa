"""Source positions: spans as code-point offsets, and the line index that turns offsets
into 0-based (line, column) pairs.

Only `\\n`, `\\r\\n` and `\\r` end a line (not form feed or U+2028, unlike `str.splitlines`).
UTF-16 columns for LSP are computed in the server layer, never here.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range [start, end) of code-point offsets."""

    start: int
    end: int

    def shift(self, delta: int) -> Span:
        return Span(self.start + delta, self.end + delta)

    def contains(self, offset: int) -> bool:
        return self.start <= offset <= self.end


class LineIndex:
    """Maps offsets of one text to (line, column), both 0-based, columns in code points."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line, offset - self.line_starts[line]

    def offset(self, line: int, column: int) -> int:
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[line]
        end = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else len(self.text)
        return min(start + max(column, 0), end)

    def line_text(self, line: int) -> str:
        start = self.line_starts[line]
        end = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")


def comment_above(text: str, offset: int) -> str | None:
    """The `#` comment lines directly above the line holding `offset`, without the `#`."""
    index = LineIndex(text)
    line, _ = index.position(offset)
    found: list[str] = []
    for number in range(line - 1, -1, -1):
        stripped = index.line_text(number).strip()
        if not stripped.startswith("#"):
            break
        found.append(stripped.lstrip("#").strip())
    return " ".join(reversed(found)) or None
