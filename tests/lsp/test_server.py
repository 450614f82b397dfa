"""The language server's features through the real protocol."""

from __future__ import annotations

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_helpers import diagnostics_for, open_document, position_of, uri_of

PROGRAM = """# reverse the input
opp = length - indices - 1;
flip = select(indices, opp, ==);
reverse = aggregate(flip, tokens);
bad = tokens_int + 1;
frac = aggregate(select(indices, indices, <=), indicator(tokens == "l"));
"""


def _has_runtime(found: list[types.Diagnostic]) -> bool:
    return any(d.code == "runtime-error" for d in found)


async def test_static_then_runtime_diagnostics(client: LanguageClient) -> None:
    uri = uri_of("diag.rasp")
    open_document(client, uri, PROGRAM + "oops = missing + 1;\n")
    first = await diagnostics_for(client, uri, 1)
    assert [d.code for d in first if d.severity == types.DiagnosticSeverity.Error] == [
        "undefined-name"
    ]
    later = await diagnostics_for(client, uri, 1, _has_runtime)
    [runtime] = [d for d in later if d.code == "runtime-error"]
    line = PROGRAM.splitlines()[runtime.range.start.line]
    assert line.startswith("bad = ")
    assert "running example" in runtime.message and "invalid literal" in runtime.message


async def test_incremental_edits_keep_the_text_exact(client: LanguageClient) -> None:
    uri = uri_of("edits.rasp")
    text = "a = indices + 1;\n# form\x0cfeed and \u2028 separator in a comment\nb = a + 1;\n"
    open_document(client, uri, text)
    assert await diagnostics_for(client, uri, 1) == []
    # replace `a + 1` on the line after the comment with `zz + 1` (an undefined name)
    start = position_of(text, "a + 1")
    end = types.Position(start.line, start.character + 1)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(start, end), text="zz")
            ],
        )
    )
    # syntax is published at once; the run (names...) follows when typing pauses
    [diagnostic] = await diagnostics_for(client, uri, 2, lambda found: len(found) == 1)
    edited = text.replace("b = a + 1;", "b = zz + 1;")
    assert diagnostic.code == "undefined-name"
    assert diagnostic.range.start == position_of(edited, "zz")


async def test_hover_shows_kind_type_cost_and_values(client: LanguageClient) -> None:
    uri = uri_of("hover.rasp")
    open_document(client, uri, PROGRAM)
    await diagnostics_for(client, uri, 1, _has_runtime)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(PROGRAM, "reverse = "),
        )
    )
    assert hover is not None
    text = hover.contents.value  # type: ignore[union-attr]
    assert "reverse: s-op · str · categorical" in text
    assert "cost: 2 layers · heads per layer [1, 1] (max 1)" in text
    assert 'reverse("hello") = [o, l, l, e, h] (strings)' in text
    assert 'reverse("abc") = [c, b, a] (strings)' in text
    numerical = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(PROGRAM, "frac = "),
        )
    )
    assert numerical is not None
    assert "numerical (mean over a selector" in numerical.contents.value  # type: ignore[union-attr]


async def test_code_lenses_resolve_to_values(client: LanguageClient) -> None:
    uri = uri_of("lens.rasp")
    open_document(client, uri, PROGRAM)
    await diagnostics_for(client, uri, 1, _has_runtime)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert lenses
    titles, flows = [], []
    for lens in lenses:
        if lens.command is not None:  # the computation-flow lenses come resolved
            assert lens.command.command == "rasp.showComputationFlow"
            flows.append(lens.command.arguments[1])  # type: ignore[index]
            continue
        resolved = await client.code_lens_resolve_async(lens)
        assert resolved.command is not None
        titles.append(resolved.command.title)
    assert flows == ["opp", "reverse", "bad", "frac"]
    assert 'reverse("hello") = [o, l, l, e, h]' in titles
    assert 'reverse("abc") = [c, b, a]' in titles
    assert 'flip("hello"): 5 of 25 selected' in titles
    assert all(t.startswith(("opp(", "flip(", "reverse(", "frac(", "bad(")) for t in titles)
    assert any(t.startswith('bad("hello"): fails') for t in titles)


async def test_rasp_evaluate_and_cost_requests(client: LanguageClient) -> None:
    uri = uri_of("custom.rasp")
    open_document(client, uri, PROGRAM)
    await diagnostics_for(client, uri, 1)
    answer = await client.protocol.send_request_async(
        "rasp/evaluate", {"textDocument": {"uri": uri}, "name": "reverse", "inputs": ["xy"]}
    )
    assert answer.name == "reverse"
    assert answer.results[0].values == ["y", "x"]
    assert answer.cost.heads == [1, 1]
    cost = await client.protocol.send_request_async(
        "rasp/cost", {"textDocument": {"uri": uri}, "name": "reverse"}
    )
    assert (cost.layers, cost.heads, cost.max_heads) == (2, [1, 1], 1)
    assert any(node.label == "flip" for node in cost.graph.nodes)


async def test_half_typed_statement_keeps_the_rest_working(client: LanguageClient) -> None:
    uri = uri_of("half.rasp")
    text = PROGRAM.replace("flip = select(", "x = aggregate(select(indices,\nflip = select(")
    open_document(client, uri, text)
    found = await diagnostics_for(client, uri, 1, _has_runtime)
    syntax = [d for d in found if d.code == "syntax-error"]
    assert len(syntax) == 1 and text.splitlines()[syntax[0].range.start.line].startswith("x =")
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(text, "reverse = "),
        )
    )
    assert hover is not None and "cost: 2 layers" in hover.contents.value  # type: ignore[union-attr]


async def test_slow_evaluation_does_not_delay_hover(client: LanguageClient) -> None:
    uri = uri_of("slow.rasp")
    slow = (
        'set example "'
        + "ab" * 150
        + '"\n'
        + "\n".join(f"w{i} = selector_width(select(tokens, tokens, ==)) + {i};" for i in range(60))
        + "\n"
    )
    open_document(client, uri, slow + PROGRAM)
    await diagnostics_for(client, uri, 1)
    order: list[str] = []

    async def hover() -> None:
        found = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=position_of(PROGRAM, "reverse = "),
            )
        )
        assert found is not None
        order.append("hover")

    async def evaluated() -> None:  # the worker's answer (or its time limit) brings these
        await diagnostics_for(client, uri, 1, _has_runtime, timeout=60)
        order.append("evaluation")

    await asyncio.gather(evaluated(), hover())
    assert order == ["hover", "evaluation"]  # answered while the worker is busy


async def test_unknown_documents_and_positions_past_the_end(client: LanguageClient) -> None:
    nowhere = types.TextDocumentIdentifier(uri=uri_of("never-opened.rasp"))
    assert (
        await client.text_document_hover_async(
            types.HoverParams(text_document=nowhere, position=types.Position(0, 0))
        )
        is None
    )
    assert not await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=nowhere)
    )
    uri = uri_of("short.rasp")
    open_document(client, uri, "x = 1;\n")
    await diagnostics_for(client, uri, 1)
    assert (
        await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(500, 500),
            )
        )
        is None
    )


async def test_closing_clears_diagnostics(client: LanguageClient) -> None:
    uri = uri_of("close.rasp")
    open_document(client, uri, "x = missing;\n")
    assert await diagnostics_for(client, uri, 1)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )

    async def cleared() -> None:
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and list(params.diagnostics) == []:
                return

    await asyncio.wait_for(cleared(), 10)


async def test_warnings_stay_in_place_while_the_analysis_catches_up(
    client: LanguageClient,
) -> None:
    uri = uri_of("carry.rasp")
    text = "a = indices + 1;\nflag = not a == 1;\n"
    open_document(client, uri, text)
    [warning] = await diagnostics_for(client, uri, 1)
    assert warning.code == "precedence"
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                    text="# a new first line\n",
                )
            ],
        )
    )
    [moved] = await diagnostics_for(client, uri, 2)  # the first publication of version 2
    edited = "# a new first line\n" + text
    assert moved.code == "precedence"
    assert moved.range.start == position_of(edited, "not a == 1")


async def test_configuration_change_refreshes_and_the_time_limit_stops_runaways(
    client: LanguageClient,
) -> None:
    heavy = (
        'set example "'
        + "ab" * 120
        + '"\n'
        + "\n".join(f"w{i} = selector_width(select(tokens, tokens, ==)) + {i};" for i in range(80))
        + "\n"
    )
    uri = uri_of("runaway.rasp")
    client.set_configuration({"examples": [], "evaluation": {"timeoutMs": 30}}, section="rasp")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"rasp": {"evaluation": {"timeoutMs": 30}}})
    )
    open_document(client, uri, heavy)
    found = await diagnostics_for(
        client, uri, 1, lambda ds: any("evaluation stopped after 30 ms" in d.message for d in ds)
    )
    assert found
    # the server is still alive and answers
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(heavy, "w3 =")
        )
    )
    assert hover is not None and "s-op" in hover.contents.value  # type: ignore[union-attr]
    caps = client.capabilities
    lens = caps and caps.workspace and caps.workspace.code_lens
    if lens and lens.refresh_support:  # VS Code asks for lenses again after the change
        assert client.lens_refreshes > 0  # type: ignore[attr-defined]


async def test_a_failing_request_leaves_the_server_running(client: LanguageClient) -> None:
    uri = uri_of("alive.rasp")
    open_document(client, uri, PROGRAM)
    await diagnostics_for(client, uri, 1)
    try:
        await client.text_document_prepare_rename_async(
            types.PrepareRenameParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=position_of(PROGRAM, "length"),
            )
        )
    except Exception:  # noqa: BLE001 - an error answer is what we expect
        pass
    else:
        raise AssertionError("renaming a library name must be refused")
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_of(PROGRAM, "reverse = "),
        )
    )
    assert hover is not None


async def test_hover_on_builtins_gives_signature_and_doc(client: LanguageClient) -> None:
    uri = uri_of("builtins.rasp")
    open_document(client, uri, PROGRAM)
    await diagnostics_for(client, uri, 1)
    for word, signature in (
        ("select(indices, opp", "select(keys, queries, op)"),
        ("aggregate(flip", "aggregate(selector, values, default=0)"),
        ("indicator(", "indicator(s)"),
    ):
        hover = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=position_of(PROGRAM, word),
            )
        )
        assert hover is not None
        assert signature in hover.contents.value  # type: ignore[union-attr]
