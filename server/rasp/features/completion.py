"""Completion: what can be typed at the cursor.

Owns the list of items for one position:
- at the third argument of `select(`: only the comparison operators `==`, `!=`, `<`, `>`,
  `<=`, `>=`;
- in a comment, in a string, or where a new name is being introduced (`def |`,
  `def f(a, |`, `for |`, `[x for |`): nothing (in `load "|`: the `.rasp` files next to the
  document);
- elsewhere: the names a use at the cursor can read (`features.names.NameIndex.visible`,
  plus the parameters and locals of a `def` still being typed), each with its kind and a
  detail (`s-op · int`, `selector`, `shift(seq, n, filler)`, `int = 3`) and its doc comment; the
  library's names and the builtins with their signature and doc; and the keywords that
  fit (statement keywords at the start of a statement, `return` in a function body).

Item kinds: "s-op", "selector", "function", "parameter", "variable" (lists, dicts, atoms,
unknown), "builtin" (select, aggregate, range, zip, len, round, indicator, annotations),
"keyword", "operator", "file".
The items come in a useful order (innermost names first, then top-level names, library,
builtins, keywords); the editor filters them by the word typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rasp.describe import BUILTIN_DOCS
from rasp.features import context
from rasp.features.docs import doc_comment, file_doc_comment
from rasp.features.kinds import Kinds
from rasp.features.names import Definition, index_of
from rasp.features.signature import EXTRA_DOCS, function_doc
from rasp.graph.values import Function
from rasp.program import Session
from rasp.syntax.parser import expected_tokens


@dataclass(frozen=True, slots=True)
class Item:
    label: str
    kind: str
    detail: str
    documentation: str | None
    insert_text: str


SELECT_OPERATORS: tuple[tuple[str, str], ...] = (
    ("==", "key equals query"),
    ("!=", "key differs from query"),
    ("<", "key less than query"),
    (">", "key greater than query"),
    ("<=", "key less than or equal to query"),
    (">=", "key greater than or equal to query"),
)
_OPERATOR_TOKENS = frozenset({"EQ", "NE", "LT", "GT", "LE", "GE"})

STATEMENT_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("def", "def name(params) { ... return e; }: a function"),
    ("for", "for x in list { ... }: a loop"),
    ("load", 'load "file";: the names of file.rasp'),
    ("draw", "draw(s);: draw the computation of an s-op"),
    ("set example", "set example e: the running example"),
)
EXPRESSION_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("not", "not e"),
    ("and", "a and b (s-ops, atoms, or selectors)"),
    ("or", "a or b (s-ops, atoms, or selectors)"),
    ("if", "a if condition else b"),
    ("else", "a if condition else b"),
    ("in", "x in list"),
    ("True", "the atom True"),
    ("False", "the atom False"),
)
BUILTINS = ("select", "aggregate", "range", "zip", "len", "round", "indicator")
_KIND_OF = {
    "s-op": "s-op",
    "selector": "selector",
    "function": "function",
    "parameter": "parameter",
    "annotation": "builtin",
}
# where a new name is being written, not an existing one read
_DEFINING = re.compile(
    r"(?:(?:^|[^\w])def[ \t\r\n]+"
    r"|(?:^|[^\w])def[ \t\r\n]+[A-Za-z_]\w*[ \t\r\n]*\((?:[ \t\r\n]*[A-Za-z_]\w*[ \t\r\n]*,)*"
    r"[ \t\r\n]*"
    r"|(?:^|[^\w])for[ \t\r\n]+(?:[A-Za-z_]\w*[ \t\r\n]*,[ \t\r\n]*)*)\Z"
)
_PARTIAL_DEF = re.compile(r"[ \t]*def[ \t\r\n]+[A-Za-z_]\w*[ \t\r\n]*\(([^)]*)\)?")
_PARTIAL_ASSIGN = re.compile(
    r"(?:^|[;{\n\r])[ \t]*([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)[ \t]*=(?!=)"
)
_PARTIAL_FOR = re.compile(
    r"(?:^|[^\w])for[ \t]+([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)"
    r"[ \t]+in(?!\w)"
)
_NAME = re.compile(r"[A-Za-z_]\w*")


def _operators() -> list[Item]:
    return [Item(op, "operator", "select operator", doc, op) for op, doc in SELECT_OPERATORS]


def _load_files(session: Session) -> list[Item]:
    if session.path is None:
        return []
    folder = Path(session.path).resolve().parent
    try:
        files = sorted(folder.glob("*.rasp"))
    except OSError:
        return []
    own = Path(session.path).resolve()
    return [Item(f.stem, "file", f.name, None, f.stem) for f in files if f.resolve() != own][:200]


def _partial_locals(before: str) -> list[tuple[str, str]]:
    """Parameters and locals of a `def` being typed (it does not parse yet): (name, kind),
    a local being a selector or an s-op when its expression starts with `select(` or
    `aggregate(` / `indicator(`."""
    match = _PARTIAL_DEF.match(before)
    if match is None:
        return []
    out: list[tuple[str, str]] = [(p, "parameter") for p in _NAME.findall(match.group(1))]
    body = before[match.end() :]
    for found in _PARTIAL_ASSIGN.finditer(body):
        rest = body[found.end() :].lstrip()
        kind = (
            "selector"
            if re.match(r"select[ \t]*\(", rest)
            else "s-op"
            if re.match(r"(?:aggregate|indicator)[ \t]*\(", rest)
            else "variable"
        )
        out.extend((n, kind) for n in _NAME.findall(found.group(1)))
    for found in _PARTIAL_FOR.finditer(body):
        out.extend((n, "variable") for n in _NAME.findall(found.group(1)))
    return out


def _name_item(name: str, d: Definition, kinds: Kinds, session: Session) -> Item:
    kind = kinds.kind(d)
    item_kind = _KIND_OF.get(kind, "variable")
    detail = kinds.detail(d)
    doc: str | None = None
    value = kinds.value(d)
    if d.role == "library":
        detail = "library · " + detail
        if isinstance(value, Function):
            doc = function_doc(value, session.text, session.file)
        elif d.location is not None and d.location.file is not None:
            doc = file_doc_comment(d.location.file, d.location.span.start)
    elif d.role == "builtin":
        if name in BUILTIN_DOCS:
            detail, doc = BUILTIN_DOCS[name][0] + " · " + detail, BUILTIN_DOCS[name][1]
        elif name in EXTRA_DOCS:
            detail, doc = EXTRA_DOCS[name][0], EXTRA_DOCS[name][1]
    elif d.role == "loaded" and d.location is not None and d.location.file is not None:
        detail = f"{Path(d.location.file).name} · {detail}"
        doc = file_doc_comment(d.location.file, d.location.span.start)
    elif d.role == "function" and d.node is not None:
        doc = doc_comment(session.text, d.base + d.node.span.start)
    elif d.role == "variable" and d.scope is not None and d.scope.kind == "top":
        doc = _statement_comment(session, d)
    if name in ("True", "False"):
        item_kind = "keyword"
    return Item(name, item_kind, detail, doc, name)


def _statement_comment(session: Session, d: Definition) -> str | None:
    statements = session.parsed.statements
    if not 0 <= d.statement < len(statements):
        return None
    return doc_comment(session.text, statements[d.statement].offset)


def complete(session: Session, offset: int) -> list[Item]:
    """The completion items at `offset` (empty outside the text)."""
    text = session.text
    if context.clamp(text, offset) is None:
        return []
    where = context.inside(text, offset)
    if where == "comment":
        return []
    start = context.statement_start(session.parsed, offset)
    if where == "string":
        line = text[context.line_start(text, offset) : offset]
        return _load_files(session) if re.search(r'load[ \t]*"[^"]*\Z', line) else []
    word = context.word_before(text, offset)
    before = text[min(start, word.start) : word.start]
    call = context.open_call(text, start, word.start)
    if call is not None and call.callee == "select" and call.active == 2:
        return _operators()
    expected = expected_tokens(before) if len(before) < 20_000 else set()
    if expected and expected <= _OPERATOR_TOKENS:
        return _operators()
    if _DEFINING.search(before):
        return []
    return _names(session, offset, word.start, before, expected)


def _names(session: Session, offset: int, at: int, before: str, expected: set[str]) -> list[Item]:
    index = index_of(session)
    kinds = Kinds(session, index)
    items: list[Item] = []
    seen: set[str] = set()
    for name, kind in _partial_locals(before):
        if name not in seen:
            seen.add(name)
            items.append(Item(name, kind, kind, None, name))
    visible = index.visible(at)
    for name, d in visible.items():
        if name in seen or name in ("out",):
            continue
        seen.add(name)
        items.append(_name_item(name, d, kinds, session))
    for name in BUILTINS:
        signature, doc = BUILTIN_DOCS[name]
        items.append(Item(name, "builtin", signature, doc, name))
    statement_start = not before.strip() or (
        bool(expected) and ("DEF" in expected or "LOAD" in expected)
    )
    if statement_start:
        items.extend(Item(k, "keyword", "keyword", doc, k) for k, doc in STATEMENT_KEYWORDS)
    in_body = any(s.kind == "def" for s in index.scope_at(at).chain())
    in_body = in_body or _PARTIAL_DEF.match(before) is not None
    if in_body and (not expected or "RETURN" in expected):
        items.append(Item("return", "keyword", "keyword", "return e;: ends a function", "return"))
    items.extend(
        Item(k, "keyword", "keyword", doc, k) for k, doc in EXPRESSION_KEYWORDS if k not in seen
    )
    return items
