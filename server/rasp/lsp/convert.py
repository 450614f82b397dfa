"""Positions between the core (code-point offsets) and LSP (line + column in the negotiated
encoding: UTF-16 code units unless the client chose UTF-8 or UTF-32). Lines break only at
`\\n`, `\\r\\n` and `\\r`, as LSP says (`rasp.text.LineIndex`)."""

from __future__ import annotations

from lsprotocol import types

from rasp.text import LineIndex, Span


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def position(lines: LineIndex, offset: int, encoding: str = "utf-16") -> types.Position:
    line, column = lines.position(offset)
    return types.Position(line, _units(lines.line_text(line)[:column], encoding))


def lsp_range(lines: LineIndex, span: Span, encoding: str = "utf-16") -> types.Range:
    return types.Range(position(lines, span.start, encoding), position(lines, span.end, encoding))


def offset(lines: LineIndex, pos: types.Position, encoding: str = "utf-16") -> int:
    """The offset of an LSP position; positions past a line's end or the text's end clamp."""
    if pos.line >= len(lines.line_starts):
        return len(lines.text)
    text = lines.line_text(pos.line)
    if encoding == "utf-32":
        column = min(pos.character, len(text))
    else:
        column, units = 0, 0
        while column < len(text) and units < pos.character:
            units += _units(text[column], encoding)
            column += 1
    return lines.line_starts[pos.line] + column
