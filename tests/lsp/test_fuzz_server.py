"""Fuzzing the language server through the real protocol: one long session per client
capability profile (VS Code: UTF-16 positions; Neovim 0.11: UTF-8) of random operations.

Operations: incremental edits (insertions, deletions and replacements of random text at random
positions, often at line ends and at the end of the file, one to four changes per event,
CRLF / CR / U+2028 / astral characters in the inserted text), opening and closing documents, a
change to a closed document, and the requests hover, completion, definition, references,
documentHighlight, rename (random new names, some invalid), prepareRename, codeLens +
codeLens/resolve (also of stale lenses), semanticTokens/full, documentSymbol,
workspace/symbol, foldingRange, inlayHint, signatureHelp, `rasp/evaluate` and `rasp/cost`,
at random positions (also past the end of a line and of the document, and inside a UTF-16
surrogate pair or a UTF-8 sequence), on open, closed and never-opened documents, plus custom
requests with malformed params.

What must hold:
- every request gets an answer (a result or a JSON-RPC error) within a timeout, and no
  internal error (a traceback) answers a well-formed request; the server stays alive;
- no notification handler fails (pygls reports that with `window/showMessage`);
- every range the server sends (in answers and in published diagnostics) lies inside the text
  the client had when it sent the request (for diagnostics: the version they name), on code
  point boundaries; every semantic token covers text of its kind; every symbol's selection
  is its name; every rename edit replaces the old name and nothing else, and an invalid new
  name is refused;
- documents that are not open get empty answers (or an error);
- at the end the server's text of every edited document equals the client's: its semantic
  tokens, symbols, folding ranges, code lenses and inlay hints equal those of a document
  opened fresh with the client's text.

`RASP_FUZZ_EXAMPLES=N` runs N operations per profile (default 3,000) with a random seed;
`RASP_FUZZ_SEED` fixes the seed. A failure prints the seed and the last operations.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import random
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from lsp_helpers import uri_of
from rasp.features.semantic_tokens import TOKEN_TYPES

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT.parent / "shared" / "conformance" / "programs"
CORPUS = [
    p.read_text(encoding="utf-8")
    for p in sorted((ROOT / "examples").glob("*.rasp")) + sorted(CONFORMANCE.glob("*.rasp"))
]
_ENV_OPERATIONS = int(os.environ.get("RASP_FUZZ_EXAMPLES", "0") or 0)
OPERATIONS = _ENV_OPERATIONS or 3000
SEED = int(os.environ.get("RASP_FUZZ_SEED", "0") or 0) or (
    random.SystemRandom().randrange(1, 2**31) if _ENV_OPERATIONS else 20240611
)
REQUEST_TIMEOUT = 30.0
MAX_TEXT = 6000  # above this many characters, edits only delete

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
OPERATORS = {"!=", "%", "*", "+", "-", "/", "<", "<=", "=", "==", ">", ">=", "^"}
REFUSED_NAMES = [
    "",
    "1abc",
    "a b",
    "a-b",
    "\u00e9t\u00e9",
    "x\n",
    "a;b",
    "\U0001f600",
    "def",
    "return",
    "tokens",
    "indices",
    "length",
    "select",
    "aggregate",
    "for",
    "and",
    "True",
    "out",
    "full_s",
    "sort",
    "load",
]
_BREAK = re.compile(r"\r\n|\r|\n")  # the only line breaks of LSP

SNIPPETS = [
    "x",
    "y",
    "_z",
    "1",
    "2.5",
    " ",
    "  ",
    "\t",
    ";",
    ",",
    "=",
    " = ",
    "+",
    "==",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    '"',
    '"a"',
    "#",
    "# note",
    "\n",
    "\r\n",
    "\r",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0c",
    "\x00",
    "\x1b",
    "\x7f",
    "\u00e9",
    "\u00df",
    "\u0301",
    "\u200b",
    "\ufeff",
    "\U0001d538",
    "\U0001f600",
    "tokens",
    "indices",
    "length",
    "select(",
    "aggregate(",
    "select(indices, indices, ==)",
    "aggregate(select(indices, indices, ==), tokens)",
    "def f(a) {\n  return a + 1;\n}\n",
    "def g(s) {\r\n    return s;\r\n}\r\n",
    "for i in range(3) {\n  w = i;\n}\n",
    'load "nosuch";\n',
    'set example "abc"\n',
    "q = f(tokens);\n",
    "r = g(indices) + q;",
    "w = selector_width(select(tokens, tokens, ==));",
    "(((((",
    ")))))",
    "[[[",
    "]]]",
    'x = "\U0001f600\u2028";\n',
    "a\r\nb\rc\nd\u2028e",
]
REQUESTS = {  # kind: weight
    "hover": 12,
    "completion": 10,
    "definition": 8,
    "references": 6,
    "highlight": 4,
    "prepareRename": 6,
    "rename": 8,
    "codeLens": 5,
    "resolve": 5,
    "semanticTokens": 6,
    "documentSymbol": 6,
    "workspaceSymbol": 3,
    "foldingRange": 3,
    "inlayHint": 4,
    "signatureHelp": 6,
    "evaluate": 1,
    "cost": 1,
    "malformed": 1,
}


# ---- the client's model of positions (independent of the server's code) ---------------------


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _BREAK.finditer(text)]


def content_end(text: str, starts: list[int], line: int) -> int:
    """The offset where line `line`'s content ends (before its line break)."""
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    while end > starts[line] and text[end - 1] in "\r\n":
        end -= 1
    return end


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def to_position(text: str, offset: int, encoding: str) -> types.Position:
    starts = line_starts(text)
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return types.Position(line, units(text[starts[line] : offset], encoding))


def to_offset(text: str, position: types.Position, encoding: str) -> int | None:
    """The offset of a position that lies exactly on a code point boundary of the text (None
    if it is past the end of its line or of the text, or inside a code point)."""
    starts = line_starts(text)
    if position.line >= len(starts):
        return None
    start, end = starts[position.line], content_end(text, starts, position.line)
    count = 0
    for offset in range(start, end + 1):
        if count == position.character:
            return offset
        if offset == end or count > position.character:
            return None
        count += units(text[offset], encoding)
    return None


def range_offsets(text: str, rng: types.Range, encoding: str) -> tuple[int, int] | None:
    start, end = to_offset(text, rng.start, encoding), to_offset(text, rng.end, encoding)
    if start is None or end is None or start > end:
        return None
    return start, end


def word_around(text: str, offset: int) -> str | None:
    for m in IDENTIFIER.finditer(text):
        if m.start() <= offset <= m.end():
            return m.group()
    return None


def negotiated_encoding(client: LanguageClient) -> str:
    """What pygls chooses: the client's first supported encoding, else UTF-16."""
    general = client.capabilities.general if client.capabilities else None
    for encoding in (general.position_encodings if general else None) or []:
        if encoding in ("utf-8", "utf-16", "utf-32"):
            return str(encoding)
    return "utf-16"


def send_raw(client: LanguageClient, method: str, params: Any) -> asyncio.Future[Any]:
    """A request as raw JSON (the client's serializer refuses params of the wrong shape)."""
    msg_id = str(uuid.uuid4())
    raw: concurrent.futures.Future[Any] = concurrent.futures.Future()
    client.protocol._request_futures[msg_id] = raw
    client.protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    return asyncio.wrap_future(raw)


# ---- the session ----------------------------------------------------------------------------


@dataclass
class Doc:
    uri: str
    text: str
    version: int
    open: bool = True


@dataclass
class Pending:
    future: asyncio.Future[Any]
    method: str
    label: str
    check: Callable[[Any], None]
    refusable: bool = False  # an error with a message (ValueError) is a legitimate answer
    malformed: bool = False  # any JSON-RPC error is a legitimate answer
    index: int = 0  # the operation's place in the log


@dataclass
class Ask:
    """What one request is about: the document, the client's texts when it was sent."""

    uri: str
    snapshot: dict[str, str]  # uri -> text of every open document
    position: types.Position
    encoding: str

    @property
    def text(self) -> str | None:  # None: the server does not have this document
        return self.snapshot.get(self.uri)

    @property
    def offset(self) -> int | None:
        text = self.text
        return to_offset(text, self.position, self.encoding) if text is not None else None

    @property
    def ident(self) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri)

    def inside(self, rng: types.Range, what: str, uri: str | None = None) -> tuple[int, int]:
        text = self.snapshot[uri or self.uri]
        found = range_offsets(text, rng, self.encoding)
        assert found is not None, f"{what} range {rng} is not inside the document"
        return found

    def empty(self, result: Any) -> None:
        """A document that is not open gets an empty answer."""
        if self.text is None:
            items = getattr(result, "items", None) or getattr(result, "data", None)
            assert not result or (
                isinstance(result, (types.CompletionList, types.SemanticTokens)) and not items
            ), f"answer for a document that is not open: {result!r:.200}"


@dataclass
class Fuzzer:
    client: LanguageClient
    rng: random.Random
    encoding: str
    docs: dict[str, Doc] = field(default_factory=dict)
    texts: dict[tuple[str, int], str] = field(default_factory=dict)  # (uri, version) -> text
    log: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    first_problem: int | None = None  # the log index of the first failing operation
    pending: list[Pending] = field(default_factory=list)
    lenses: list[types.CodeLens] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    changed_closed: set[str] = field(default_factory=set)  # got a didChange while closed

    def problem(self, index: int, message: str) -> None:
        self.problems.append(f"op {index}: {message}")
        if self.first_problem is None or index < self.first_problem:
            self.first_problem = index

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def open_docs(self) -> list[Doc]:
        return [d for d in self.docs.values() if d.open]

    # -- notifications

    def open(self, uri: str, text: str) -> None:
        old = self.docs.get(uri)
        version = old.version + 1 if old else 1  # versions never repeat for a uri
        self.docs[uri] = Doc(uri, text, version)
        self.texts[(uri, version)] = text
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="rasp", version=version, text=text)
            )
        )
        self.count("didOpen")

    def close(self, uri: str) -> None:
        self.docs[uri].open = False
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri))
        )
        self.count("didClose")

    def random_offset(self, text: str) -> int:
        rng = self.rng
        starts = line_starts(text)
        choice = rng.random()
        if choice < 0.45 or not text:
            offset = rng.randint(0, len(text))
        elif choice < 0.7:
            offset = content_end(text, starts, rng.randrange(len(starts)))  # a line's end
        elif choice < 0.85:
            offset = len(text)
        else:
            offset = starts[rng.randrange(len(starts))]
        if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
            offset -= 1  # no LSP position lies between \r and \n
        return offset

    def edit_position(self, text: str, offset: int) -> types.Position:
        position = to_position(text, offset, self.encoding)
        starts = line_starts(text)
        if offset == content_end(text, starts, position.line) and self.rng.random() < 0.2:
            # past the line's end, which LSP says means the line's end
            position = types.Position(position.line, position.character + self.rng.randint(1, 9))
        return position

    def insertion(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.55:
            return "".join(rng.choice(SNIPPETS) for _ in range(rng.randint(1, 4)))
        if kind < 0.75:
            source = rng.choice(CORPUS)
            start = rng.randrange(len(source))
            return source[start : start + rng.randint(1, 80)]
        if kind < 0.9:
            return "".join(
                chr(
                    rng.choice(
                        [
                            rng.randint(32, 126),
                            rng.randint(0, 0x2FFF),
                            rng.randint(0x10000, 0x1FFFF),
                        ]
                    )
                )
                for _ in range(rng.randint(1, 6))
            )
        data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        return data.decode("utf-8", errors="replace")

    def change(self, doc: Doc) -> None:
        """One didChange event of one to four changes, each relative to the text the previous
        ones left (as LSP says)."""
        rng = self.rng
        text = doc.text
        changes: list[types.TextDocumentContentChangePartial] = []
        described = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
            start = self.random_offset(text)
            kinds = (
                ["delete"] if len(text) > MAX_TEXT else ["insert", "insert", "delete", "replace"]
            )
            kind = rng.choice(kinds)
            end = start
            if kind != "insert":
                end = min(len(text), start + rng.choice([1, 1, 2, 5, 20, 100, 400]))
                if 0 < end < len(text) and text[end - 1] == "\r" and text[end] == "\n":
                    end += 1
            new = "" if kind == "delete" else self.insertion()
            first = self.edit_position(text, start)
            last = first if end == start else self.edit_position(text, end)
            if (last.line, last.character) < (first.line, first.character):
                first = to_position(text, start, self.encoding)  # never a reversed range
            changes.append(
                types.TextDocumentContentChangePartial(range=types.Range(first, last), text=new)
            )
            described.append(
                f"{kind}[{start}:{end}]@{first.line}:{first.character}-"
                f"{last.line}:{last.character}={new[:40]!r}"
            )
            text = text[:start] + new + text[end:]
        doc.version += 1
        doc.text = text
        self.texts[(doc.uri, doc.version)] = text
        self.log.append(f"change {doc.uri[-12:]} v{doc.version}: " + "; ".join(described))
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=doc.uri, version=doc.version
                ),
                content_changes=changes,
            )
        )
        self.count("didChange")

    def change_closed(self, doc: Doc) -> None:
        """A (protocol-breaking) change to a closed document: the server must ignore it."""
        self.log.append(f"change of closed {doc.uri[-12:]}")
        self.changed_closed.add(doc.uri)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=10**6),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                        text="garbage",
                    )
                ],
            )
        )

    # -- requests and answers

    def request_position(self, text: str | None) -> types.Position:
        rng = self.rng
        if text is None:
            return types.Position(rng.randint(0, 5), rng.randint(0, 20))
        starts = line_starts(text)
        line = rng.randrange(len(starts))
        width = units(text[starts[line] : content_end(text, starts, line)], self.encoding)
        choice = rng.random()
        if choice < 0.7:
            return to_position(text, self.random_offset(text), self.encoding)
        if choice < 0.8:
            return types.Position(line, width + rng.randint(1, 50))  # past a line's end
        if choice < 0.9:
            return types.Position(len(starts) + rng.randint(0, 100), rng.randint(0, 10))
        if choice < 0.95:
            return types.Position(2**31 - 1, 2**31 - 1)
        # any unit: perhaps inside a UTF-16 surrogate pair or a UTF-8 sequence
        return types.Position(line, rng.randint(0, width))

    def send(
        self,
        method: str,
        params: Any,
        check: Callable[[Any], None],
        *,
        refusable: bool = False,
        malformed: bool = False,
    ) -> None:
        if malformed:
            future = send_raw(self.client, method, params)
        else:  # written at once, so it reaches the server after everything sent before
            future = asyncio.wrap_future(self.client.protocol.send_request(method, params))
        self.pending.append(
            Pending(future, method, self.log[-1], check, refusable, malformed, len(self.log) - 1)
        )
        self.count(method)

    async def settle(self) -> bool:
        """Wait for every pending answer and check it; False if one did not come."""
        pending, self.pending = self.pending, []
        alive = True
        for item in pending:
            try:
                result = await asyncio.wait_for(item.future, REQUEST_TIMEOUT)
            except JsonRpcException as exc:
                self.errors += 1
                message = str(exc)
                if not item.malformed and not (item.refusable and "ValueError" in message):
                    self.problem(
                        item.index, f"{item.label}: answered an internal error: {message[:300]}"
                    )
                continue
            except TimeoutError:
                self.problem(item.index, f"{item.label}: no answer in {REQUEST_TIMEOUT} s")
                alive = False
                continue
            except Exception as exc:  # noqa: BLE001 - e.g. the server process exited
                self.problem(item.index, f"{item.label}: {type(exc).__name__} {exc}")
                alive = False
                continue
            try:
                item.check(result)
            except AssertionError as exc:
                self.problem(item.index, f"{item.label}: {exc}".replace("\nassert ", " / "))
        return alive

    def request(self, uri: str) -> None:
        """One random request about `uri` (open, closed or never opened)."""
        snapshot = {d.uri: d.text for d in self.open_docs()}
        ask = Ask(uri, snapshot, self.request_position(snapshot.get(uri)), self.encoding)
        kind = self.rng.choices(list(REQUESTS), weights=list(REQUESTS.values()))[0]
        self.log.append(
            f"{kind} {uri[-12:]} {ask.position.line}:{ask.position.character} "
            f"(open={ask.text is not None}, offset={ask.offset})"
        )
        getattr(self, f"ask_{kind}")(ask)

    def ask_hover(self, ask: Ask) -> None:
        def check(result: types.Hover | None) -> None:
            ask.empty(result)
            if result is not None and result.range is not None:
                ask.inside(result.range, "hover")

        self.send(
            types.TEXT_DOCUMENT_HOVER,
            types.HoverParams(text_document=ask.ident, position=ask.position),
            check,
        )

    def ask_completion(self, ask: Ask) -> None:
        def check(result: Any) -> None:
            ask.empty(result)
            items = result.items if isinstance(result, types.CompletionList) else result or []
            for item in items:
                assert isinstance(item.label, str) and item.label, item
                if isinstance(item.text_edit, types.TextEdit):
                    ask.inside(item.text_edit.range, "completion edit")

        self.send(
            types.TEXT_DOCUMENT_COMPLETION,
            types.CompletionParams(text_document=ask.ident, position=ask.position),
            check,
        )

    def check_locations(self, ask: Ask, what: str) -> Callable[[Any], None]:
        def check(result: Any) -> None:
            ask.empty(result)
            found = result if isinstance(result, (list, tuple)) else [result] if result else []
            for location in found:
                uri = getattr(location, "uri", None) or getattr(location, "target_uri", ask.uri)
                rng = getattr(location, "range", None) or location.target_range
                if uri in ask.snapshot:
                    ask.inside(rng, what, uri)
                else:
                    assert not uri.startswith("file:///workspace/"), (
                        f"{what} points into a document that is not open: {uri}"
                    )

        return check

    def ask_definition(self, ask: Ask) -> None:
        self.send(
            types.TEXT_DOCUMENT_DEFINITION,
            types.DefinitionParams(text_document=ask.ident, position=ask.position),
            self.check_locations(ask, "definition"),
        )

    def ask_references(self, ask: Ask) -> None:
        context = types.ReferenceContext(include_declaration=self.rng.random() < 0.5)
        self.send(
            types.TEXT_DOCUMENT_REFERENCES,
            types.ReferenceParams(text_document=ask.ident, position=ask.position, context=context),
            self.check_locations(ask, "references"),
        )

    def ask_highlight(self, ask: Ask) -> None:
        self.send(
            types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT,
            types.DocumentHighlightParams(text_document=ask.ident, position=ask.position),
            self.check_locations(ask, "highlight"),
        )

    def ask_prepareRename(self, ask: Ask) -> None:  # noqa: N802 - named after the request
        def check(result: Any) -> None:
            ask.empty(result)
            if isinstance(result, types.Range):
                start, end = ask.inside(result, "prepareRename")
                assert IDENTIFIER.fullmatch(ask.snapshot[ask.uri][start:end]), (start, end)
                assert ask.offset is None or start <= ask.offset <= end, (start, end, ask.offset)

        self.send(
            types.TEXT_DOCUMENT_PREPARE_RENAME,
            types.PrepareRenameParams(text_document=ask.ident, position=ask.position),
            check,
            refusable=True,
        )

    def ask_rename(self, ask: Ask) -> None:
        names = [m.group() for m in IDENTIFIER.finditer(ask.text or "")][:200]
        choice = self.rng.random()
        if choice < 0.35:
            new_name = self.rng.choice(REFUSED_NAMES)
        elif choice < 0.5 and names:
            new_name = self.rng.choice(names)  # perhaps already defined there
        else:
            new_name = f"renamed_{self.rng.randrange(1000)}"
        refused = not IDENTIFIER.fullmatch(new_name) or new_name in REFUSED_NAMES
        self.log[-1] += f" -> {new_name!r}"

        def check(result: types.WorkspaceEdit | None) -> None:
            ask.empty(result)
            if result is None:
                return
            assert not refused, f"rename to {new_name!r} must be refused, got {result}"
            assert not result.document_changes, "expected `changes`"
            assert set(result.changes or {}) <= {ask.uri}, f"edits elsewhere: {result}"
            edits = (result.changes or {}).get(ask.uri, [])
            spans = sorted(ask.inside(e.range, "rename edit") for e in edits)
            text = ask.snapshot[ask.uri]
            old = {text[s:e] for s, e in spans}
            assert len(old) <= 1 and all(IDENTIFIER.fullmatch(o) for o in old), old
            assert all(e.new_text == new_name for e in edits)
            assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), spans
            if spans and ask.offset is not None:
                assert any(s <= ask.offset <= e for s, e in spans), (spans, ask.offset)

        self.send(
            types.TEXT_DOCUMENT_RENAME,
            types.RenameParams(text_document=ask.ident, position=ask.position, new_name=new_name),
            check,
            refusable=True,
        )

    def ask_codeLens(self, ask: Ask) -> None:  # noqa: N802
        def check(result: list[types.CodeLens] | None) -> None:
            ask.empty(result)
            for lens in result or []:
                ask.inside(lens.range, "code lens")
                self.lenses.append(lens)
            del self.lenses[:-50]

        self.send(
            types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensParams(text_document=ask.ident), check
        )

    def ask_resolve(self, ask: Ask) -> None:
        if not self.lenses:
            return
        lens = self.rng.choice(self.lenses)  # perhaps stale, perhaps of a closed document

        def check(result: types.CodeLens) -> None:
            assert result is not None and result.command is not None, result
            assert isinstance(result.command.title, str) and result.command.title

        self.send(types.CODE_LENS_RESOLVE, lens, check)

    def ask_semanticTokens(self, ask: Ask) -> None:  # noqa: N802
        def check(result: types.SemanticTokens | None) -> None:
            ask.empty(result)
            if ask.text is not None and result is not None:
                self.check_tokens(ask.text, list(result.data))

        self.send(
            types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
            types.SemanticTokensParams(text_document=ask.ident),
            check,
        )

    def ask_documentSymbol(self, ask: Ask) -> None:  # noqa: N802
        def check(result: list[Any] | None) -> None:
            ask.empty(result)
            if ask.text is not None:
                self.check_symbols(ask, list(result or []))

        self.send(
            types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
            types.DocumentSymbolParams(text_document=ask.ident),
            check,
        )

    def ask_workspaceSymbol(self, ask: Ask) -> None:  # noqa: N802
        def check(result: Any) -> None:
            for symbol in result or []:
                location = symbol.location
                assert location.uri in ask.snapshot, f"symbol of a closed document: {symbol}"
                if isinstance(location, types.Location):
                    ask.inside(location.range, "workspace symbol", location.uri)

        query = self.rng.choice(["", "a", "x", "rev", "_", "\u00e9", "zz", "s"])
        self.send(types.WORKSPACE_SYMBOL, types.WorkspaceSymbolParams(query=query), check)

    def ask_foldingRange(self, ask: Ask) -> None:  # noqa: N802
        def check(result: list[types.FoldingRange] | None) -> None:
            ask.empty(result)
            lines = len(line_starts(ask.text)) if ask.text is not None else 0
            for found in result or []:
                assert 0 <= found.start_line <= found.end_line < lines, found

        self.send(
            types.TEXT_DOCUMENT_FOLDING_RANGE,
            types.FoldingRangeParams(text_document=ask.ident),
            check,
        )

    def ask_inlayHint(self, ask: Ask) -> None:  # noqa: N802
        other = self.request_position(ask.text)
        first, last = sorted([ask.position, other], key=lambda p: (p.line, p.character))

        def check(result: list[types.InlayHint] | None) -> None:
            ask.empty(result)
            for hint in result or []:
                ask.inside(types.Range(hint.position, hint.position), "inlay hint")

        self.send(
            types.TEXT_DOCUMENT_INLAY_HINT,
            types.InlayHintParams(text_document=ask.ident, range=types.Range(first, last)),
            check,
        )

    def ask_signatureHelp(self, ask: Ask) -> None:  # noqa: N802
        def check(result: types.SignatureHelp | None) -> None:
            ask.empty(result)
            for signature in result.signatures if result else []:
                for parameter in signature.parameters or []:
                    if isinstance(parameter.label, tuple):
                        a, b = parameter.label
                        assert 0 <= a <= b <= len(signature.label), (signature, parameter)

        self.send(
            types.TEXT_DOCUMENT_SIGNATURE_HELP,
            types.SignatureHelpParams(text_document=ask.ident, position=ask.position),
            check,
        )

    def ask_evaluate(self, ask: Ask, kind: str = "evaluate") -> None:
        at = ask.offset
        name = word_around(ask.text, at) if ask.text is not None and at is not None else None
        params: dict[str, Any] = {"textDocument": {"uri": ask.uri}, "name": name or "tokens"}
        if kind == "evaluate" and self.rng.random() < 0.5:
            params["inputs"] = self.rng.choice([["ab"], [[1, 2]], ["x" * 40], []])
        self.send(f"rasp/{kind}", params, lambda result: None)

    def ask_cost(self, ask: Ask) -> None:
        self.ask_evaluate(ask, "cost")

    def ask_malformed(self, ask: Ask) -> None:
        """Custom requests with params of the wrong shape (pygls cannot check their schema;
        standard requests with bad params: see test_malformed_requests_get_an_answer)."""
        method, params = self.rng.choice(
            [
                ("rasp/evaluate", {"textDocument": {"uri": ask.uri}, "name": 12, "inputs": "x"}),
                (
                    "rasp/evaluate",
                    {
                        "textDocument": {"uri": ask.uri},
                        "position": {"line": "a", "character": None},
                    },
                ),
                ("rasp/cost", {"textDocument": None, "name": None}),
                ("rasp/cost", [1, 2, 3]),
                ("rasp/noSuchRequest", {}),
                (
                    types.CODE_LENS_RESOLVE,
                    {
                        "range": {
                            "start": {"line": 0, "character": 0},
                            "end": {"line": 0, "character": 0},
                        },
                        "data": {"uri": ask.uri, "name": 3},
                    },
                ),
            ]
        )
        self.log[-1] += f" {method}"
        self.send(method, params, lambda result: None, malformed=True)

    # -- checks against the client's text

    def check_tokens(self, text: str, data: list[int]) -> None:
        assert len(data) % 5 == 0, len(data)
        line = character = 0
        for i in range(0, len(data), 5):
            delta_line, delta_start, length, type_index, _ = data[i : i + 5]
            line += delta_line
            character = character + delta_start if delta_line == 0 else delta_start
            span = range_offsets(
                text,
                types.Range(
                    types.Position(line, character), types.Position(line, character + length)
                ),
                self.encoding,
            )
            assert span is not None, f"token {line}:{character}+{length} is not inside the text"
            token = text[span[0] : span[1]]
            kind = TOKEN_TYPES[type_index]
            if kind == "comment":
                ok = token.startswith("#")
            elif kind == "string":
                ok = token.startswith('"')
            elif kind == "number":
                ok = token[:1].isdigit()
            elif kind == "operator":
                ok = token in OPERATORS
            elif kind == "keyword":
                ok = re.fullmatch(r"[A-Za-z][A-Za-z-]*", token) is not None
            else:
                ok = IDENTIFIER.fullmatch(token) is not None
            assert ok, f"{kind} token {token!r} at {line}:{character}"

    def check_symbols(self, ask: Ask, symbols: list[Any]) -> None:
        text = ask.snapshot[ask.uri]
        for symbol in symbols:
            if isinstance(symbol, types.SymbolInformation):
                ask.inside(symbol.location.range, "symbol")
                continue
            outer = ask.inside(symbol.range, "symbol")
            start, end = ask.inside(symbol.selection_range, "symbol selection")
            assert outer[0] <= start <= end <= outer[1], f"selection outside its symbol {symbol}"
            if symbol.kind == types.SymbolKind.Namespace:
                assert symbol.name.startswith("for"), symbol.name
            elif symbol.kind == types.SymbolKind.File:
                assert symbol.name.startswith("load"), symbol.name
            elif symbol.name != "?":
                assert text[start:end] == symbol.name, (text[start:end], symbol.name)
            self.check_symbols(ask, list(symbol.children or []))

    def check_published(self, published: list[types.PublishDiagnosticsParams]) -> None:
        end = len(self.log)
        for params in published:
            if params.version is None:
                if params.diagnostics:
                    self.problem(end, f"diagnostics without a version for {params.uri}")
                continue
            text = self.texts.get((params.uri, params.version))
            if text is None:
                self.problem(
                    end, f"diagnostics for an unknown version {params.version} of {params.uri}"
                )
                continue
            for diagnostic in params.diagnostics:
                for rng in [diagnostic.range] + [
                    r.location.range
                    for r in diagnostic.related_information or []
                    if r.location.uri == params.uri
                ]:
                    if range_offsets(text, rng, self.encoding) is None:
                        self.problem(
                            end,
                            f"diagnostic {diagnostic.code} range {rng} outside version "
                            f"{params.version} of {params.uri} ({len(text)} chars)",
                        )


async def fingerprint(client: LanguageClient, uri: str) -> dict[str, Any]:
    """Answers that depend on every token of a document's text and where it is."""
    ident = types.TextDocumentIdentifier(uri=uri)
    everything = types.Range(types.Position(0, 0), types.Position(10**6, 0))
    tokens = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=ident)
    )
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=ident)
    )
    folding = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=ident)
    )
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=ident))
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=ident, range=everything)
    )
    return {
        "semanticTokens": list(tokens.data) if tokens else None,
        "documentSymbol": [repr(s) for s in symbols or []],
        "foldingRange": [repr(f) for f in folding or []],
        "codeLens": [
            (
                repr(lens.range),
                {k: v for k, v in (lens.data or {}).items() if k not in ("uri", "version")},
            )
            for lens in lenses or []
        ],
        "inlayHint": [repr(h) for h in hints or []],
    }


async def test_random_protocol_session(client: LanguageClient) -> None:
    rng = random.Random(SEED)
    fuzzer = Fuzzer(client, rng, negotiated_encoding(client))
    published: list[types.PublishDiagnosticsParams] = []
    original = client.protocol._handle_notification

    def spy(method: str, params: Any) -> Any:
        if method == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
            published.append(params)
        return original(method, params)

    client.protocol._handle_notification = spy  # type: ignore[method-assign]

    uris = [uri_of(f"fuzz{i}.rasp") for i in range(4)]
    closed, never = uri_of("closed.rasp"), uri_of("never-opened.rasp")
    for uri in [*uris, closed]:
        fuzzer.open(uri, rng.choice(CORPUS))
    fuzzer.close(closed)
    fuzzer.log.append(f"opened {len(uris)} documents; seed {SEED}, encoding {fuzzer.encoding}")

    alive = True
    burst = rng.randint(1, 12)  # operations sent before waiting for the answers
    for step in range(OPERATIONS):
        choice = rng.random()
        open_docs = fuzzer.open_docs()
        closed_docs = [d for d in fuzzer.docs.values() if not d.open]
        if choice < 0.4:
            fuzzer.change(rng.choice(open_docs))
        elif choice < 0.42:
            if closed_docs and (rng.random() < 0.6 or len(open_docs) <= 1):
                doc = rng.choice(closed_docs)
                fuzzer.open(doc.uri, doc.text if rng.random() < 0.5 else rng.choice(CORPUS))
                fuzzer.log.append(f"open {doc.uri[-12:]} v{fuzzer.docs[doc.uri].version}")
            elif len(open_docs) > 1:
                doc = rng.choice(open_docs)
                fuzzer.close(doc.uri)
                fuzzer.log.append(f"close {doc.uri[-12:]}")
        elif choice < 0.43 and closed_docs:
            fuzzer.change_closed(rng.choice(closed_docs))
        else:
            target = rng.random()
            fuzzer.request(never if target < 0.05 else closed if target < 0.1 else rng.choice(uris))
        burst -= 1
        if burst <= 0 or step == OPERATIONS - 1:
            alive = await fuzzer.settle()
            if not alive:
                break
            burst = rng.randint(1, 12)
            if rng.random() < 0.05:  # let the debounced run, analysis and evaluation happen
                await asyncio.sleep(rng.choice([0.06, 0.2, 0.35]))

    def report(headline: str) -> str:
        shown = "\n  ".join(fuzzer.problems[:12])
        at = fuzzer.first_problem if fuzzer.first_problem is not None else len(fuzzer.log)
        before = "\n  ".join(f"{i}: {op}" for i, op in enumerate(fuzzer.log) if at - 20 <= i <= at)
        return (
            f"{headline} (seed {SEED}, {fuzzer.encoding}, {len(fuzzer.log)} operations; "
            f"rerun: RASP_FUZZ_SEED={SEED} RASP_FUZZ_EXAMPLES={OPERATIONS})\n  {shown}\n"
            f"the operations up to the first problem:\n  {before}"
        )

    assert alive, report("the server stopped answering")
    assert client._server is not None and client._server.returncode is None
    probe = await asyncio.wait_for(
        client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=never), position=types.Position(0, 0)
            )
        ),
        REQUEST_TIMEOUT,
    )
    assert probe is None

    # no data lost: each edited document answers like a fresh copy of the client's text
    for index, doc in enumerate(fuzzer.open_docs()):
        fresh = uri_of(f"fresh{index}.rasp")
        fuzzer.open(fresh, doc.text)
        edited, copy = await fingerprint(client, doc.uri), await fingerprint(client, fresh)
        differ = [key for key in edited if edited[key] != copy[key]]
        if differ:
            fuzzer.problem(
                len(fuzzer.log),
                f"{doc.uri} (version {doc.version}, {len(doc.text)} chars): "
                f"{', '.join(differ)} differ from a fresh copy of the client's text: the "
                f"server's text is not the client's (or incremental analysis differs)",
            )
        fuzzer.close(fresh)

    await asyncio.sleep(0.5)  # the last publications
    fuzzer.check_published(published)
    tolerated = 0
    for message in client.messages:
        if message.type != types.MessageType.Error:
            continue
        # pygls' own document store raises KeyError on a change to a document that is not
        # open (the client broke the protocol); the server's handler never sees it
        if any(f"KeyError: '{uri}'" in message.message for uri in fuzzer.changed_closed):
            tolerated += 1
            continue
        fuzzer.problem(len(fuzzer.log), f"window/showMessage error: {message.message[:300]}")
    requests = sum(v for k, v in fuzzer.counts.items() if "/" in k)
    print(
        f"\nseed {SEED} ({fuzzer.encoding}): {len(fuzzer.log)} operations, {requests} "
        f"requests ({fuzzer.errors} answered with an error), {len(published)} diagnostics "
        f"publications, {tolerated} error messages after changes to closed documents; "
        f"{dict(sorted(fuzzer.counts.items()))}"
    )
    assert not fuzzer.problems, report(f"{len(fuzzer.problems)} problem(s)")


# ---- what the fuzzing found, reduced by hand ----------------------------------------------

P = types.Position
# (text, range start, range end, new text): ranges an editor may send
LANDING = {
    # U+2028, form feed and U+0085 are not line breaks in LSP: these positions are on line 0
    "after U+2028 on the line": ("x = 1;\u2028yy = 2;\n", P(0, 9), P(0, 9), "z"),
    "after a form feed on the line": ("x = 1;\x0cyy = 2;\n", P(0, 9), P(0, 9), "z"),
    "after U+0085 on the line": ("x = 1;\x85yy = 2;\n", P(0, 9), P(0, 9), "z"),
    # LSP: a character past the line's end means the line's end
    "past the end of the last line": ("x = 1;", P(0, 20), P(0, 20), "\ny = 2;"),
    "past the end of a line before a newline": ("x = 1;\ny = 2;\n", P(0, 20), P(0, 20), "3"),
    "plain edit (control)": ("x = 1;\nyy = 2;\n", P(1, 2), P(1, 2), "z"),
}


def _expected(
    text: str, start: types.Position, end: types.Position, new: str, encoding: str
) -> str:
    starts = line_starts(text)

    def clamp(position: types.Position) -> int:
        found = to_offset(text, position, encoding)
        return found if found is not None else content_end(text, starts, position.line)

    return text[: clamp(start)] + new + text[clamp(end) :]


async def test_edits_land_where_the_client_sent_them(client: LanguageClient) -> None:
    """Each edit applied to the server's copy must give the client's text: compared through
    semantic tokens, symbols, folding, lenses and hints with a fresh copy of that text."""
    encoding = negotiated_encoding(client)
    wrong = []
    for index, (name, (text, start, end, new)) in enumerate(LANDING.items()):
        uri, fresh = uri_of(f"landing{index}.rasp"), uri_of(f"landing{index}-fresh.rasp")
        expected = _expected(text, start, end, new, encoding)
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="rasp", version=1, text=text)
            )
        )
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=types.Range(start, end), text=new)
                ],
            )
        )
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=fresh, language_id="rasp", version=1, text=expected)
            )
        )
        if await fingerprint(client, uri) != await fingerprint(client, fresh):
            wrong.append(f"{name}: {text!r} + {new!r} at {start}-{end} should give {expected!r}")
    assert not wrong, "the server's text differs from the client's:\n" + "\n".join(wrong)


MALFORMED = {
    "hover without a position": (
        types.TEXT_DOCUMENT_HOVER,
        {"textDocument": {"uri": uri_of("m.rasp")}},
    ),
    "hover with a number as uri": (
        types.TEXT_DOCUMENT_HOVER,
        {"textDocument": {"uri": 5}, "position": {}},
    ),
    "completion without a position": (
        types.TEXT_DOCUMENT_COMPLETION,
        {"textDocument": {"uri": uri_of("m.rasp")}},
    ),
    "rename without a new name": (
        types.TEXT_DOCUMENT_RENAME,
        {"textDocument": {"uri": uri_of("m.rasp")}, "position": {"line": 0, "character": 0}},
    ),
    "evaluate with a bad position": (
        "rasp/evaluate",
        {"textDocument": {"uri": uri_of("m.rasp")}, "position": {"line": "a", "character": 0}},
    ),
    "cost with a list as params": ("rasp/cost", [1, 2, 3]),
    "unknown method": ("rasp/noSuchRequest", {}),
}


async def test_malformed_requests_get_an_answer(client: LanguageClient) -> None:
    """JSON-RPC: every request gets a response; params that do not fit the method deserve an
    InvalidParams error, not silence (the editor would wait for ever)."""
    uri = uri_of("m.rasp")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="rasp", version=1, text="x = tokens;\n")
        )
    )
    futures = {
        name: send_raw(client, method, params) for name, (method, params) in MALFORMED.items()
    }
    await asyncio.wait(futures.values(), timeout=10)
    unanswered = [name for name, future in futures.items() if not future.done()]
    for future in futures.values():
        if future.done():
            future.exception()  # retrieved: an error answer is fine
        else:
            future.cancel()
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0)
        )
    )
    assert hover is not None  # still alive
    assert not unanswered, f"no answer in 10 s to: {', '.join(unanswered)}"
