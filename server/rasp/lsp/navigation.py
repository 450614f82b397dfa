"""The navigation and editing features of the server: each handler finds the document, asks
`rasp.features`, and converts the plain answer to LSP types. Registered on the server object
of `rasp.lsp.server` when this module is imported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsprotocol import types

from rasp.features import completion as completion_feature
from rasp.features import folding, inlay, semantic_tokens, signature, symbols
from rasp.features.names import Location, RenameError, index_of
from rasp.lsp.convert import lsp_range, offset
from rasp.lsp.documents import View
from rasp.lsp.server import RaspServer, arrival_snapshots, server, view_of, view_of_uri
from rasp.text import LineIndex, Span

_SYMBOL_KINDS = {
    "function": types.SymbolKind.Function,
    "parameter": types.SymbolKind.Variable,
    "s-op": types.SymbolKind.Variable,
    "selector": types.SymbolKind.Variable,
    "list": types.SymbolKind.Array,
    "dict": types.SymbolKind.Object,
    "atom": types.SymbolKind.Constant,
    "annotation": types.SymbolKind.Function,
    "unknown": types.SymbolKind.Variable,
    "loop": types.SymbolKind.Namespace,
    "file": types.SymbolKind.File,
}
_COMPLETION_KINDS = {
    "s-op": types.CompletionItemKind.Variable,
    "selector": types.CompletionItemKind.Variable,
    "function": types.CompletionItemKind.Function,
    "parameter": types.CompletionItemKind.Variable,
    "variable": types.CompletionItemKind.Variable,
    "builtin": types.CompletionItemKind.Function,
    "keyword": types.CompletionItemKind.Keyword,
    "operator": types.CompletionItemKind.Operator,
    "file": types.CompletionItemKind.File,
}
LEGEND = types.SemanticTokensLegend(
    token_types=list(semantic_tokens.TOKEN_TYPES),
    token_modifiers=list(semantic_tokens.TOKEN_MODIFIERS),
)


async def _document(ls: RaspServer, uri: str) -> View | None:
    """The document as the request found it, with the run of that text (read it at once)."""
    return await view_of_uri(ls, uri)


def _at(ls: RaspServer, doc: View, position: types.Position) -> int:
    return offset(doc.lines, position, ls.encoding)


def _location(ls: RaspServer, doc: View, location: Location) -> types.Location | None:
    if location.file is None:
        return types.Location(doc.uri, lsp_range(doc.lines, location.span, ls.encoding))
    try:
        text = Path(location.file).read_text(encoding="utf-8")
    except OSError:
        return None
    return types.Location(
        Path(location.file).resolve().as_uri(),
        lsp_range(LineIndex(text), location.span, ls.encoding),
    )


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
async def definition(ls: RaspServer, params: types.DefinitionParams) -> types.Location | None:
    doc = await _document(ls, params.text_document.uri)
    if doc is None:
        return None
    found = index_of(doc.session).definition_at(_at(ls, doc, params.position))
    return _location(ls, doc, found) if found is not None else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
async def references(ls: RaspServer, params: types.ReferenceParams) -> list[types.Location]:
    doc = await _document(ls, params.text_document.uri)
    if doc is None:
        return []
    found = index_of(doc.session).references(
        _at(ls, doc, params.position), params.context.include_declaration
    )
    return [loc for loc in (_location(ls, doc, f) for f in found) if loc is not None]


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
async def highlight(
    ls: RaspServer, params: types.DocumentHighlightParams
) -> list[types.DocumentHighlight]:
    doc = await _document(ls, params.text_document.uri)
    if doc is None:
        return []
    kinds = {"read": types.DocumentHighlightKind.Read, "write": types.DocumentHighlightKind.Write}
    return [
        types.DocumentHighlight(lsp_range(doc.lines, h.span, ls.encoding), kinds[h.kind])
        for h in index_of(doc.session).highlights(_at(ls, doc, params.position))
    ]


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
async def prepare_rename(ls: RaspServer, params: types.PrepareRenameParams) -> types.Range | None:
    doc = await _document(ls, params.text_document.uri)
    if doc is None:
        return None
    answer = index_of(doc.session).prepare_rename(_at(ls, doc, params.position))
    if isinstance(answer, RenameError):
        raise ValueError(answer.message)  # answered as an error the editor shows
    return lsp_range(doc.lines, answer, ls.encoding)


@server.feature(types.TEXT_DOCUMENT_RENAME)
async def rename(ls: RaspServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    doc = await _document(ls, params.text_document.uri)
    if doc is None:
        return None
    answer = index_of(doc.session).rename(_at(ls, doc, params.position), params.new_name)
    if isinstance(answer, RenameError):
        raise ValueError(answer.message)
    edits = [
        types.TextEdit(lsp_range(doc.lines, span, ls.encoding), params.new_name) for span in answer
    ]
    return types.WorkspaceEdit(changes={doc.uri: edits})


def _document_symbol(
    ls: RaspServer, doc: View, symbol: symbols.DocumentSymbol
) -> types.DocumentSymbol:
    return types.DocumentSymbol(
        name=symbol.name or "?",
        kind=_SYMBOL_KINDS.get(symbol.kind, types.SymbolKind.Variable),
        detail=symbol.detail,
        range=lsp_range(doc.lines, symbol.span, ls.encoding),
        selection_range=lsp_range(doc.lines, symbol.selection, ls.encoding),
        children=[_document_symbol(ls, doc, c) for c in symbol.children] or None,
    )


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def document_symbol(ls: RaspServer, params: types.DocumentSymbolParams) -> list[Any]:
    doc = await _document(ls, params.text_document.uri)
    if doc is None:
        return []
    found = symbols.document_symbols(doc.session)
    if ls.supports("text_document", "document_symbol", "hierarchical_document_symbol_support"):
        return [_document_symbol(ls, doc, s) for s in found]
    flat: list[types.SymbolInformation] = []
    stack: list[tuple[symbols.DocumentSymbol, str | None]] = [(s, None) for s in reversed(found)]
    while stack:
        symbol, container = stack.pop()
        flat.append(
            types.SymbolInformation(
                name=symbol.name or "?",
                kind=_SYMBOL_KINDS.get(symbol.kind, types.SymbolKind.Variable),
                location=types.Location(doc.uri, lsp_range(doc.lines, symbol.span, ls.encoding)),
                container_name=container,
            )
        )
        stack.extend((c, symbol.name) for c in reversed(symbol.children))
    return flat


@server.feature(types.WORKSPACE_SYMBOL)
async def workspace_symbol(
    ls: RaspServer, params: types.WorkspaceSymbolParams
) -> list[types.WorkspaceSymbol]:
    outlines, views = [], {}
    for uri, snapshot in arrival_snapshots(ls).items():
        view = await view_of(ls, snapshot)
        outlines.append((uri, symbols.document_symbols(view.session)))  # before the next await
        views[uri] = view
    out = []
    for found in symbols.workspace_symbols(params.query, outlines):
        doc = views[found.document]
        out.append(
            types.WorkspaceSymbol(
                name=found.name,
                kind=_SYMBOL_KINDS.get(found.kind, types.SymbolKind.Variable),
                location=types.Location(doc.uri, lsp_range(doc.lines, found.span, ls.encoding)),
                container_name=found.container,
            )
        )
    return out


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[",", "("])
)
async def completion(ls: RaspServer, params: types.CompletionParams) -> types.CompletionList:
    doc = await _document(ls, params.text_document.uri)
    if doc is None:
        return types.CompletionList(is_incomplete=False, items=[])
    items = [
        types.CompletionItem(
            label=item.label,
            kind=_COMPLETION_KINDS.get(item.kind, types.CompletionItemKind.Text),
            detail=item.detail,
            documentation=types.MarkupContent(types.MarkupKind.Markdown, item.documentation)
            if item.documentation
            else None,
            insert_text=item.insert_text,
        )
        for item in completion_feature.complete(doc.session, _at(ls, doc, params.position))
    ]
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(
    types.TEXT_DOCUMENT_SIGNATURE_HELP, types.SignatureHelpOptions(trigger_characters=["(", ","])
)
async def signature_help(
    ls: RaspServer, params: types.SignatureHelpParams
) -> types.SignatureHelp | None:
    doc = await _document(ls, params.text_document.uri)
    if doc is None:
        return None
    found = signature.signature_help(doc.session, _at(ls, doc, params.position))
    if found is None:
        return None
    parameters = [
        types.ParameterInformation(label=(p.span[0], p.span[1]), documentation=p.documentation)
        for p in found.parameters
    ]
    active = min(found.active_parameter or 0, max(len(parameters) - 1, 0))
    return types.SignatureHelp(
        signatures=[
            types.SignatureInformation(
                label=found.label,
                documentation=found.documentation,
                parameters=parameters,
                active_parameter=active,
            )
        ],
        active_signature=0,
        active_parameter=active,
    )


@server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, LEGEND)
async def semantic_tokens_full(
    ls: RaspServer, params: types.SemanticTokensParams
) -> types.SemanticTokens:
    doc = await _document(ls, params.text_document.uri)
    if doc is None:
        return types.SemanticTokens(data=[])
    data: list[int] = []
    previous_line, previous_start = 0, 0
    type_index = {t: i for i, t in enumerate(semantic_tokens.TOKEN_TYPES)}
    modifier_bit = {m: 1 << i for i, m in enumerate(semantic_tokens.TOKEN_MODIFIERS)}
    for token in semantic_tokens.tokens(doc.session):
        span = lsp_range(doc.lines, Span(token.start, token.start + token.length), ls.encoding)
        line, start = span.start.line, span.start.character
        delta_start = start - previous_start if line == previous_line else start
        data += [
            line - previous_line,
            delta_start,
            span.end.character - start,
            type_index[token.type],
            sum(modifier_bit[m] for m in token.modifiers),
        ]
        previous_line, previous_start = line, start
    return types.SemanticTokens(data=data)


@server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
async def folding_range(
    ls: RaspServer, params: types.FoldingRangeParams
) -> list[types.FoldingRange]:
    doc = await _document(ls, params.text_document.uri)
    if doc is None:
        return []
    kinds = {
        "comment": types.FoldingRangeKind.Comment,
        "imports": types.FoldingRangeKind.Imports,
        "region": types.FoldingRangeKind.Region,
    }
    out = []
    for found in folding.folding_ranges(doc.session):
        start = doc.lines.position(found.start)[0]
        end = doc.lines.position(found.end)[0]
        if end > start:
            out.append(
                types.FoldingRange(start_line=start, end_line=end, kind=kinds.get(found.kind))
            )
    return out


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
async def inlay_hint(ls: RaspServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    doc = await _document(ls, params.text_document.uri)
    if doc is None or not ls.settings.inlay_hints:
        return []
    span = Span(_at(ls, doc, params.range.start), _at(ls, doc, params.range.end))
    return [
        types.InlayHint(
            position=lsp_range(doc.lines, Span(h.offset, h.offset), ls.encoding).start,
            label=h.label,
            kind=types.InlayHintKind.Type,
            tooltip=h.tooltip,
        )
        for h in inlay.inlay_hints(doc.session, span)
    ]
