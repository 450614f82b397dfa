"""Helpers for protocol tests: open documents, wait for diagnostics, find positions."""

from __future__ import annotations

import asyncio
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient


def uri_of(name: str) -> str:
    return f"file:///workspace/{name}"


def open_document(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="rasp", version=version, text=text)
        )
    )


def replace_text(client: LanguageClient, uri: str, version: int, text: str) -> None:
    """Send a change replacing the whole document."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def diagnostics_for(
    client: LanguageClient, uri: str, version: int, predicate: Any = None, timeout: float = 15
) -> list[types.Diagnostic]:
    """Wait until the server publishes diagnostics for `uri` at `version` (and, if given,
    until `predicate(diagnostics)` holds)."""

    async def wait() -> list[types.Diagnostic]:
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and params.version == version:
                found = list(params.diagnostics)
                if predicate is None or predicate(found):
                    return found

    return await asyncio.wait_for(wait(), timeout)


def position_of(text: str, needle: str, skip: int = 0) -> types.Position:
    """The LSP position (UTF-16) of the first character of `needle` in `text`."""
    at = text.index(needle)
    for _ in range(skip):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at)
    column = at - (text.rfind("\n", 0, at) + 1)
    prefix = text[at - column : at]
    return types.Position(line, len(prefix.encode("utf-16-le")) // 2)
