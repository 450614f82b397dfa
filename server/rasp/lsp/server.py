"""The pygls server: keeps open documents, runs the program on every change and publishes
its diagnostics. (Hover, lenses and the other features come with the language-server issue.)

Documents are synchronised in full for now: pygls splits lines with `str.splitlines()`,
which breaks on form feeds and U+2028 and would misplace incremental edits.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from rasp import __version__
from rasp.diagnostic import Diagnostic, Severity
from rasp.program import Session
from rasp.syntax.document import StatementParser
from rasp.text import LineIndex

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


class RaspServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "rasp-language-server",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Full,
        )
        self.parser = StatementParser()


server = RaspServer()


def _path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def lsp_position(lines: LineIndex, offset: int) -> types.Position:
    """A code-point offset as an LSP position in UTF-16 code units."""
    line, column = lines.position(offset)
    prefix = lines.line_text(line)[:column]
    return types.Position(line, len(prefix.encode("utf-16-le")) // 2)


def lsp_diagnostic(lines: LineIndex, d: Diagnostic) -> types.Diagnostic:
    return types.Diagnostic(
        range=types.Range(lsp_position(lines, d.span.start), lsp_position(lines, d.span.end)),
        message=d.message,
        severity=_SEVERITY[d.severity],
        code=d.code,
        source="rasp",
    )


def publish(ls: RaspServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    session = Session(document.source, _path(uri), check_on_example=True, parser=ls.parser)
    diagnostics = [lsp_diagnostic(session.lines, d) for d in session.diagnostics()]
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, version=document.version, diagnostics=diagnostics)
    )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: RaspServer, params: types.DidOpenTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: RaspServer, params: types.DidChangeTextDocumentParams) -> None:
    publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: RaspServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    server.start_io()
