"""Split a file into top-level statements cheaply, without parsing.

The scanner tracks strings, comments and brackets. A statement ends at `;` outside brackets,
at the `}` closing a `def`/`for` block, or (for a REPL directive such as `set example ...`)
at the end of its line. To keep one unfinished statement from hiding the rest of the file,
a line that starts at column 0 with something that can only begin a statement (`def`,
`load`, `name =`, a directive...) ends the statement before it, even inside an unclosed
bracket or block. Consequence, by design: the body of a `def`/`for` must not start its own
statements at column 0 (indent them), or they are read as top-level statements.

The extent of a statement depends only on the text from its start to the end of the line
after it; `rescan` relies on this to re-split only around an edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_TOKEN = re.compile(r'"[^"\r\n]*"?|#[^\r\n]*|[()\[\]{};]|\r\n|\r|\n')
_GAP = re.compile(r"(?:[ \t\r\n\f\v]|#[^\r\n]*)*")
_DIRECTIVE = re.compile(
    r"(?:set[ \t]+(?:(?:s-op|selector)[ \t]+)?example(?![\w-])"
    r"|show[ \t]+(?:(?:s-op|selector)[ \t]+)?example(?![\w-])"
    r"|(?:(?:s-op|selector)[ \t]+)?examples[ \t]+(?:on|off)(?!\w)"
    r"|full[ \t]+seq[ \t]+display(?!\w)"
    r"|(?:exit|quit)(?:\(\)|(?![\w(])))"
)
_BLOCK = re.compile(r"(def|for)(?!\w)")
_STATEMENT_START = re.compile(
    r"(?:def[ \t]+[A-Za-z_]"
    r"|load[ \t]*\""
    r"|draw[ \t]*\("
    r"|[A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*[ \t]*=(?!=))"
)
_FOR_START = re.compile(r"for[ \t]+[A-Za-z_]")
_ENDS_WITH_IN = re.compile(r"(?<![\w])in[ \t\r\n]*$")
_OPENERS = "([{"
_CLOSERS = ")]}"


def _starts_statement(text: str, pos: int, in_brackets: bool) -> bool:
    if _STATEMENT_START.match(text, pos) or _DIRECTIVE.match(text, pos):
        return True
    return not in_brackets and _FOR_START.match(text, pos) is not None


def _trim_end(text: str, start: int, end: int) -> int:
    """Move `end` back over trailing blanks and a trailing comment line by line."""
    while end > start:
        line_start = max(text.rfind("\n", start, end), text.rfind("\r", start, end)) + 1
        line_start = max(line_start, start)
        line = text[line_start:end]
        hash_at = _comment_start(line)
        if hash_at >= 0:
            line = line[:hash_at]
        stripped = line.rstrip(" \t\r\n\f\v")
        if stripped:
            return line_start + len(stripped)
        end = line_start
        while end > start and text[end - 1] in "\r\n":
            end -= 1
    return start


def _comment_start(line: str) -> int:
    in_string = False
    for i, ch in enumerate(line):
        if ch == '"':
            in_string = not in_string
        elif ch == "#" and not in_string:
            return i
    return -1


def next_statement_start(text: str, pos: int) -> int:
    """The offset of the first character of the next statement at or after `pos`."""
    m = _GAP.match(text, pos)
    return m.end() if m else pos


def scan_statement(text: str, start: int) -> int:
    """The end offset (exclusive) of the statement that starts at `start`."""
    directive = _DIRECTIVE.match(text, start) is not None
    block_match = None if directive else _BLOCK.match(text, start)
    block_kind = block_match.group(1) if block_match else None
    block_opened = False
    stack: list[str] = []
    for m in _TOKEN.finditer(text, start):
        ch = text[m.start()]
        if ch == '"' or ch == "#":
            continue
        if ch in "\r\n":
            if directive and not stack:
                return _trim_end(text, start, m.start())
            col0 = m.end()
            if col0 < len(text) and text[col0] not in " \t\r\n\f\v#" and text[col0] not in _CLOSERS:
                in_brackets = bool(stack) and not (block_opened and len(stack) == 1)
                if _starts_statement(text, col0, in_brackets):
                    return _trim_end(text, start, m.start())
            continue
        if ch in _OPENERS:
            if (
                ch == "{"
                and block_kind is not None
                and not block_opened
                and not stack
                and not (block_kind == "for" and _ENDS_WITH_IN.search(text, start, m.start()))
            ):
                block_opened = True
            stack.append(ch)
            continue
        if ch in _CLOSERS:
            if stack:
                stack.pop()
            if block_opened and not stack:
                return m.end()
            continue
        # ch == ";"
        if not stack:
            return m.end()
    return _trim_end(text, start, len(text))


def scan(text: str, pos: int = 0) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of every statement from `pos` to the end of the text."""
    n = len(text)
    while True:
        start = next_statement_start(text, pos)
        if start >= n:
            return
        end = scan_statement(text, start)
        if end <= start:  # defensive: always make progress
            end = start + 1
        yield start, end
        pos = end


def dependency_end(text: str, end: int) -> int:
    """The last offset whose text can change where a statement ending at `end` ends: the end
    of the first line after it that holds more than blanks or a comment (the scanner looks
    at that line to decide whether an unfinished statement stops before it)."""
    n = len(text)
    m = _LINE_BREAK.search(text, end)
    while m is not None:
        start = m.end()
        m = _LINE_BREAK.search(text, start)
        line_end = m.start() if m else n
        content = text[start:line_end].strip(" \t\f\v")
        if content and not content.startswith("#"):
            return line_end
    return n


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
