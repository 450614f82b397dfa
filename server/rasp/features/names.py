"""The name index of one document: every definition and every use of a name, each use
resolved to the definition it reads, following RASP's scoping.

Owns go to definition, find references, document highlights and rename.

Scopes:
- the top level: assignment targets (also multiple assignment), `def` names, `for`
  variables and everything a top-level `for` body binds, and the names a `load "x";` brings
  in (resolved to their definitions in `x.rasp`, found like the builder finds it);
- a `def` body: its parameters, and everything its body binds (locals, nested `def`s, `for`
  variables of loops inside it);
- a comprehension: its variables, visible in its element (key and value) only; its
  iterable belongs to the enclosing scope;
- beyond the top level: the standard library (`rasp/library.rasp`) and the builtin names
  (`tokens`, `indices`, `True`...; no location).

Resolution of a use of `x` at offset p:
- in the scope it is written in, the latest definition of `x` bound before p (an assignment
  binds after its statement, a `for` variable after its iterable, a parameter everywhere
  in its body); inside a `for` body with none before, the last one in the loop (what the
  next iteration reads);
- otherwise in the enclosing scopes at call time: a function body reads free names when it
  is called, so in the scope around a `def` the latest definition bound by the end of the
  `def`, else the first one after it;
- then the library and the builtins.

A symbol (what references, highlights and rename work on) is every definition of one name in
one scope, plus every use resolved to one of them; a library, loaded or builtin definition is
its own symbol. Rename refuses reserved names, library and builtin names, names defined in
another file, non-identifiers, and a new name already used where it would clash.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from rasp.graph.builder import LIBRARY_FILE, LIBRARY_NAMES, RESERVED, base_scope
from rasp.syntax import ast
from rasp.syntax.document import ParsedFile, parse_file
from rasp.syntax.parser import KEYWORDS as PARSER_KEYWORDS
from rasp.text import Span

if TYPE_CHECKING:
    from rasp.program import Session

Role = Literal[
    "variable",  # assignment target
    "function",  # def name
    "parameter",
    "loop",  # for variable
    "comprehension",  # comprehension variable
    "loaded",  # brought in by `load "x";`, defined in x.rasp
    "library",  # defined in the standard library
    "builtin",  # tokens, indices, True, ...: defined by the interpreter, no location
]
ScopeKind = Literal["top", "def", "comprehension"]
HighlightKind = Literal["read", "write"]

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")
# words the grammar reads as something else than a name (besides RESERVED and the parser's
# keywords): builtin call openers, directive words, annotations and the base-scope names
SPECIAL_WORDS = frozenset(
    {
        "select",
        "aggregate",
        "range",
        "zip",
        "len",
        "exit",
        "quit",
        "tokens",
        "numerical",
        "categorical",
        "True",
        "False",
    }
)
MAX_LOAD_DEPTH = 16


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file: `file` None for the document itself, else an absolute path."""

    file: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class RenameError:
    """Why a rename is refused (shown to the user)."""

    message: str


class Highlight(NamedTuple):
    span: Span
    kind: HighlightKind


@dataclass(eq=False)
class Scope:
    """A scope of the document: where its names are visible and what it binds."""

    kind: ScopeKind
    span: Span  # absolute; the whole text for the top level, the `def` / comprehension
    parent: Scope | None
    owner: Definition | None = None  # the `def` of a function scope
    defs: dict[str, list[Definition]] = field(default_factory=dict)
    loops: list[Span] = field(default_factory=list)  # `for` statements directly in it
    children: list[Scope] = field(default_factory=list)

    def chain(self) -> Iterator[Scope]:
        scope: Scope | None = self
        while scope is not None:
            yield scope
            scope = scope.parent

    def descendants(self) -> Iterator[Scope]:
        stack = [self]
        while stack:
            scope = stack.pop()
            yield scope
            stack.extend(scope.children)


@dataclass(eq=False)
class Definition:
    """One binding of a name. Compared by identity."""

    name: str
    role: Role
    location: Location | None  # None for builtins
    scope: Scope | None = None  # None for library and builtin names
    bound_at: int = 0  # absolute offset from which the binding holds
    statement: int = -1  # index of its top-level statement in the document (-1: none)
    value: ast.Expr | None = None  # the expression assigned, when there is one per target
    base: int = 0  # the offset the spans of `value` / `node` are relative to
    node: ast.Def | None = None  # the `def` of a function

    @property
    def span(self) -> Span | None:
        """Where the name is written in this document (None if elsewhere)."""
        if self.location is None or self.location.file is not None:
            return None
        return self.location.span

    @property
    def external(self) -> bool:
        return self.role in ("loaded", "library", "builtin")


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A name written in the document: a definition (`write`) or a use, and what it means."""

    span: Span
    name: str
    write: bool
    target: Definition | None  # for a write, the definition itself; None: undefined
    scope: Scope


def _symbol_key(d: Definition) -> tuple[object, ...]:
    if d.role in ("loaded", "library") and d.location is not None:
        return ("at", d.location.file, d.location.span.start, d.name)
    if d.role == "builtin" or d.scope is None:
        return ("builtin", d.name)
    return ("scope", id(d.scope), d.name)


# ---- definitions exported by other files (library, loaded files) -------------------------


@dataclass(frozen=True)
class _FileDefinitions:
    """The top-level bindings of a file, in order: (name, span of the name, None), or for a
    `load "x";` ("", span of the statement, "x")."""

    items: tuple[tuple[str, Span, str | None], ...]


@functools.lru_cache(maxsize=64)
def _file_definitions(path: str, mtime_ns: int, size: int) -> _FileDefinitions:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return _FileDefinitions(())
    items: list[tuple[str, Span, str | None]] = []

    def visit(stmt: ast.Stmt, base: int) -> None:
        if isinstance(stmt, ast.Assign):
            items.extend((t.id, t.span.shift(base), None) for t in stmt.targets)
        elif isinstance(stmt, ast.Def):
            items.append((stmt.name.id, stmt.name.span.shift(base), None))
        elif isinstance(stmt, ast.For):
            items.extend((n.id, n.span.shift(base), None) for n in stmt.names)
            for inner in stmt.body:
                visit(inner, base)
        elif isinstance(stmt, ast.Load):
            items.append(("", stmt.span.shift(base), stmt.path))

    for statement in parse_file(text).statements:
        if statement.tree is not None:
            visit(statement.tree, statement.offset)
    return _FileDefinitions(tuple(items))


def _definitions_of(path: Path) -> _FileDefinitions:
    try:
        stat = path.stat()
    except OSError:
        return _FileDefinitions(())
    return _file_definitions(str(path), stat.st_mtime_ns, stat.st_size)


def find_loaded(name: str, file: str | None, search_paths: Sequence[Path]) -> Path | None:
    """The file `load "name";` loads from a document at `file`, as the builder finds it."""
    filename = f"{name}.rasp"
    here = [Path(file).parent] if file else []
    for folder in [*here, *search_paths, Path.cwd()]:
        candidate = folder / filename
        try:
            if candidate.is_file():
                return candidate.resolve()
        except OSError:
            continue
    return None


def exports(
    path: Path, search_paths: Sequence[Path] = (), seen: frozenset[Path] = frozenset()
) -> dict[str, Location]:
    """The names loading `path` binds, each at its last top-level definition there (also
    through the files it loads itself; a load cycle stops)."""
    out: dict[str, Location] = {}
    if path in seen or len(seen) > MAX_LOAD_DEPTH:
        return out
    inner = seen | {path}
    for name, span, load in _definitions_of(path).items:
        if load is not None:
            found = find_loaded(load, str(path), search_paths)
            if found is not None:
                out.update(exports(found, search_paths, inner))
        elif not name.startswith("_") and name != "out":
            out[name] = Location(str(path), span)
    return out


@functools.cache
def library_locations() -> dict[str, Location]:
    """Every library name at its definition in the library file."""
    return exports(LIBRARY_FILE)


# ---- the index ----------------------------------------------------------------------------


class NameIndex:
    """Definitions and uses of names in one parsed document."""

    def __init__(
        self,
        parsed: ParsedFile,
        file: str | Path | None = None,
        search_paths: Sequence[Path] = (),
    ) -> None:
        self.parsed = parsed
        self.text = parsed.text
        self.file = str(file) if file is not None else None
        self.search_paths = tuple(search_paths)
        self.top = Scope("top", Span(0, len(parsed.text)), None)
        self.definitions: list[Definition] = []  # defined in this document, in order
        self.load_links: list[tuple[Span, str]] = []  # the path string of a load -> its file
        self._globals: dict[str, Definition | None] = {}
        self._external: dict[tuple[str, int, str], Definition] = {}
        self._uses: list[tuple[Span, str, Scope]] = []
        self._writes: list[Occurrence] = []
        for index, statement in enumerate(parsed.statements):
            if statement.tree is not None:
                self._statement(statement.tree, self.top, statement.offset, index)
        reads = [
            Occurrence(span, name, False, self.resolve_in(name, span.start, scope), scope)
            for span, name, scope in self._uses
        ]
        self.occurrences = sorted(self._writes + reads, key=lambda o: (o.span.start, o.span.end))
        self._starts = [o.span.start for o in self.occurrences]
        self._scopes = sorted(
            (s for s in self.top.descendants() if s is not self.top),
            key=lambda s: (s.span.start, -s.span.end),
        )

    # ---- collecting ------------------------------------------------------------------------

    def _define(
        self,
        name: ast.Name,
        role: Role,
        scope: Scope,
        base: int,
        bound_at: int,
        statement: int,
        value: ast.Expr | None = None,
        node: ast.Def | None = None,
    ) -> Definition:
        span = name.span.shift(base)
        d = Definition(
            name.id, role, Location(None, span), scope, bound_at, statement, value, base, node
        )
        scope.defs.setdefault(name.id, []).append(d)
        self.definitions.append(d)
        self._writes.append(Occurrence(span, name.id, True, d, scope))
        return d

    def _statement(self, stmt: ast.Stmt, scope: Scope, base: int, index: int) -> None:
        if isinstance(stmt, ast.Assign):
            for expr in stmt.values:
                self._expr(expr, scope, base, index)
            end = base + stmt.span.end
            single = len(stmt.values) == len(stmt.targets)
            for i, target in enumerate(stmt.targets):
                assigned = stmt.values[i] if single else None
                self._define(target, "variable", scope, base, end, index, assigned)
        elif isinstance(stmt, ast.ExprStatement | ast.SetExample):
            self._expr(stmt.expr, scope, base, index)
        elif isinstance(stmt, ast.Draw):
            self._expr(stmt.expr, scope, base, index)
            if stmt.input is not None:
                self._expr(stmt.input, scope, base, index)
        elif isinstance(stmt, ast.Def):
            span = stmt.span.shift(base)
            owner = self._define(stmt.name, "function", scope, base, span.end, index, node=stmt)
            inner = Scope("def", span, scope, owner)
            scope.children.append(inner)
            for param in stmt.params:
                self._define(param, "parameter", inner, base, span.start, index)
            for body in stmt.body:
                self._statement(body, inner, base, index)
            for value in stmt.returns.values:
                self._expr(value, inner, base, index)
        elif isinstance(stmt, ast.For):
            self._expr(stmt.iterable, scope, base, index)
            bound = base + stmt.iterable.span.end
            for name in stmt.names:
                self._define(name, "loop", scope, base, bound, index)
            scope.loops.append(stmt.span.shift(base))
            for body in stmt.body:
                self._statement(body, scope, base, index)
        elif isinstance(stmt, ast.Load):
            self._load(stmt, scope, base, index)

    def _load(self, stmt: ast.Load, scope: Scope, base: int, index: int) -> None:
        path = find_loaded(stmt.path, self.file, self.search_paths)
        if path is None:
            return
        self.load_links.append((stmt.path_span.shift(base), str(path)))
        end = base + stmt.span.end
        for name, location in exports(path, self.search_paths).items():
            # the binding in this scope; uses resolve to the definition in the loaded file
            scope.defs.setdefault(name, []).append(
                Definition(name, "loaded", location, scope, end, index)
            )

    def _external_definition(self, name: str, role: Role, location: Location) -> Definition:
        key = (location.file or "", location.span.start, name)
        found = self._external.get(key)
        if found is None:
            found = self._external[key] = Definition(name, role, location)
        return found

    def _expr(self, expr: ast.Expr, scope: Scope, base: int, index: int) -> None:
        stack: list[tuple[object, Scope]] = [(expr, scope)]
        while stack:
            node, where = stack.pop()
            if isinstance(node, ast.Name):
                self._uses.append((node.span.shift(base), node.id, where))
            elif isinstance(node, ast.ListComprehension | ast.DictComprehension):
                span = node.span.shift(base)
                inner = Scope("comprehension", span, where)
                where.children.append(inner)
                for name in node.names:
                    self._define(name, "comprehension", inner, base, span.start, index)
                stack.append((node.iterable, where))
                if isinstance(node, ast.ListComprehension):
                    stack.append((node.element, inner))
                else:
                    stack.append((node.value, inner))
                    stack.append((node.key, inner))
            else:
                stack.extend((child, where) for child in reversed(ast.children(node)))

    # ---- resolving -------------------------------------------------------------------------

    def resolve_in(self, name: str, offset: int, scope: Scope) -> Definition | None:
        """The definition a use of `name` at `offset`, written in `scope`, reads."""
        position, direct = offset, True
        for current in scope.chain():
            defs = current.defs.get(name)
            if defs:
                found = self._pick(defs, position, current, direct)
                if found is not None:
                    return self._meaning(found)
            if current.kind == "def":
                # the enclosing scopes are read when the function is called
                position, direct = current.span.end, False
        return self.global_definition(name)

    def _meaning(self, d: Definition) -> Definition:
        """A load's binding stands for the definition in the loaded file."""
        if d.role == "loaded" and d.location is not None:
            return self._external_definition(d.name, "loaded", d.location)
        return d

    @staticmethod
    def _pick(
        defs: list[Definition], position: int, scope: Scope, direct: bool
    ) -> Definition | None:
        before = None
        for d in defs:
            if d.bound_at <= position and (before is None or d.bound_at >= before.bound_at):
                before = d
        if before is not None:
            return before
        if not direct:
            return min(defs, key=lambda d: d.bound_at)
        loops = [loop for loop in scope.loops if loop.start <= position < loop.end]
        for loop in sorted(loops, key=lambda s: s.end - s.start):
            inside = [d for d in defs if loop.start <= d.bound_at <= loop.end]
            if inside:
                return max(inside, key=lambda d: d.bound_at)
        return None

    def global_definition(self, name: str) -> Definition | None:
        """A library or builtin name (None if `name` is neither)."""
        if name in self._globals:
            return self._globals[name]
        found: Definition | None = None
        location = library_locations().get(name)
        if location is not None:
            found = Definition(name, "library", location)
        elif name in base_scope().vars:
            found = Definition(name, "builtin", None)
        self._globals[name] = found
        return found

    def scope_at(self, offset: int) -> Scope:
        """The innermost scope whose extent holds `offset`."""
        found = self.top
        for scope in self._scopes:
            if scope.span.start > offset:
                break
            if scope.span.start < offset < scope.span.end and (
                scope.span.end - scope.span.start <= found.span.end - found.span.start
            ):
                found = scope
        return found

    def resolve(self, name: str, offset: int) -> Definition | None:
        """What a use of `name` written at `offset` would read."""
        return self.resolve_in(name, offset, self.scope_at(offset))

    def visible(self, offset: int) -> dict[str, Definition]:
        """Every name a use at `offset` can read, with the definition it would read: names of
        the document first (innermost scope first), then the library and builtins."""
        scope = self.scope_at(offset)
        out: dict[str, Definition] = {}
        for current in scope.chain():
            for name in current.defs:
                if name not in out:
                    found = self.resolve_in(name, offset, scope)
                    if found is not None:
                        out[name] = found
        for name in [*library_locations(), *base_scope().vars]:
            if name not in out:
                found = self.global_definition(name)
                if found is not None:
                    out[name] = found
        return out

    # ---- queries ---------------------------------------------------------------------------

    def occurrence_at(self, offset: int) -> Occurrence | None:
        """The name written at `offset` (its end counts: the cursor right after a name)."""
        i = bisect.bisect_right(self._starts, offset)
        for j in (i - 1, i - 2):
            if 0 <= j < len(self.occurrences):
                occ = self.occurrences[j]
                if occ.span.start <= offset <= occ.span.end:
                    return occ
        return None

    def definition_at(self, offset: int) -> Location | None:
        """Where the name at `offset` is defined (a load's path: the loaded file)."""
        for span, file in self.load_links:
            if span.start <= offset <= span.end:
                return Location(file, Span(0, 0))
        occ = self.occurrence_at(offset)
        if occ is None or occ.target is None:
            return None
        return occ.target.location

    def symbol_occurrences(self, target: Definition) -> list[Occurrence]:
        """Every occurrence in the document of the symbol `target` belongs to."""
        key = _symbol_key(target)
        return [
            o for o in self.occurrences if o.target is not None and _symbol_key(o.target) == key
        ]

    def references(self, offset: int, include_declaration: bool = True) -> list[Location]:
        """Every place the symbol at `offset` is used (and defined, if asked)."""
        occ = self.occurrence_at(offset)
        if occ is None or occ.target is None:
            return []
        found = self.symbol_occurrences(occ.target)
        out = [Location(None, o.span) for o in found if include_declaration or not o.write]
        if include_declaration and occ.target.external and occ.target.location is not None:
            out.insert(0, occ.target.location)
        return out

    def highlights(self, offset: int) -> list[Highlight]:
        """The symbol at `offset` in this document: definitions as writes, uses as reads."""
        occ = self.occurrence_at(offset)
        if occ is None:
            return []
        if occ.target is None:  # an undefined name: its undefined uses in the document
            return [
                Highlight(o.span, "read")
                for o in self.occurrences
                if o.target is None and o.name == occ.name
            ]
        return [
            Highlight(o.span, "write" if o.write else "read")
            for o in self.symbol_occurrences(occ.target)
        ]

    def prepare_rename(self, offset: int) -> Span | RenameError:
        """The name a rename at `offset` would change, or why it cannot be renamed."""
        occ = self.occurrence_at(offset)
        if occ is None:
            return RenameError("There is no name here to rename.")
        target = occ.target
        if occ.name in LIBRARY_NAMES or (target is not None and target.role == "library"):
            return RenameError(f"`{occ.name}` is a library name and cannot be renamed.")
        if occ.name in RESERVED or (target is not None and target.role == "builtin"):
            return RenameError(f"`{occ.name}` is a reserved name and cannot be renamed.")
        if target is None:
            return RenameError(f"`{occ.name}` is not defined, so it cannot be renamed.")
        if target.role == "loaded" and target.location is not None:
            where = Path(target.location.file or "").name
            return RenameError(f"`{occ.name}` is defined in {where}: rename it there.")
        return occ.span

    def rename(self, offset: int, new_name: str) -> list[Span] | RenameError:
        """Every span to replace by `new_name` to rename the symbol at `offset`."""
        prepared = self.prepare_rename(offset)
        if isinstance(prepared, RenameError):
            return prepared
        occ = self.occurrence_at(offset)
        assert occ is not None and occ.target is not None and occ.target.scope is not None
        problem = check_new_name(new_name)
        if problem is not None:
            return problem
        spans = [o.span for o in self.symbol_occurrences(occ.target)]
        if new_name == occ.name:
            return spans
        clash = self._clash(occ.target.scope, new_name)
        if clash is not None:
            return clash
        return spans

    def _clash(self, scope: Scope, new_name: str) -> RenameError | None:
        """A definition or use of `new_name` that the renamed symbol would capture or hide."""
        for outer in scope.chain():
            if outer.defs.get(new_name):
                return RenameError(f"`{new_name}` is already defined here.")
        inner = {id(s) for s in scope.descendants()}
        for o in self.occurrences:
            if o.name == new_name and id(o.scope) in inner:
                return RenameError(f"`{new_name}` is already used here.")
        return None


def check_new_name(new_name: str) -> RenameError | None:
    """Why `new_name` cannot name a user definition (None: it can)."""
    if not IDENTIFIER.fullmatch(new_name):
        return RenameError(f"`{new_name}` is not a valid name.")
    if new_name in LIBRARY_NAMES:
        return RenameError(f"`{new_name}` is a library name.")
    if new_name in RESERVED or new_name in PARSER_KEYWORDS or new_name in SPECIAL_WORDS:
        return RenameError(f"`{new_name}` is a reserved name.")
    if new_name in base_scope().vars:
        return RenameError(f"`{new_name}` is a builtin name.")
    return None


_INDEXES: OrderedDict[int, NameIndex] = OrderedDict()
_INDEX_CACHE_SIZE = 16


def index_of(session: Session) -> NameIndex:
    """The name index of a session's document (memoised per parse)."""
    parsed = session.parsed
    found = _INDEXES.get(id(parsed))
    if found is not None and found.parsed is parsed:
        _INDEXES.move_to_end(id(parsed))
        return found
    index = NameIndex(parsed, session.path, session.builder.search_paths)
    _INDEXES[id(parsed)] = index
    if len(_INDEXES) > _INDEX_CACHE_SIZE:
        _INDEXES.popitem(last=False)
    return index
