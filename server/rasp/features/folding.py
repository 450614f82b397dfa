"""Folding ranges: `def` and `for` blocks, runs of comment lines and runs of `load`s.

Each range is (start, end, kind) in absolute code-point offsets; the LSP layer turns them
into lines (a range on a single line folds nothing and is left out here). Kinds: "region"
(a `def` or `for` block, also nested ones, from its keyword to its closing `}`), "comment"
(2 or more consecutive lines holding only a comment, from the first `#` to the end of the
last comment) and "imports" (2 or more consecutive `load` statements). A `def` or `for` that
does not parse yet folds over the statement the scanner found for it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rasp.program import Session
from rasp.syntax import ast
from rasp.text import LineIndex

_BLOCK_START = re.compile(r"(?:def|for)(?!\w)")


class FoldingRange(NamedTuple):
    start: int
    end: int
    kind: str  # "region" | "comment" | "imports"


def _blocks(stmt: ast.Stmt, base: int, out: list[FoldingRange]) -> None:
    if isinstance(stmt, ast.Def | ast.For):
        out.append(FoldingRange(base + stmt.span.start, base + stmt.span.end, "region"))
        for inner in stmt.body:
            _blocks(inner, base, out)


def folding_ranges(session: Session) -> list[FoldingRange]:
    """The folding ranges of the session's document, sorted by start."""
    text = session.text
    lines = LineIndex(text)
    found: list[FoldingRange] = []
    loads: list[tuple[int, int]] = []

    def flush_loads() -> None:
        if len(loads) >= 2:
            found.append(FoldingRange(loads[0][0], loads[-1][1], "imports"))
        loads.clear()

    for statement in session.parsed.statements:
        tree = statement.tree
        if isinstance(tree, ast.Load):
            loads.append((statement.offset, statement.offset + statement.length))
            continue
        flush_loads()
        if tree is not None:
            _blocks(tree, statement.offset, found)
        elif _BLOCK_START.match(text, statement.offset):
            found.append(
                FoldingRange(statement.offset, statement.offset + statement.length, "region")
            )
    flush_loads()
    found.extend(_comment_runs(text, lines))
    multiline = [r for r in found if lines.position(r.start)[0] < lines.position(r.end)[0]]
    return sorted(multiline, key=lambda r: (r.start, -r.end))


def _comment_runs(text: str, lines: LineIndex) -> list[FoldingRange]:
    out: list[FoldingRange] = []
    run: list[tuple[int, int]] = []
    for number in range(len(lines.line_starts)):
        line = lines.line_text(number)
        stripped = line.lstrip()
        if stripped.startswith("#"):
            start = lines.line_starts[number] + len(line) - len(stripped)
            run.append((start, lines.line_starts[number] + len(line)))
            continue
        if len(run) >= 2:
            out.append(FoldingRange(run[0][0], run[-1][1], "comment"))
        run = []
    if len(run) >= 2:
        out.append(FoldingRange(run[0][0], run[-1][1], "comment"))
    return out
