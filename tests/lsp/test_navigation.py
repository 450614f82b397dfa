"""Navigation and editing features through the real protocol."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from lsp_helpers import diagnostics_for, open_document, position_of, uri_of
from rasp.features.semantic_tokens import TOKEN_TYPES

PROGRAM = """# how far each token is from the end
def distance(s) {
    return length - s - 1;
}
opp = distance(indices);
flip = select(indices, opp, ==);
reverse = aggregate(flip, tokens);
twice = reverse + reverse;
"""


def _doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def _open(client: LanguageClient, name: str, text: str = PROGRAM) -> str:
    uri = uri_of(name)
    open_document(client, uri, text)
    await diagnostics_for(client, uri, 1)
    return uri


async def test_definition_references_and_highlights(client: LanguageClient) -> None:
    uri = await _open(client, "nav.rasp")
    use = position_of(PROGRAM, "reverse + reverse")
    found = await client.text_document_definition_async(
        types.DefinitionParams(text_document=_doc(uri), position=use)
    )
    assert isinstance(found, types.Location)
    assert found.range.start == position_of(PROGRAM, "reverse = ")
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=_doc(uri),
            position=use,
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert len(refs) == 3
    marks = await client.text_document_document_highlight_async(
        types.DocumentHighlightParams(text_document=_doc(uri), position=use)
    )
    assert sorted(m.kind for m in marks) == [types.DocumentHighlightKind.Read] * 2 + [
        types.DocumentHighlightKind.Write
    ]


async def test_definition_of_a_library_name_opens_the_library(client: LanguageClient) -> None:
    uri = await _open(client, "lib.rasp")
    found = await client.text_document_definition_async(
        types.DefinitionParams(text_document=_doc(uri), position=position_of(PROGRAM, "length - s"))
    )
    assert isinstance(found, types.Location)
    assert found.uri.endswith("/rasp/library.rasp")


async def test_rename_changes_every_use_and_refuses_library_names(
    client: LanguageClient,
) -> None:
    uri = await _open(client, "rename.rasp")
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=_doc(uri), position=position_of(PROGRAM, "flip"), new_name="mirror"
        )
    )
    assert edit is not None and edit.changes is not None
    edits = edit.changes[uri]
    lines = PROGRAM.splitlines()
    assert len(edits) == 2
    assert all(
        lines[e.range.start.line][e.range.start.character : e.range.end.character] == "flip"
        for e in edits
    )
    with pytest.raises(JsonRpcException):
        await client.text_document_prepare_rename_async(
            types.PrepareRenameParams(
                text_document=_doc(uri), position=position_of(PROGRAM, "length - s")
            )
        )


async def test_symbols_completion_and_signature_help(client: LanguageClient) -> None:
    uri = await _open(client, "symbols.rasp")
    found = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=_doc(uri))
    )
    names = [s.name for s in found]
    assert names[:5] == ["distance", "opp", "flip", "reverse", "twice"]
    text = PROGRAM + "pick = select(indices, indices, "
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    end = types.Position(len(text.splitlines()) - 1, len(text.splitlines()[-1]))
    items = await client.text_document_completion_async(
        types.CompletionParams(text_document=_doc(uri), position=end)
    )
    labels = sorted(
        i.label for i in (items.items if isinstance(items, types.CompletionList) else items)
    )
    assert labels == sorted(["==", "!=", "<", ">", "<=", ">="])
    help_ = await client.text_document_signature_help_async(
        types.SignatureHelpParams(text_document=_doc(uri), position=end)
    )
    assert help_ is not None
    assert help_.signatures[0].label.startswith("select(")
    assert help_.active_parameter == 2


async def test_semantic_tokens_folding_and_inlay_hints(client: LanguageClient) -> None:
    uri = await _open(client, "tokens.rasp")
    result = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=_doc(uri))
    )
    assert result is not None and len(result.data) % 5 == 0 and result.data
    lines = PROGRAM.splitlines()
    decoded, line, start = {}, 0, 0
    data = list(result.data)
    for i in range(0, len(data), 5):
        line += data[i]
        start = start + data[i + 1] if data[i] == 0 else data[i + 1]
        text = lines[line][start : start + data[i + 2]]
        decoded.setdefault(text, TOKEN_TYPES[data[i + 3]])
    assert decoded["reverse"] == "sop"
    assert decoded["flip"] == "selector"
    assert decoded["distance"] == "function"
    ranges = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=_doc(uri))
    )
    assert any(r.start_line == 1 and r.end_line == 3 for r in ranges)  # the def
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=_doc(uri),
            range=types.Range(types.Position(0, 0), types.Position(len(PROGRAM.splitlines()), 0)),
        )
    )
    labels = [h.label for h in hints or []]
    assert ": s-op · str · categorical" in labels


async def test_computation_flow_request(client: LanguageClient) -> None:
    uri = await _open(client, "flow.rasp")
    answer = await client.protocol.send_request_async(
        "rasp/computationFlow", {"textDocument": {"uri": uri}, "name": "reverse", "input": "xyz"}
    )
    assert answer is not None
    assert answer.flow.cost.heads == [1, 1]
    assert answer.svg.startswith("<svg") and "reverse" in answer.svg
    assert [h.selector.label for h in answer.flow.layers[2].heads] == ["flip"]


async def test_draw_statements_get_a_flow_lens(client: LanguageClient) -> None:
    text = PROGRAM + "draw(reverse);\n"
    uri = await _open(client, "draw.rasp", text)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=_doc(uri))
    )
    flows = [lens for lens in lenses if lens.command is not None]
    draw_line = len(PROGRAM.splitlines())
    assert any(
        lens.range.start.line == draw_line and lens.command.arguments[1] == "reverse"
        for lens in flows
    )
