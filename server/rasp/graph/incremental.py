"""Re-run a file after an edit, executing again only the statements whose inputs changed.

For every top-level statement the runner records what it read from the top-level scope (the
first value seen for each name, or that the name was missing), what it bound there, the
running example before and after it, its errors and the nodes it produced. On the next run,
a statement with the same text, the same running example and the very same values for
everything it read is replayed: its bindings are restored (the same node objects, so
evaluation caches and head identity carry over) without executing it. Otherwise it runs.
`load` statements always run (the loaded file may have changed).

The top-level scope object is kept across runs (and cleared at the start of each), so that
functions defined by replayed statements still look names up in the live scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasp.graph import nodes as g
from rasp.graph.builder import Builder
from rasp.graph.values import MISSING, Scope
from rasp.runtime.errors import RaspError
from rasp.syntax import ast
from rasp.syntax.document import ParsedFile
from rasp.text import Span


@dataclass
class _Error:
    code: str
    message: str
    origin: g.Origin | None  # anchored: moves with its statement; None: in another file
    python_exception: str | None


@dataclass
class Record:
    """What one execution of a statement read, wrote and produced."""

    text: str
    example_before: Any
    example_after: Any
    reads: dict[str, Any]
    writes: dict[str, Any]
    errors: list[_Error]
    results: list[g.Node]
    called: set[int]
    exited: bool
    anchor: g.Anchor = field(default_factory=g.Anchor)


@dataclass
class StatementRun:
    statement: ast.Statement
    errors: list[RaspError]
    replayed: bool
    exited: bool = False
    example: Any = None  # the running example in effect for this statement
    writes: dict[str, Any] = field(default_factory=dict)  # what it bound at top level


@dataclass
class Runner:
    """Runs a file statement by statement with a Builder, replaying unchanged statements."""

    builder: Builder
    file: str | None = None
    records: dict[str, list[Record]] = field(default_factory=dict)
    executed: int = 0  # statements executed (not replayed) in the last run

    def run(self, parsed: ParsedFile) -> list[StatementRun]:
        builder = self.builder
        scope = builder.scope
        scope.vars.clear()
        builder.results.clear()
        builder.called.clear()
        builder.example = _initial_example()
        old, self.records = self.records, {}
        self.executed = 0
        runs: list[StatementRun] = []
        for statement in parsed.statements:
            if statement.tree is None:
                runs.append(StatementRun(statement, [], True, example=builder.example))
                continue
            text = parsed.text[statement.offset : statement.offset + statement.length]
            record = self._replayable(old.get(text, []), statement)
            if record is None:
                record = self._execute(statement, text)
                errors = [self._error(e, statement) for e in record.errors]
                replayed = False
            else:
                self._replay(record, statement)
                errors = [self._error(e, statement) for e in record.errors]
                replayed = True
            self.records.setdefault(text, []).append(record)
            runs.append(
                StatementRun(
                    statement, errors, replayed, record.exited, record.example_before, record.writes
                )
            )
            if record.exited:
                break
        return runs

    def _replayable(self, candidates: list[Record], statement: ast.Statement) -> Record | None:
        if isinstance(statement.tree, ast.Load):
            return None
        builder = self.builder
        for record in candidates:
            if not _same(record.example_before, builder.example):
                continue
            if all(
                builder.scope.vars.get(name, MISSING) is value
                for name, value in record.reads.items()
            ):
                candidates.remove(record)
                return record
        return None

    def _replay(self, record: Record, statement: ast.Statement) -> None:
        record.anchor.offset = statement.offset  # everything it built moves with it
        builder = self.builder
        for name, value in record.writes.items():
            builder.scope.vars[name] = value
        builder.results.extend(record.results)
        builder.called.update(record.called)
        builder.example = record.example_after

    def _execute(self, statement: ast.Statement, text: str) -> Record:
        builder = self.builder
        scope: Scope = builder.scope
        example_before = builder.example
        scope.reads, scope.writes = {}, set()
        results_before = len(builder.results)
        anchor = g.Anchor(statement.offset)
        try:
            errors = builder.run_statement(statement, self.file, anchor)
        finally:
            reads, writes = scope.reads, scope.writes
            scope.reads = scope.writes = None
        self.executed += 1
        exited = bool(errors) and errors[-1].code == "exit"
        if exited:
            errors = errors[:-1]
        kept = []
        for err in errors:
            # keep the anchored origin: an error inside a function body moves with the def
            origin = (
                err.origin if err.origin is not None and err.origin.file == self.file else (None)
            )
            kept.append(_Error(err.code, err.message, origin, err.python_exception))
        return Record(
            text,
            example_before,
            builder.example,
            reads,
            {name: scope.vars[name] for name in writes if name in scope.vars},
            kept,
            builder.results[results_before:],
            set(builder.called_now),  # every function the statement called
            exited,
            anchor,
        )

    def _error(self, err: _Error, statement: ast.Statement) -> RaspError:
        origin = err.origin or g.Origin(
            self.file, Span(0, statement.length), g.Anchor(statement.offset)
        )
        return RaspError(err.code, err.message, origin, err.python_exception)


def _initial_example() -> Any:
    from rasp.graph.builder import DEFAULT_EXAMPLE

    return DEFAULT_EXAMPLE


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b
