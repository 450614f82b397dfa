"""The server's own model of an open document: its text (edits applied with LSP's line breaks
only, never `str.splitlines`), the analysis of its latest version, and the latest evaluation
answer from the worker."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types

from rasp.lsp.convert import offset
from rasp.program import Session
from rasp.text import LineIndex


def uri_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


@dataclass
class Document:
    uri: str
    version: int
    text: str
    path: Path | None = None
    session: Session | None = None
    lines: LineIndex = field(init=False)
    evaluation: dict[str, Any] | None = None  # the worker's answer for `evaluated_version`
    evaluated_version: int | None = None
    evaluation_task: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        self.path = uri_path(self.uri)
        self.lines = LineIndex(self.text)
        self.analyse()

    def apply(self, changes: list[Any], version: int, encoding: str) -> None:
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = offset(self.lines, change.range.start, encoding)
                end = offset(self.lines, change.range.end, encoding)
                start, end = min(start, end), max(start, end)
                self.text = self.text[:start] + change.text + self.text[end:]
            else:
                self.text = change.text
            self.lines = LineIndex(self.text)
        self.version = version
        self.analyse()

    def analyse(self) -> None:
        if self.session is None:
            self.session = Session(self.text, self.path, check_on_example=False)
        else:
            self.session = self.session.edit(self.text)

    @property
    def current_evaluation(self) -> dict[str, Any] | None:
        return self.evaluation if self.evaluated_version == self.version else None
