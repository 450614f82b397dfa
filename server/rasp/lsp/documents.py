"""The server's own model of an open document: its text (edits applied with LSP's line breaks
only, never `str.splitlines`), the analysis of its latest version, and the latest evaluation
answer from the worker."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types

from rasp.diagnostic import Diagnostic
from rasp.lsp.convert import offset
from rasp.program import Session
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

    def __post_init__(self) -> None:
        self.path = uri_path(self.uri)
        self.lines = LineIndex(self.text)
        self._session = Session(self.text, self.path, check_on_example=False)
        self.parsed = self._session.parsed
        self.run_version = self.version
        # the program errors of `run_version`, carried until the run catches up
        self.run_errors: list[Diagnostic] = self._session.run_diagnostics()

    @property
    def session(self) -> Session:
        """The run of the current text (run now if the debounced run has not happened)."""
        if self.run_version != self.version:
            self._session = Session(
                self.text, self.path, False, self._session.parser, self._session.runner, self.parsed
            )
            self.run_version = self.version
            self.run_errors = self._session.run_diagnostics()
            self.forget_edits()
        return self._session

    @property
    def session_file(self) -> str | None:
        return self._session.file

    @property
    def stale(self) -> bool:
        return self.run_version != self.version

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
        self.parsed = self._session.parser.reparse(self.parsed, self.text)

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

    @property
    def current_evaluation(self) -> dict[str, Any] | None:
        return self.evaluation if self.evaluated_version == self.version else None
