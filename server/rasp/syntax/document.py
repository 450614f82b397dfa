"""Parse a whole file into statements, incrementally.

`StatementParser` keeps a cache from statement text to its parse, so re-parsing a file after
an edit parses only the statements whose text changed; `reparse` also re-splits only the
statements around the edit. The result is always equal to parsing the new text from scratch.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from rasp.syntax import ast, scanner
from rasp.syntax.parser import parse_statement
from rasp.text import LineIndex

# the language server parses on two threads; lark's parser and the caches are used by one at a
# time (a statement parses in well under a millisecond)
_LOCK = threading.Lock()
_CACHE_SIZE = 1_024  # statement texts; a reparse reuses unchanged statements without it


@dataclass(frozen=True, slots=True)
class ParsedFile:
    text: str
    statements: tuple[ast.Statement, ...]

    def line_index(self) -> LineIndex:
        return LineIndex(self.text)


class StatementParser:
    """Parses statements, remembering the parse of each statement text it has seen."""

    def __init__(self) -> None:
        self._cache: OrderedDict[str, tuple[ast.Stmt | None, tuple[ast.SyntaxProblem, ...]]]
        self._cache = OrderedDict()
        self.parsed_count = 0  # statements actually parsed (cache misses), for tests/benchmarks

    def statement(self, text: str, start: int, end: int) -> ast.Statement:
        source = text[start:end]
        with _LOCK:
            hit = self._cache.get(source)
            if hit is None:
                hit = parse_statement(source)
                self.parsed_count += 1
                self._cache[source] = hit
                if len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(source)
        return ast.Statement(start, end - start, hit[0], hit[1])

    def parse(self, text: str) -> ParsedFile:
        """Parse `text` from scratch (statement parses still come from the cache)."""
        return ParsedFile(text, tuple(self.statement(text, s, e) for s, e in scanner.scan(text)))

    def reparse(self, old: ParsedFile, text: str) -> ParsedFile:
        """Parse `text`, an edited version of `old.text`, re-splitting only around the edit."""
        start, old_end, new_end = _changed_region(old.text, text)
        if start == old_end == new_end and len(old.text) == len(text):
            return old
        delta = new_end - old_end
        olds = old.statements
        # first statement whose extent may depend on the changed text
        first = 0
        while first < len(olds):
            st = olds[first]
            if scanner.dependency_end(old.text, st.offset + st.length) >= start:
                break
            first += 1
        kept = list(olds[:first])
        pos = kept[-1].offset + kept[-1].length if kept else 0
        old_starts = {st.offset: i for i, st in enumerate(olds) if st.offset >= old_end}
        new_statements = kept
        for s, e in scanner.scan(text, pos):
            if s >= new_end and (s - delta) in old_starts:
                i = old_starts[s - delta]
                new_statements.extend(_shifted(st, delta) for st in olds[i:])
                break
            new_statements.append(self.statement(text, s, e))
        return ParsedFile(text, tuple(new_statements))


def _shifted(st: ast.Statement, delta: int) -> ast.Statement:
    if delta == 0:
        return st
    return ast.Statement(st.offset + delta, st.length, st.tree, st.problems)


def _changed_region(old: str, new: str) -> tuple[int, int, int]:
    """(start, old_end, new_end): old[start:old_end] was replaced by new[start:new_end]."""
    limit = min(len(old), len(new))
    lo, hi = 0, limit
    while lo < hi:  # longest common prefix, by bisection on slices (done in C)
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, limit - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid :] == new[len(new) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    suffix = lo
    return prefix, len(old) - suffix, len(new) - suffix


def parse_file(text: str) -> ParsedFile:
    """Parse a whole file from scratch with a fresh cache."""
    return StatementParser().parse(text)
