"""Running and analysing programs off the event loop, through the real protocol: a long
analysis of one document does not hold up answers about another, and every request is
answered against the text it was sent for, even when edits sent after it are applied first."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_helpers import diagnostics_for, open_document, position_of, replace_text, uri_of

SMALL = "small = tokens;\nshown = small;\n"


def long_chain(statements: int) -> str:
    """A program whose first run and analysis take a good while (each s-op uses the last)."""
    lines = ["s0 = indices;"]
    lines += [f"s{i} = s{i - 1} + {i % 7};" for i in range(1, statements)]
    return "\n".join(lines) + "\n"


async def test_a_long_analysis_does_not_hold_up_another_document(client: LanguageClient) -> None:
    small, big = uri_of("small.rasp"), uri_of("big.rasp")
    open_document(client, small, SMALL)
    await diagnostics_for(client, small, 1)
    order: list[str] = []

    async def hover() -> None:
        await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=small),
                position=position_of(SMALL, "small;"),
            )
        )
        order.append("hover on the small document")

    async def big_published() -> None:
        await diagnostics_for(client, big, 1, timeout=120)
        order.append("big document analysed")

    open_document(client, big, long_chain(3_000))
    await asyncio.gather(big_published(), hover())
    assert order == ["hover on the small document", "big document analysed"]


async def test_requests_are_answered_for_the_text_they_were_sent_for(
    client: LanguageClient,
) -> None:
    uri = uri_of("versions.rasp")
    first = "a = tokens;\nb = a;\n"
    open_document(client, uri, first)
    await diagnostics_for(client, uri, 1)
    second = "alpha = tokens;\nb = alpha;\n"
    replace_text(client, uri, 2, second)
    # sent for version 2, then at once an edit that renames everything again
    hover = client.protocol.send_request(  # written at once, unlike the *_async methods
        types.TEXT_DOCUMENT_HOVER,
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(second, "alpha;"),
        ),
    )
    highlights = client.protocol.send_request(
        types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT,
        types.DocumentHighlightParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(second, "alpha;"),
        ),
    )
    replace_text(client, uri, 3, "z = tokens;\nb = z;\n")
    answer = await asyncio.wrap_future(hover)
    found = await asyncio.wrap_future(highlights)
    assert answer is not None
    assert isinstance(answer.contents, types.MarkupContent)
    assert "alpha" in answer.contents.value
    lines = second.split("\n")
    words = {
        lines[h.range.start.line][h.range.start.character : h.range.end.character]
        for h in found or []
    }
    assert words == {"alpha"}
    assert len(found or []) == 2
