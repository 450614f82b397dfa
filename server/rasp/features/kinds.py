"""What kind of value a definition binds, and a one-line detail for it.

Owns the link between the name index (`features.names`) and the values a session computed:
- a top-level definition reads the value its own statement bound (`Session.runs[i].writes`;
  a statement that failed bound nothing);
- library and builtin names read the base scope;
- a call of a known function: what the function returns when called on s-ops (the graph
  is built, nothing is evaluated);
- names in function bodies, and top-level names whose statement failed, get a kind read off
  the code: `select(...)` is a selector, `aggregate(...)` an s-op, `a and b` of selectors a
  selector, an operation on an s-op an s-op, a call the kind its function returns, ...

Kinds: "s-op", "selector", "function", "list", "dict", "atom", "annotation" (`numerical`,
`categorical`), "parameter" (a parameter: unknown until called) and "unknown".
Details: `s-op · int`, `selector`, `shift(seq, n, filler)` (a function's signature),
`int = 3`, `list = [1, 2]`.
"""

from __future__ import annotations

from typing import Any

from rasp import format as fmt
from rasp.analysis.types import Types, atom_type
from rasp.features.names import Definition, NameIndex, index_of
from rasp.graph import nodes as g
from rasp.graph.builder import Builder, base_scope
from rasp.graph.values import Annotation, Function, Unknown, kind_of
from rasp.program import Session
from rasp.runtime.errors import RaspError
from rasp.syntax import ast

MISSING: Any = object()
MAX_DETAIL = 60

_LIST_BUILTINS = ("range", "zip")


def shorten(text: str, limit: int = MAX_DETAIL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Kinds:
    """Values, kinds and details of the definitions of one session's document."""

    def __init__(self, session: Session, index: NameIndex | None = None) -> None:
        self.session = session
        self.index = index if index is not None else index_of(session)
        self.types = Types()
        # what each top-level statement bound, by statement offset
        self._writes: dict[int, dict[str, Any]] = {
            run.statement.offset: run.writes for run in session.runs
        }
        self._kinds: dict[int, str] = {}
        self._calling: set[int] = set()  # functions whose return kind is being read

    # ---- values ---------------------------------------------------------------------------

    def value(self, d: Definition) -> Any:
        """The value `d` binds, MISSING when not known (function bodies, failed statements)."""
        if d.role in ("library", "builtin"):
            return base_scope().vars.get(d.name, MISSING)
        if d.role == "loaded" and d.scope is None:  # a loaded file's definition: its binding
            bindings = [
                b
                for b in self.index.top.defs.get(d.name, [])
                if b.role == "loaded" and b.location == d.location
            ]
            return self._top_value(bindings[-1]) if bindings else MISSING
        if d.scope is None or d.scope.kind != "top" or d.statement < 0:
            return MISSING
        return self._top_value(d)

    def _top_value(self, d: Definition) -> Any:
        statements = self.index.parsed.statements
        if d.statement >= len(statements):
            return MISSING
        writes = self._writes.get(statements[d.statement].offset)
        if writes is None:
            return MISSING
        return writes.get(d.name, MISSING)

    # ---- kinds ----------------------------------------------------------------------------

    def kind(self, d: Definition | None) -> str:
        if d is None:
            return "unknown"
        known = self._kinds.get(id(d))
        if known is not None:
            return known
        self._kinds[id(d)] = "unknown"  # a cycle reads as unknown
        result = self._kind(d)
        self._kinds[id(d)] = result
        return result

    def _kind(self, d: Definition) -> str:
        value = self.value(d)
        if value is not MISSING:
            return kind_of(value)
        if d.role == "function":
            return "function"
        if d.role == "parameter":
            return "parameter"
        if d.value is not None:
            return self.expr_kind(d.value, d.base)
        return "unknown"

    def expr_kind(self, expr: ast.Expr, base: int) -> str:  # noqa: C901 - one dispatch
        """The kind of value an expression of this document makes, read off the code."""
        if isinstance(expr, ast.Name):
            occ = self.index.occurrence_at(expr.span.start + base)
            target = occ.target if occ is not None else None
            kind = self.kind(target)
            return "unknown" if kind == "parameter" else kind
        if isinstance(expr, ast.Number | ast.String):
            return "atom"
        if isinstance(expr, ast.Paren):
            return self.expr_kind(expr.expr, base)
        if isinstance(expr, ast.ListLiteral | ast.ListComprehension):
            return "list"
        if isinstance(expr, ast.DictLiteral | ast.DictComprehension):
            return "dict"
        if isinstance(expr, ast.Select):
            return "selector"
        if isinstance(expr, ast.Aggregate):
            return "s-op"
        if isinstance(expr, ast.Builtin):
            if expr.function in _LIST_BUILTINS:
                return "list"
            if expr.function == "indicator":
                return "s-op"
            if expr.function == "round":
                return "s-op" if self.expr_kind(expr.args[0], base) == "s-op" else "atom"
            return "atom"
        if isinstance(expr, ast.Unary):
            return _combine([self.expr_kind(expr.operand, base)], expr.op == "not")
        if isinstance(expr, ast.Binary):
            kinds = [self.expr_kind(expr.left, base), self.expr_kind(expr.right, base)]
            return _combine(kinds, expr.op in ("and", "or"))
        if isinstance(expr, ast.Conditional):
            if self.expr_kind(expr.condition, base) == "s-op":
                return "s-op"
            then, otherwise = self.expr_kind(expr.then, base), self.expr_kind(expr.otherwise, base)
            return then if then == otherwise else "unknown"
        if isinstance(expr, ast.Contains):
            kinds = [self.expr_kind(expr.item, base), self.expr_kind(expr.container, base)]
            return "s-op" if "s-op" in kinds else "unknown" if "unknown" in kinds else "atom"
        if isinstance(expr, ast.Index):
            kinds = [self.expr_kind(expr.target, base), self.expr_kind(expr.index, base)]
            return "s-op" if "s-op" in kinds else "unknown"
        if isinstance(expr, ast.Call):
            return self._call_kind(expr, base)
        return "unknown"

    def _call_kind(self, expr: ast.Call, base: int) -> str:
        if not isinstance(expr.function, ast.Name):
            return "unknown"
        occ = self.index.occurrence_at(expr.function.span.start + base)
        target = occ.target if occ is not None else None
        if target is None:
            return "unknown"
        value = self.value(target)
        if isinstance(value, Annotation):
            return "s-op"
        if isinstance(value, g.SOp | g.Selector):
            return "list"
        here = isinstance(value, Function) and value.file == self.session.file
        if isinstance(value, Function):
            kind = returns_kind(value)
            if kind != "unknown" or not here:
                return kind
        node = target.node if target.role == "function" else None
        base_of_node = target.base
        if node is None and isinstance(value, Function) and here:
            node, base_of_node = value.definition, value.base
        if node is None or len(node.returns.values) != 1:
            return "unknown"
        if id(node) in self._calling:
            return "unknown"  # recursion
        self._calling.add(id(node))
        try:
            return self.expr_kind(node.returns.values[0], base_of_node)
        finally:
            self._calling.discard(id(node))

    # ---- details --------------------------------------------------------------------------

    def detail(self, d: Definition) -> str:
        """One line about what `d` binds: `s-op · int`, `selector`, `f(a, b)`, `int = 3`."""
        value = self.value(d)
        if value is not MISSING:
            return self.value_detail(value)
        kind = self.kind(d)
        if kind == "function" and d.node is not None:
            return f"{d.name}({', '.join(p.id for p in d.node.params)})"
        return kind

    def value_detail(self, value: Any) -> str:
        if isinstance(value, g.SOp):
            return f"s-op · {self.types.of(value)}"
        if isinstance(value, g.Selector):
            return "selector"
        if isinstance(value, Function):
            return f"{value.name}({', '.join(value.params)})"
        if isinstance(value, Annotation):
            return f"annotation: {value.encoding}(s)"
        if isinstance(value, Unknown):
            return "unknown"
        if isinstance(value, list):
            return shorten(f"list = {fmt.value(value)}")
        if isinstance(value, dict):
            return shorten(f"dict = {fmt.value(value)}")
        return shorten(f"{atom_type(value)} = {fmt.value(value)}")


_RETURNS: dict[int, tuple[Function, str]] = {}


def returns_kind(fn: Function) -> str:
    """The kind a function returns, found by calling it (without evaluating anything) on
    s-op arguments, or a selector for one parameter, or atoms after the first."""
    known = _RETURNS.get(id(fn))
    if known is not None and known[0] is fn:
        return known[1]
    result = "unknown"
    count = len(fn.params)
    attempts: list[list[Any]] = [[g.Tokens("str") for _ in range(count)]]
    for at in range(count):
        attempts.append(
            [
                g.Select(g.Indices(), g.Indices(), "==") if i == at else g.Tokens("str")
                for i in range(count)
            ]
        )
    attempts.append([g.Tokens("str") if i == 0 else 0 for i in range(count)])
    for args in attempts:
        try:
            value = Builder(check_on_example=False)._call_function(fn, args, None)  # noqa: SLF001
        except (RaspError, RecursionError):
            continue
        result = kind_of(value)
        break
    if len(_RETURNS) > 256:
        _RETURNS.clear()
    _RETURNS[id(fn)] = (fn, result)
    return result


def _combine(kinds: list[str], logical: bool) -> str:
    if logical and "selector" in kinds:
        return "selector"
    if "s-op" in kinds:
        return "s-op"
    if "unknown" in kinds or "parameter" in kinds:
        return "unknown"
    if "list" in kinds:
        return "list"
    return "atom"
