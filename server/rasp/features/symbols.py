"""Document symbols (the outline) and workspace symbols.

Owns the outline of a document, in source order:
- a `def`: kind "function", detail its signature, children its parameters ("parameter"),
  locals, nested functions and loops;
- an assignment: one symbol per target, kind from the value it binds (features.kinds):
  "s-op", "selector", "function", "list", "dict", "atom", "annotation" or "unknown", detail
  e.g. `s-op · int`; its range is the whole statement, its selection the name;
- a `for` loop: kind "loop", named `for i in range(3)`, children what its body binds;
- a `load "x";`: kind "file", detail the file it loads (or `not found`);
- a statement that does not parse yet but starts like `def f(` or `a, b =`: its names, with
  detail `(incomplete)`, so the outline does not flicker while typing.

`workspace_symbols(query, outlines)` flattens the outlines of several documents (parameters
and loops left out, a function's locals with the function as container) and keeps the names
matching `query` (case-insensitive, letters in order; empty: all), best matches first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rasp.features.kinds import Kinds, shorten
from rasp.features.names import NameIndex, find_loaded, index_of
from rasp.program import Session
from rasp.syntax import ast
from rasp.text import Span

_INCOMPLETE_DEF = re.compile(r"def[ \t\r\n]+([A-Za-z_]\w*)")
_INCOMPLETE_ASSIGN = re.compile(r"([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)[ \t]*=(?!=)")
_NAME = re.compile(r"[A-Za-z_]\w*")
_SPACES = re.compile(r"\s+")
MAX_WORKSPACE_SYMBOLS = 1000


@dataclass(frozen=True, slots=True)
class DocumentSymbol:
    name: str
    kind: str
    detail: str
    span: Span  # the whole construct
    selection: Span  # the name (inside `span`)
    children: tuple[DocumentSymbol, ...] = ()


@dataclass(frozen=True, slots=True)
class WorkspaceSymbol:
    name: str
    kind: str
    detail: str
    container: str | None  # the enclosing function or loop
    document: str  # the key the document was given under
    span: Span  # the name


class _Outline:
    def __init__(self, session: Session, index: NameIndex) -> None:
        self.session = session
        self.index = index
        self.kinds = Kinds(session, index)
        self.text = session.text

    def target(self, name: ast.Name, base: int, statement: Span) -> DocumentSymbol:
        span = name.span.shift(base)
        occ = self.index.occurrence_at(span.start)
        d = occ.target if occ is not None and occ.write else None
        if d is None:
            return DocumentSymbol(name.id, "unknown", "", statement, span)
        kind = self.kinds.kind(d)
        return DocumentSymbol(name.id, kind, self.kinds.detail(d), statement, span)

    def statement(self, stmt: ast.Stmt, base: int) -> list[DocumentSymbol]:
        span = stmt.span.shift(base)
        if isinstance(stmt, ast.Assign):
            return [self.target(t, base, span) for t in stmt.targets]
        if isinstance(stmt, ast.Def):
            params = [
                DocumentSymbol(
                    p.id, "parameter", "parameter", p.span.shift(base), p.span.shift(base)
                )
                for p in stmt.params
            ]
            children = params + self.body(stmt.body, base)
            signature = f"{stmt.name.id}({', '.join(p.id for p in stmt.params)})"
            return [
                DocumentSymbol(
                    stmt.name.id,
                    "function",
                    signature,
                    span,
                    stmt.name.span.shift(base),
                    tuple(children),
                )
            ]
        if isinstance(stmt, ast.For):
            names = ", ".join(n.id for n in stmt.names)
            iterable = self.text[base + stmt.iterable.span.start : base + stmt.iterable.span.end]
            label = shorten(f"for {names} in {_SPACES.sub(' ', iterable)}")
            selection = Span(base + stmt.names[0].span.start, base + stmt.names[-1].span.end)
            inner = tuple(self.body(stmt.body, base))
            return [DocumentSymbol(label, "loop", "", span, selection, inner)]
        if isinstance(stmt, ast.Load):
            found = find_loaded(stmt.path, self.index.file, self.index.search_paths)
            detail = Path(found).name if found is not None else "not found"
            return [
                DocumentSymbol(
                    f'load "{stmt.path}"', "file", detail, span, stmt.path_span.shift(base)
                )
            ]
        return []

    def body(self, body: tuple[ast.Stmt, ...], base: int) -> list[DocumentSymbol]:
        out: list[DocumentSymbol] = []
        for stmt in body:
            out.extend(self.statement(stmt, base))
        return out

    def incomplete(self, statement: ast.Statement) -> list[DocumentSymbol]:
        text = self.text[statement.offset : statement.offset + statement.length]
        span = statement.span
        match = _INCOMPLETE_DEF.match(text)
        if match is not None:
            name = Span(statement.offset + match.start(1), statement.offset + match.end(1))
            return [DocumentSymbol(match.group(1), "function", "(incomplete)", span, name)]
        match = _INCOMPLETE_ASSIGN.match(text)
        if match is None:
            return []
        out = []
        for found in _NAME.finditer(match.group(1)):
            name = Span(statement.offset + found.start(), statement.offset + found.end())
            out.append(DocumentSymbol(found.group(), "unknown", "(incomplete)", span, name))
        return out


def document_symbols(session: Session) -> list[DocumentSymbol]:
    """The outline of a session's document."""
    outline = _Outline(session, index_of(session))
    out: list[DocumentSymbol] = []
    for statement in session.parsed.statements:
        if statement.tree is None:
            out.extend(outline.incomplete(statement))
        else:
            out.extend(outline.statement(statement.tree, statement.offset))
    return out


def _score(query: str, name: str) -> int | None:
    """How well `name` matches `query` (lower is better; None: no match)."""
    if not query:
        return 3
    q, n = query.lower(), name.lower()
    if n == q:
        return 0
    if n.startswith(q):
        return 1
    if q in n:
        return 2
    position = 0
    for ch in q:
        position = n.find(ch, position) + 1
        if position == 0:
            return None
    return 3


def _flatten(
    symbols: Iterable[DocumentSymbol], container: str | None, document: str
) -> Iterable[WorkspaceSymbol]:
    for symbol in symbols:
        if symbol.kind not in ("parameter", "loop"):
            yield WorkspaceSymbol(
                symbol.name, symbol.kind, symbol.detail, container, document, symbol.selection
            )
        inner = container if symbol.kind == "loop" else symbol.name
        yield from _flatten(symbol.children, inner, document)


def workspace_symbols(
    query: str,
    outlines: Iterable[tuple[str, list[DocumentSymbol]]],
    limit: int = MAX_WORKSPACE_SYMBOLS,
) -> list[WorkspaceSymbol]:
    """The symbols of several documents, each given as (key, its `document_symbols`),
    matching `query`."""
    scored: list[tuple[int, str, str, int, WorkspaceSymbol]] = []
    for key, outline in outlines:
        for symbol in _flatten(outline, None, key):
            if symbol.kind == "file":
                continue
            score = _score(query, symbol.name)
            if score is not None:
                scored.append((score, symbol.name.lower(), key, symbol.span.start, symbol))
    scored.sort(key=lambda item: item[:4])
    return [item[4] for item in scored[:limit]]
