"""What surrounds the cursor, read from the text alone, so that it works on half-typed code
(the statement being typed rarely parses).

Owns: which statement the cursor is editing, whether it is in a comment or a string, the
word being typed, and the innermost open call (`f(a, |`) with the index of the argument the
cursor is in (commas counted at the call's bracket depth).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Literal

from rasp.syntax.document import ParsedFile
from rasp.text import Span

_WORD_CHAR = re.compile(r"[A-Za-z0-9_]")
_NAME_BEFORE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t\r\n]*\Z")
_DEF_BEFORE = re.compile(r"(?:^|[^A-Za-z0-9_])def[ \t\r\n]+\Z")
_NOT_CALLS = frozenset({"if", "else", "in", "and", "or", "not", "return", "for", "def"})
_PAIRS = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True, slots=True)
class OpenCall:
    """A call whose `(` is open before the cursor: `callee(arg0, arg1|`."""

    callee: str
    callee_span: Span  # absolute
    paren: int  # absolute offset of the `(`
    active: int  # commas before the cursor at the call's depth


def clamp(text: str, offset: int) -> int | None:
    """`offset` if it is inside the text (the end included), else None."""
    return offset if 0 <= offset <= len(text) else None


def statement_start(parsed: ParsedFile, offset: int) -> int:
    """The start of the statement the cursor at `offset` is editing: the statement that
    holds it, an unfinished statement it continues, or the cursor itself between statements."""
    statements = parsed.statements
    starts = [st.offset for st in statements]
    i = bisect.bisect_right(starts, offset) - 1
    if i < 0:
        return offset
    st = statements[i]
    end = st.offset + st.length
    if offset < end:
        return st.offset
    if st.tree is None:
        return st.offset  # still typing it
    closed = parsed.text[st.offset : end].rstrip().endswith((";", "}"))
    if closed or "\n" in parsed.text[end:offset] or "\r" in parsed.text[end:offset]:
        return offset
    return st.offset


def line_start(text: str, offset: int) -> int:
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def inside(text: str, offset: int) -> Literal["comment", "string"] | None:
    """Whether `offset` is in a comment or a string (both end at their line's end)."""
    in_string = False
    for ch in text[line_start(text, offset) : offset]:
        if in_string:
            in_string = ch != '"'
        elif ch == '"':
            in_string = True
        elif ch == "#":
            return "comment"
    return "string" if in_string else None


def word_before(text: str, offset: int) -> Span:
    """The identifier characters just before `offset` (the word being typed)."""
    start = offset
    while start > 0 and _WORD_CHAR.match(text[start - 1]):
        start -= 1
    return Span(start, offset)


def _line_end(text: str, i: int, limit: int) -> int:
    ends = [p for p in (text.find("\n", i, limit), text.find("\r", i, limit)) if p >= 0]
    return min(ends, default=limit)


def open_brackets(text: str, start: int, offset: int) -> list[tuple[str, int, int]]:
    """The brackets open at `offset`, scanning from `start`: (bracket, offset, commas at its
    depth), outermost first. Strings and comments are skipped; a `;` closes every bracket
    down to the enclosing `{` (a statement cannot end inside `(` or `[`)."""
    brackets: list[tuple[str, int]] = []
    commas: list[int] = []
    i = start
    n = min(offset, len(text))
    while i < n:
        ch = text[i]
        if ch == '"':
            eol = _line_end(text, i, n)
            close = text.find('"', i + 1, eol)
            i = eol if close < 0 else close + 1  # an unclosed string ends at its line
            continue
        if ch == "#":
            i = _line_end(text, i, n)
            continue
        if ch in _PAIRS:
            brackets.append((ch, i))
            commas.append(0)
        elif ch in ")]}":
            if brackets and _PAIRS[brackets[-1][0]] == ch:
                brackets.pop()
                commas.pop()
        elif ch == ",":
            if commas:
                commas[-1] += 1
        elif ch == ";":
            while brackets and brackets[-1][0] != "{":
                brackets.pop()
                commas.pop()
        i += 1
    return [(b, p, c) for (b, p), c in zip(brackets, commas, strict=True)]


def open_call(text: str, start: int, offset: int) -> OpenCall | None:
    """The innermost call whose parenthesis is open at `offset` (a list literal or nested
    parenthesis inside an argument is looked through; a `{` or a `def` header stops)."""
    for bracket, position, commas in reversed(open_brackets(text, start, offset)):
        if bracket == "{":
            return None
        if bracket == "[":
            continue
        match = _NAME_BEFORE.search(text, max(start, position - 200), position)
        if match is None or match.group(1) in _NOT_CALLS:
            continue  # a parenthesised expression
        if _DEF_BEFORE.search(text, max(0, match.start() - 20), match.start()):
            return None  # `def f(a, |`: parameters, not arguments
        span = Span(match.start(1), match.end(1))
        return OpenCall(match.group(1), span, position, commas)
    return None
