"""The pygls language server. Handlers are glue: find the document, ask the core, convert.

Each change is parsed at once, incrementally, on the event loop. Running the program (the
graph build) and the static analysis follow when typing pauses, in one background thread, so
the loop is never held by them: requests about other documents are answered meanwhile, and a
request about a document whose run is behind waits (without blocking the loop) for the run of
the very text it was sent for. Evaluation on sample inputs (the running example of each
statement and `rasp.examples`) runs in the worker process (`rasp.lsp.evaluation`), debounced,
with a time limit; its answer feeds runtime diagnostics, code lenses, hover values and
`rasp/evaluate`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import sys
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams
from pygls.io_ import StdinAsyncReader, StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import JsonRPCRequestMessage

from rasp import __version__
from rasp import format as fmt
from rasp.analysis.cost import cost
from rasp.describe import BUILTIN_DOCS, Describer
from rasp.diagnostic import Diagnostic, Severity
from rasp.graph import nodes as g
from rasp.graph.builder import base_scope
from rasp.lsp import protocol
from rasp.lsp.collector import Collector
from rasp.lsp.convert import lsp_range, offset
from rasp.lsp.documents import Document, Snapshot, View
from rasp.lsp.evaluation import EvaluationTimeout, EvaluationWorker
from rasp.program import TYPE_WORDS, Session, syntax_diagnostics
from rasp.runtime.errors import RaspError
from rasp.syntax import ast
from rasp.text import Span

log = logging.getLogger(__name__)
T = TypeVar("T")
# the open documents as each request found them when it arrived (set per request task)
ARRIVAL: contextvars.ContextVar[dict[str, Snapshot]] = contextvars.ContextVar("arrival")

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}
INVALID_PARAMS = "rasp/$invalidParams"  # where requests with malformed params are answered
_DEBOUNCE_S = 0.15  # before evaluating on sample inputs
_RUN_DEBOUNCE_S = 0.05  # before running the program again (names, arity, reserved...)
_ANALYSIS_DEBOUNCE_S = 0.3  # typing pauses before the static analysis (types, warnings)
_LENS_WIDTH = 60


@dataclass
class Settings:
    examples: list[Any] = field(default_factory=list)
    timeout_ms: int = 2000
    max_length: int = 256
    inlay_hints: bool = False
    tracr: bool = False


def read_settings(raw: Any) -> Settings:
    """Settings from the client (`rasp` section or camelCase initialization options); anything
    malformed falls back to its default."""
    settings = Settings()
    if not isinstance(raw, dict):
        return settings
    if isinstance(raw.get("rasp"), dict):
        raw = raw["rasp"]
    evaluation = raw.get("evaluation") if isinstance(raw.get("evaluation"), dict) else {}
    examples = raw.get("examples", [])
    parser = Session("", None, check_on_example=False)
    if isinstance(examples, list):
        for item in examples:
            if isinstance(item, str):
                with contextlib.suppress(RaspError):
                    value = parser.parse_input(item)
                    if isinstance(value, (str, list)) and value:
                        settings.examples.append(value)
    timeout = raw.get("evaluationTimeoutMs", evaluation.get("timeoutMs"))
    if isinstance(timeout, int) and not isinstance(timeout, bool) and timeout > 0:
        settings.timeout_ms = timeout
    length = raw.get("evaluationMaxLength", evaluation.get("maxLength"))
    if isinstance(length, int) and not isinstance(length, bool) and length > 0:
        settings.max_length = length
    hints = raw.get(
        "inlayHintsEnable",
        (raw.get("inlayHints") or {}).get("enable")
        if isinstance(raw.get("inlayHints"), dict)
        else None,
    )
    if isinstance(hints, bool):
        settings.inlay_hints = hints
    tracr = raw.get(
        "tracrEnable",
        (raw.get("tracr") or {}).get("enable") if isinstance(raw.get("tracr"), dict) else None,
    )
    if isinstance(tracr, bool):
        settings.tracr = tracr
    return settings


class RaspProtocol(LanguageServerProtocol):
    """pygls's protocol without its document store: pygls applies each change to its own copy
    first, splitting lines with `str.splitlines` (form feed, U+2028 ... become line breaks) and
    clamping positions in place, which would corrupt the positions our own document model
    (documents.py) receives. The server keeps the only copy of every open document."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        """A request whose params do not fit its method still gets an answer (InvalidParams);
        pygls would only log it, and the editor would wait forever."""
        try:
            return super().structure_message(data)
        except Exception:
            if isinstance(data, dict) and "id" in data and "method" in data:
                return JsonRPCRequestMessage(
                    id=data["id"], method=INVALID_PARAMS, jsonrpc="2.0", params=None
                )
            raise

    def _handle_request(self, msg_id: Any, method_name: str, params: Any) -> None:
        """Remember the documents' versions as the request arrives: its positions refer to
        them, though edits sent after it may be applied before its handler runs."""
        server = self._server
        if isinstance(server, RaspServer):
            ARRIVAL.set({uri: doc.snapshot() for uri, doc in server.documents.items()})
            server.collector.activity()
        super()._handle_request(msg_id, method_name, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class RaspServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "rasp-language-server",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=RaspProtocol,
        )
        self.documents: dict[str, Document] = {}
        self.settings = Settings()
        self.worker = EvaluationWorker()
        # runs and analyses, one at a time, off the event loop
        self.background = ThreadPoolExecutor(1, thread_name_prefix="rasp-analysis")
        self.jobs = 0  # background work submitted and not finished
        self.collector = Collector()
        self.collector.busy = lambda: self.jobs > 0
        self.capabilities: types.ClientCapabilities | None = None

    @property
    def encoding(self) -> str:
        try:
            encoding = self.workspace.position_encoding
        except Exception:  # noqa: BLE001 - before initialize
            return "utf-16"
        return str(getattr(encoding, "value", encoding) or "utf-16")

    def supports(self, *path: str) -> bool:
        node: Any = self.capabilities
        for part in path:
            node = getattr(node, part, None)
            if node is None:
                return False
        return bool(node)


server = RaspServer()


# ---- lifecycle and configuration ------------------------------------------------------------


@server.feature(types.INITIALIZE)
def initialize(ls: RaspServer, params: types.InitializeParams) -> None:
    ls.capabilities = params.capabilities
    ls.settings = read_settings(params.initialization_options)


@server.feature(types.INITIALIZED)
async def initialized(ls: RaspServer, params: types.InitializedParams) -> None:
    await ls.worker.start()
    await pull_configuration(ls)


async def pull_configuration(ls: RaspServer) -> None:
    if not ls.supports("workspace", "configuration"):
        return
    try:
        answer = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section="rasp")])
        )
    except Exception as exc:  # noqa: BLE001 - a client that cannot answer keeps the defaults
        log.warning("workspace/configuration failed: %s", exc)
        return
    if answer and isinstance(answer[0], dict):
        ls.settings = read_settings(answer[0])


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(
    ls: RaspServer, params: types.DidChangeConfigurationParams
) -> None:
    if isinstance(params.settings, dict) and isinstance(params.settings.get("rasp"), dict):
        ls.settings = read_settings(params.settings["rasp"])
    else:
        await pull_configuration(ls)
    for doc in ls.documents.values():
        doc.evaluation, doc.evaluated_version, doc.runtime = None, None, []
        schedule_analysis(ls, doc, delay=0.0)
        schedule_evaluation(ls, doc)
    refresh_lenses(ls)


@server.feature(types.SHUTDOWN)
async def shutdown(ls: RaspServer, params: None) -> None:
    await ls.worker.close()
    ls.background.shutdown(wait=False, cancel_futures=True)


# ---- documents and diagnostics -----------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: RaspServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    doc = Document(item.uri, item.version, item.text)
    ls.documents[item.uri] = doc
    schedule_analysis(ls, doc, delay=0.0)  # the first run and analysis, then a publication
    schedule_evaluation(ls, doc)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: RaspServer, params: types.DidChangeTextDocumentParams) -> None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return
    doc.apply(list(params.content_changes), params.text_document.version, ls.encoding)
    ls.collector.activity()
    publish(ls, doc)
    schedule_run(ls, doc)
    schedule_analysis(ls, doc)
    schedule_evaluation(ls, doc)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: RaspServer, params: types.DidCloseTextDocumentParams) -> None:
    doc = ls.documents.pop(params.text_document.uri, None)
    for task in (doc.evaluation_task, doc.analysis_task, doc.run_task) if doc else ():
        if task is not None:
            task.cancel()
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
    )


def lsp_diagnostic(ls: RaspServer, doc: Document, d: Diagnostic) -> types.Diagnostic:
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(doc.uri, lsp_range(doc.lines, span, ls.encoding)),
            message=message,
        )
        for message, span in d.related
    ]
    return types.Diagnostic(
        range=lsp_range(doc.lines, d.span, ls.encoding),
        message=d.message,
        severity=_SEVERITY[d.severity],
        code=d.code,
        source="rasp",
        related_information=related or None,
    )


def evaluation_diagnostics(
    view: View, answer: dict[str, Any], static: list[Diagnostic]
) -> list[Diagnostic]:
    """Failures on sample inputs, from a worker's answer for the current version."""
    out: list[Diagnostic] = []
    if answer.get("timeout"):
        first = (
            view.session.runs[0].statement.span if view.session.runs else Span(0, 0)
        )
        return [Diagnostic("runtime-error", answer["timeout"], first, Severity.INFORMATION)]
    known = {(d.span.start, d.span.end) for d in static}
    example = answer.get("example")
    for err in answer.get("errors", []):
        span = Span(err["start"], err["end"])
        if (span.start, span.end) in known or err["code"] in ("syntax-error", "missing-return"):
            continue
        out.append(
            Diagnostic(
                "runtime-error",
                f"the reference rejects this definition: evaluating it on the running example "
                f"fails: {err['message']}",
                span,
                Severity.ERROR,
            )
        )
    for offset_text, names in answer.get("statements", {}).items():
        start = int(offset_text)
        for name, results in names.items():
            for result in results[1:]:  # extra inputs: the running example is above
                error = result.get("error")
                if error and result.get("kind") != "skipped":
                    out.append(
                        Diagnostic(
                            "runtime-error",
                            f"{name}({fmt.literal(result['input'])}) fails: {error['message']}",
                            _statement_span(view, start),
                            Severity.WARNING,
                        )
                    )
    del example
    return out


def _statement_span(view: View, start: int) -> Span:
    for statement in view.session.parsed.statements:
        if statement.offset == start:
            return statement.span
    return Span(start, start)


def publish(ls: RaspServer, doc: Document) -> None:
    """Publish what is known for the current version: its syntax problems (always fresh, the
    parse is incremental), and the program errors, analysis and evaluation diagnostics of the
    latest versions that have them, moved through the edits made since."""
    if doc.parsed is None:
        return  # not parsed yet: the first run publishes
    everything = (
        syntax_diagnostics(doc.parsed, doc.file)
        + doc.carried(doc.run_errors, doc.run_version)
        + doc.carried(doc.analysis, doc.analysed_version)
        + doc.carried(doc.runtime, doc.evaluated_version)
    )
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(
            uri=doc.uri,
            version=doc.version,
            diagnostics=[lsp_diagnostic(ls, doc, d) for d in everything],
        )
    )


def _schedule(
    ls: RaspServer,
    doc: Document,
    slot: str,
    delay: float,
    work: Callable[[int], Awaitable[None] | None],
) -> None:
    """Run `work(version)` once the document has not changed for `delay` seconds; a newer
    change cancels the pending one (one task per document and kind of work, in `slot`)."""
    task: asyncio.Task[None] | None = getattr(doc, slot)
    if task is not None:
        task.cancel()
    setattr(doc, slot, asyncio.ensure_future(_after_pause(ls, doc, doc.version, delay, work)))


async def _after_pause(
    ls: RaspServer,
    doc: Document,
    version: int,
    delay: float,
    work: Callable[[int], Awaitable[None] | None],
) -> None:
    await asyncio.sleep(delay)
    if doc.version != version or ls.documents.get(doc.uri) is not doc:
        return
    result = work(version)
    if result is not None:
        await result


def schedule_run(ls: RaspServer, doc: Document) -> None:
    """Run the program again once typing pauses (requests that need it sooner run it)."""

    async def run(version: int) -> None:
        async with doc.lock:
            await _bring_up_to_date(ls, doc, doc.snapshot())
        publish(ls, doc)

    _schedule(ls, doc, "run_task", _RUN_DEBOUNCE_S, run)


def schedule_analysis(ls: RaspServer, doc: Document, delay: float = _ANALYSIS_DEBOUNCE_S) -> None:
    """Analyse the program once typing pauses (running it first if needed), then publish."""

    async def analyse(version: int) -> None:
        async with doc.lock:
            await _bring_up_to_date(ls, doc, doc.snapshot())
            session, run_version, tracr = doc.session, doc.run_version, ls.settings.tracr

            def finish(found: list[Diagnostic]) -> None:
                doc.analysis, doc.analysed_version = found, run_version
                doc.forget_edits()

            await in_background(ls, lambda: session.analysis_diagnostics(tracr=tracr), finish)
        publish(ls, doc)

    _schedule(ls, doc, "analysis_task", delay, analyse)


async def in_background(ls: RaspServer, work: Callable[[], T], finish: Callable[[T], None]) -> T:
    """Run `work` in the background thread, then `finish(result)` on the loop. The caller
    holds the document's lock and keeps holding it until the work is finished, even if the
    caller is cancelled meanwhile (a thread cannot be stopped half way, and `finish` must
    take its result: the runner has moved on)."""

    async def job() -> T:
        ls.jobs += 1
        try:
            result = await asyncio.get_running_loop().run_in_executor(ls.background, work)
        finally:
            ls.jobs -= 1
        finish(result)
        ls.collector.settle()
        return result

    task = asyncio.ensure_future(job())
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        while not task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait({task})
        raise


async def _bring_up_to_date(ls: RaspServer, doc: Document, snapshot: Snapshot) -> None:
    """Make `doc.session` the run of `snapshot` (the caller holds `doc.lock`)."""
    if doc.run_version != snapshot.version:
        await in_background(
            ls, doc.run_work(snapshot), lambda session: doc.finish_run(session, snapshot.version)
        )


async def view_of(ls: RaspServer, snapshot: Snapshot) -> View:
    """The document as `snapshot`, with the run of exactly that text. Read it before the
    next `await`."""
    doc = snapshot.doc
    async with doc.lock:
        await _bring_up_to_date(ls, doc, snapshot)
        return View(doc, snapshot.version, snapshot.text, snapshot.lines, doc.session)


def arrival_snapshots(ls: RaspServer) -> dict[str, Snapshot]:
    """The open documents as the current request found them when it arrived."""
    found = ARRIVAL.get(None)
    return found if found is not None else {u: d.snapshot() for u, d in ls.documents.items()}


async def view_of_uri(ls: RaspServer, uri: Any) -> View | None:
    """The document `uri` as the current request found it (None: it was not open)."""
    snapshot = arrival_snapshots(ls).get(uri) if isinstance(uri, str) else None
    return await view_of(ls, snapshot) if snapshot is not None else None


def schedule_evaluation(ls: RaspServer, doc: Document) -> None:
    _schedule(
        ls, doc, "evaluation_task", _DEBOUNCE_S, lambda version: evaluate_document(ls, doc, version)
    )


def worker_job(
    ls: RaspServer, uri: str, text: str, path: Path | None, inputs: list[Any], **extra: Any
) -> dict[str, Any]:
    """A job for the evaluation worker: run `text`, evaluate its statements on `inputs`."""
    return {
        "uri": uri,
        "text": text,
        "path": str(path) if path else None,
        "inputs": inputs,
        "max_length": ls.settings.max_length,
        "exprs": [],
        **extra,
    }


async def evaluate_document(ls: RaspServer, doc: Document, version: int) -> None:
    request = worker_job(ls, doc.uri, doc.text, doc.path, ls.settings.examples)
    try:
        answer = await ls.worker.run(request, ls.settings.timeout_ms / 1000)
    except EvaluationTimeout:
        answer = {
            "timeout": f"evaluation stopped after {ls.settings.timeout_ms} ms "
            "(rasp.evaluation.timeoutMs)"
        }
    if doc.version != version or ls.documents.get(doc.uri) is not doc:
        return  # a newer version arrived: this answer is stale
    view = await view_of(ls, doc.snapshot())
    if doc.version != version:
        return
    known = view.session.program_diagnostics() + doc.carried(doc.analysis, doc.analysed_version)
    doc.runtime = evaluation_diagnostics(view, answer, known)
    doc.evaluation, doc.evaluated_version = answer, version
    doc.forget_edits()
    publish(ls, doc)
    refresh_lenses(ls)


def refresh_lenses(ls: RaspServer) -> None:
    if ls.supports("workspace", "code_lens", "refresh_support"):
        asyncio.ensure_future(_refresh(ls))


async def _refresh(ls: RaspServer) -> None:
    with contextlib.suppress(Exception):
        await ls.workspace_code_lens_refresh_async(None)


# ---- hover -------------------------------------------------------------------------------


def _names_at(view: View, at: int) -> tuple[ast.Statement, ast.Name] | None:
    assert view.session is not None
    for statement in view.session.parsed.statements:
        if statement.tree is None or not statement.span.contains(at):
            continue
        stack: list[object] = [statement.tree]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.Name) and node.span.shift(statement.offset).contains(at):
                return statement, node
            stack.extend(ast.children(node))
    return None


def _keyword_at(view: View, at: int) -> tuple[str, Span] | None:
    """The builtin word (`select`, `aggregate`, `round`...) written at `at`, if any."""
    for statement in view.session.parsed.statements:
        if statement.tree is None or not statement.span.contains(at):
            continue
        stack: list[object] = [statement.tree]
        while stack:
            node = stack.pop()
            word = {ast.Select: "select", ast.Aggregate: "aggregate"}.get(type(node))
            if isinstance(node, ast.Builtin):
                word = node.function
            if word is not None:
                start = node.span.shift(statement.offset).start  # type: ignore[attr-defined]
                if start <= at <= start + len(word):
                    return word, Span(start, start + len(word))
            stack.extend(ast.children(node))
    return None


def _node_at(view: View, at: int) -> g.Node | None:
    """The smallest s-op or selector built by an expression of this document around `at`."""
    assert view.session is not None
    best: g.Node | None = None
    seen: set[int] = set()
    for root in view.session.builder.results:
        for node in g.ancestors(root):
            if node.id in seen:
                continue
            seen.add(node.id)
            origin = node.origin
            if origin is None or origin.file != view.session.file or not origin.span.contains(at):
                continue
            if best is None or (origin.span.end - origin.span.start) < (
                best.origin.span.end - best.origin.span.start  # type: ignore[union-attr]
            ):
                best = node
    return best


def value_lines(view: View, name: str, before: int | None = None) -> tuple[list[str], list[str]]:
    """Lines and matrices for `name` from the worker's answer (the binding in effect)."""
    answer = view.current_evaluation
    if answer is None:
        return [
            "(evaluating…)"
        ] if view.evaluating else [], []
    found: list[Any] | None = None
    for offset_text, names in answer.get("statements", {}).items():
        if name in names and (before is None or int(offset_text) <= before or found is None):
            found = names[name]
    if found is None:
        return [], []
    return render_results(name, found)


def render_results(label: str, results: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    lines, blocks = [], []
    for result in results:
        head = f"{label}({fmt.literal(result.get('input'))})"
        error = result.get("error")
        if error:
            lines.append(f"{head} fails: {error['message']}")
        elif result.get("kind") == "s-op":
            tag = {v: k for k, v in TYPE_WORDS.items()}.get(result.get("type", ""))
            lines.append(f"{head} = {fmt.sop(result.get('values') or [], tag)}")
        elif result.get("kind") == "selector":
            matrix = result.get("matrix") or []
            lines.append(f"{head}: {sum(map(sum, matrix))} of {len(matrix) ** 2} selected")
            blocks.append(fmt.selector(matrix, result.get("input")))
    return lines, blocks


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: RaspServer, params: types.HoverParams) -> types.Hover | None:
    view = await view_of_uri(ls, params.text_document.uri)
    if view is None:
        return None
    at = offset(view.lines, params.position, ls.encoding)
    describer = Describer(view.session.builder, [], tracr=ls.settings.tracr, source=view.text)
    found = _names_at(view, at)
    description = None
    if found is not None:
        statement, name = found
        span = name.span.shift(statement.offset)
        known, value = view.session.builder.scope.find(name.id)
        if not known and name.id in BUILTIN_DOCS:
            value = None
        if known or name.id in BUILTIN_DOCS:
            description = describer.describe(name.id, value)
            lines, blocks = value_lines(view, name.id, statement.offset)
            description.lines += lines
            description.code += blocks
    elif (keyword := _keyword_at(view, at)) is not None:
        word, span = keyword
        description = describer.describe(word, None)
    else:
        node = _node_at(view, at)
        if node is None or node.origin is None:
            return None
        span = node.origin.span
        description = describer.describe(view.text[span.start : span.end][:40], node)
    if description is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=description.markdown()),
        range=lsp_range(view.lines, span, ls.encoding),
    )


# ---- code lenses ---------------------------------------------------------------------------


def _lens_targets(view: View) -> list[tuple[ast.Statement, str, int, Any]]:
    """(statement, name, input index, input) for every top-level s-op/selector binding."""
    assert view.session is not None
    out = []
    for run in view.session.runs:
        names = [n for n, v in run.writes.items() if isinstance(v, (g.SOp, g.Selector))]
        if not names:
            continue
        inputs = [run.example] + [e for e in ls_examples() if e != run.example]
        for name in names:
            for index, inp in enumerate(inputs):
                out.append((run.statement, name, index, inp))
    return out


def ls_examples() -> list[Any]:
    return server.settings.examples


def _first_line(ls: RaspServer, view: View, statement: ast.Statement) -> types.Range:
    """Where a statement's lenses sit: its first line."""
    end = statement.offset + statement.length
    line_end = view.text.find("\n", statement.offset)
    return lsp_range(
        view.lines, Span(statement.offset, end if line_end < 0 else min(line_end, end)), ls.encoding
    )


@server.feature(types.TEXT_DOCUMENT_CODE_LENS)
async def code_lens(ls: RaspServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    view = await view_of_uri(ls, params.text_document.uri)
    if view is None:
        return []
    lenses = []
    for statement, name, index, inp in _lens_targets(view):
        lenses.append(
            types.CodeLens(
                range=_first_line(ls, view, statement),
                data={
                    "uri": view.uri,
                    "version": view.version,
                    "offset": statement.offset,
                    "name": name,
                    "index": index,
                    "input": inp,
                },
            )
        )
    for statement, name in _flow_targets(view):
        lenses.append(
            types.CodeLens(
                range=_first_line(ls, view, statement),
                command=types.Command(
                    title=f"computation flow of {name}",
                    command=protocol.SHOW_COMPUTATION_FLOW_COMMAND,
                    arguments=[view.uri, name],
                ),
            )
        )
    return lenses


def _flow_targets(view: View) -> list[tuple[ast.Statement, str]]:
    """A flow lens on each top-level s-op definition and on each `draw(name)` statement."""
    out = []
    for run in view.session.runs:
        tree = run.statement.tree
        if isinstance(tree, ast.Draw) and isinstance(tree.expr, ast.Name):
            out.append((run.statement, tree.expr.id))
        elif isinstance(tree, ast.Assign):
            out.extend((run.statement, n) for n, v in run.writes.items() if isinstance(v, g.SOp))
    return out


def _shorten(text: str) -> str:
    return text if len(text) <= _LENS_WIDTH else text[: _LENS_WIDTH - 1] + "…"


def lens_title(view: View, data: dict[str, Any]) -> str:
    name, inp = data["name"], data.get("input")
    head = f"{name}({fmt.literal(inp)})"
    answer = view.current_evaluation
    if answer is None:
        return f"{head}: evaluating…"
    if answer.get("timeout"):
        return f"{head}: evaluation timed out"
    results = answer.get("statements", {}).get(str(data["offset"]), {}).get(name)
    if not results or data["index"] >= len(results):
        statement = _statement_span(view, data["offset"])
        for err in answer.get("errors", []):
            if statement.start <= err["start"] <= statement.end:
                return _shorten(f"{head}: fails — {err['message']}")
        return f"{head}: not evaluated"
    result = results[data["index"]]
    error = result.get("error")
    if error:
        return _shorten(
            f"{head}: {'skipped' if result.get('kind') == 'skipped' else 'fails'}"
            f" — {error['message']}"
        )
    if result.get("kind") == "selector":
        matrix = result.get("matrix") or []
        return f"{head}: {sum(map(sum, matrix))} of {len(matrix) ** 2} selected"
    values = result.get("values") or []
    body = "[" + ", ".join(fmt.element(v) for v in values) + "]"
    return _shorten(f"{head} = {body}")


@server.feature(types.CODE_LENS_RESOLVE)
async def code_lens_resolve(ls: RaspServer, lens: types.CodeLens) -> types.CodeLens:
    data = lens.data if isinstance(lens.data, dict) else {}
    if lens.command is not None:
        return lens  # resolved already (the computation-flow lenses)
    view = await view_of_uri(ls, data.get("uri"))
    if view is None or not {"name", "offset", "index"} <= set(data):
        lens.command = types.Command(title="(document closed)", command="")
        return lens
    lens.command = types.Command(
        title=lens_title(view, data),
        command=protocol.SHOW_EVALUATION_COMMAND,
        arguments=[view.uri, data["name"], data["offset"]],
    )
    return lens


# ---- custom requests -------------------------------------------------------------------------


def _get(obj: Any, key: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def _plain(value: Any) -> Any:
    """A JSON value as plain Python (pygls may hand custom params over as tuples)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


async def _view_of_params(ls: RaspServer, params: Any) -> View | None:
    return await view_of_uri(
        ls, _get(_get(params, "textDocument") or _get(params, "text_document"), "uri")
    )


def _requested_name(view: View, params: Any, ls: RaspServer) -> str | None:
    name = _get(params, "name")
    if isinstance(name, str):
        return name
    position = _get(params, "position")
    if position is None:
        return None
    try:
        pos = types.Position(
            int(_get(position, "line") or 0), int(_get(position, "character") or 0)
        )
    except (TypeError, ValueError):
        return None
    found = _names_at(view, offset(view.lines, pos, ls.encoding))
    return found[1].id if found else None


async def _requested(ls: RaspServer, params: Any) -> tuple[View, str, bool, Any] | None:
    """The document of a custom request, the name it asks about (given, or at its position),
    whether that name is bound, and its value."""
    view = await _view_of_params(ls, params)
    name = _requested_name(view, params, ls) if view is not None else None
    if view is None or name is None:
        return None
    known, value = view.session.builder.scope.find(name)
    return view, name, known, value


@server.feature(protocol.EVALUATE)
async def rasp_evaluate(ls: RaspServer, params: Any) -> dict[str, Any] | None:
    found = await _requested(ls, params)
    if found is None:
        return None
    view, name, known, value = found
    raw_inputs = _get(params, "inputs")
    inputs = [_plain(i) for i in raw_inputs] if isinstance(raw_inputs, (list, tuple)) else []
    request = worker_job(
        ls,
        view.uri + "#evaluate",
        view.text,
        view.path,
        inputs or ls.settings.examples,
        exprs=[name],
        exact_inputs=bool(inputs),
    )
    try:
        answer = await ls.worker.run(request, ls.settings.timeout_ms / 1000)
    except EvaluationTimeout:
        return {"name": name, "error": f"evaluation stopped after {ls.settings.timeout_ms} ms"}
    results = answer.get("exprs", {}).get(name, [])
    node_cost = cost(value).to_json() if known and isinstance(value, g.SOp) else None
    kind = (
        "s-op"
        if isinstance(value, g.SOp)
        else "selector"
        if isinstance(value, g.Selector)
        else "value"
    )
    return {
        "name": name,
        "kind": kind,
        "inputs": [r.get("input") for r in results],
        "results": results,
        "cost": node_cost,
    }


def cost_graph(node: g.SOp, sources: dict[str | None, str]) -> dict[str, Any]:
    from rasp.analysis.cost import Depths
    from rasp.flow.layout import label

    depths = Depths()
    nodes = []
    for current in g.ancestors(node):
        nodes.append(
            {
                "id": current.id,
                "kind": type(current).__name__.lower(),
                "label": label(current, sources),  # the code that built it, no internal id
                "layer": depths.of(current),
                "inputs": [p.id for p in current.inputs()],
            }
        )
    return {"nodes": nodes}


@server.feature(protocol.COST)
async def rasp_cost(ls: RaspServer, params: Any) -> dict[str, Any] | None:
    view = await _view_of_params(ls, params)
    name = _get(params, "name")
    if view is None or not isinstance(name, str):
        return None
    known, value = view.session.builder.scope.find(name)
    if not known:
        known, value = True, base_scope().vars.get(name)
    if not isinstance(value, g.SOp):
        return None
    sources = {view.session.file: view.text}
    return {**cost(value).to_json(), "graph": cost_graph(value, sources)}


@server.feature(protocol.COMPUTATION_FLOW)
async def rasp_computation_flow(ls: RaspServer, params: Any) -> dict[str, Any] | None:
    """The flow of an s-op on an input, laid out and drawn in the background thread.
    Evaluation here is bounded by `rasp.evaluation.maxLength` (longer inputs are refused)."""
    from rasp.flow.layout import layout
    from rasp.flow.svg import render

    found = await _requested(ls, params)
    if found is None:
        return None
    view, name, known, value = found
    if not known or not isinstance(value, g.SOp):
        return None
    raw = _plain(_get(params, "input"))
    inp = raw if isinstance(raw, (str, list)) and raw else view.session.example
    if not isinstance(inp, (str, list)) or len(inp) > ls.settings.max_length:
        return None
    sources, file = {view.session.file: view.text}, view.session.file

    def draw() -> dict[str, Any]:
        flow = layout(value, inp, sources, name, file)
        return {"flow": flow, "svg": render(flow)}

    return await in_background(ls, draw, lambda _: None)


@server.feature(INVALID_PARAMS)
def invalid_params(ls: RaspServer, params: Any) -> None:
    raise JsonRpcInvalidParams()


async def _serve(ls: RaspServer, stdin: BinaryIO, stdout: BinaryIO) -> None:
    """Read the client's messages with the event loop itself. pygls reads stdin line by line
    in a thread, and each hop to that thread waits for the interpreter lock the background
    analysis holds: messages queued up behind the analysis. A stdin that is not a pipe (a
    file) is still read pygls's way."""
    loop = asyncio.get_running_loop()
    reader: Any
    try:
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
    except (OSError, ValueError):
        reader = StdinAsyncReader(stdin, ls.thread_pool)
    ls.protocol.set_writer(StdoutWriter(stdout))
    await run_async(
        stop_event=threading.Event(),
        reader=reader,
        protocol=ls.protocol,
        logger=log,
        error_handler=ls.report_server_error,
    )


def main() -> None:
    from rasp.lsp import navigation  # noqa: F401 - registers the navigation features

    logging.basicConfig(level=logging.WARNING)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_serve(server, sys.stdin.buffer, sys.stdout.buffer))
    except BrokenPipeError:
        log.error("the connection to the client is lost")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stop_loop(loop)
        server.shutdown()  # type: ignore[no-untyped-call]


def stop_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left and give it two seconds, not forever (asyncio.run waits for every
    task; in Python 3.11 a process spawn cancelled half way never finishes)."""
    left = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in left:
        task.cancel()
    if left:
        loop.run_until_complete(asyncio.wait(left, timeout=2.0))
    loop.close()
