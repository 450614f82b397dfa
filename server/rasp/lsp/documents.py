"""The server's own model of an open document: its text (edits applied with LSP's line breaks
only, never `str.splitlines`), the run and analysis of its latest versions, and the latest
evaluation answer from the worker.

Running the program and analysing it take longer than a keystroke, so the server does them in
a background thread (server.py) while the event loop keeps answering. The runner reuses one
scope from run to run, so whoever reads or replaces the session holds the document's `lock`;
the work itself is handed out as a function over an immutable `Snapshot` of one version
(`run_work`), and its result taken back on the loop (`finish_run`). A request is answered
against the version it was sent for: a `View` is that snapshot with the run of exactly its
text."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types

from rasp.diagnostic import Diagnostic
from rasp.lsp.convert import offset
from rasp.program import Session
from rasp.syntax.document import ParsedFile, StatementParser
from rasp.text import LineIndex, Span


def uri_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


@dataclass
class Document:
    uri: str
    version: int
    text: str
    path: Path | None = None
    lines: LineIndex = field(init=False)
    evaluation: dict[str, Any] | None = None  # the worker's answer for `evaluated_version`
    evaluated_version: int | None = None
    evaluation_task: asyncio.Task[None] | None = None
    analysis_task: asyncio.Task[None] | None = None
    run_task: asyncio.Task[None] | None = None
    # the static analysis (slower than the parse) of `analysed_version`, and the edits made
    # since then, to carry its diagnostics along until it is recomputed
    analysis: list[Diagnostic] = field(default_factory=list)
    analysed_version: int | None = None
    runtime: list[Diagnostic] = field(default_factory=list)  # of `evaluated_version`
    edits: list[tuple[int, int, int, int]] = field(default_factory=list)  # version, edit
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # held to read or run the session

    def __post_init__(self) -> None:
        self.path = uri_path(self.uri)
        self.file = str(self.path) if self.path else None
        self.lines = LineIndex(self.text)
        self.parser = StatementParser()
        # the parse of the current text; None until the first run parsed it (off the loop)
        self.parsed: ParsedFile | None = None
        self._session: Session | None = None
        self.run_version: int | None = None
        # the program errors of `run_version`, carried until the run catches up
        self.run_errors: list[Diagnostic] = []

    @property
    def session(self) -> Session:
        """The last complete run (of `run_version`); read it holding `lock`."""
        assert self._session is not None, "read after a run"
        return self._session

    def snapshot(self) -> Snapshot:
        return Snapshot(self, self.version, self.text, self.lines, self.parsed)

    def run_work(self, snapshot: Snapshot) -> Callable[[], Session]:
        """The work of running `snapshot` (for another thread: it reads only immutable data and
        the runner, which nothing else touches while the caller holds `lock`)."""
        runner = self._session.runner if self._session is not None else None
        path, parser = self.path, self.parser
        return lambda: Session(snapshot.text, path, False, parser, runner, snapshot.parsed)

    def finish_run(self, session: Session, version: int) -> None:
        """Take back a run of `version` (on the loop; edits may have arrived meanwhile)."""
        self._session = session
        if self.parsed is None:  # the first run: bring its parse up to the current text
            self.parsed = self.parser.reparse(session.parsed, self.text)
        self.run_version = version
        self.run_errors = session.run_diagnostics()
        self.forget_edits()

    def apply(self, changes: list[Any], version: int, encoding: str) -> None:
        """Apply LSP content changes in order; remember where the text changed."""
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = offset(self.lines, change.range.start, encoding)
                end = offset(self.lines, change.range.end, encoding)
                start, end = min(start, end), max(start, end)
                self.text = self.text[:start] + change.text + self.text[end:]
                self.edits.append((version, start, end, start + len(change.text)))
            else:
                self.edits.append((version, 0, len(self.text), len(change.text)))
                self.text = change.text
            self.lines = LineIndex(self.text)
        self.version = version
        if self.parsed is not None:
            self.parsed = self.parser.reparse(self.parsed, self.text)

    def carried(self, diagnostics: list[Diagnostic], since: int | None) -> list[Diagnostic]:
        """Diagnostics computed for version `since` moved through the edits made after it;
        those touching edited text are dropped (they return when the work catches up)."""
        if since == self.version:
            return diagnostics
        if since is None:
            return []
        out = []
        for d in diagnostics:
            span: Span | None = d.span
            for version, start, old_end, new_end in self.edits:
                if span is None:
                    break
                if version <= since or span.end < start:
                    continue
                span = span.shift(new_end - old_end) if span.start > old_end else None
            if span is not None:
                out.append(replace(d, span=span))
        return out

    def forget_edits(self) -> None:
        """Drop the edits no carried diagnostic needs any more."""
        floor = min(
            v if v is not None else -1
            for v in (self.analysed_version, self.evaluated_version, self.run_version)
        )
        self.edits = [e for e in self.edits if e[0] > floor]



@dataclass(frozen=True)
class Snapshot:
    """One version of a document: the text a request was sent for."""

    doc: Document
    version: int
    text: str
    lines: LineIndex
    parsed: ParsedFile | None


@dataclass(frozen=True)
class View:
    """What a request handler reads: one version of a document and the run of its text. The
    session stays valid until the handler next awaits (a later run reuses its scope)."""

    doc: Document
    version: int
    text: str
    lines: LineIndex
    session: Session

    @property
    def uri(self) -> str:
        return self.doc.uri

    @property
    def path(self) -> Path | None:
        return self.doc.path

    @property
    def current_evaluation(self) -> dict[str, Any] | None:
        """The worker's answer for this version, if it has come."""
        doc = self.doc
        return doc.evaluation if doc.evaluated_version == self.version else None

    @property
    def evaluating(self) -> bool:
        task = self.doc.evaluation_task
        return task is not None and not task.done()
