"""The values a RASP program computes at build time, besides s-ops and selectors: atoms
(int, float, str, bool), lists, dicts and user functions; and the scopes that bind names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasp.graph.nodes import Anchor, Selector, SOp
from rasp.syntax import ast


@dataclass(eq=False)
class Function:
    """A user `def`: its code, the scope it was defined in (live, for late binding), and
    where its code is (file and the offset its statement spans are relative to)."""

    name: str
    params: tuple[str, ...]
    body: tuple[ast.Stmt, ...]
    returns: ast.Return
    scope: Scope
    file: str | None
    anchor: Anchor
    definition: ast.Def = field(repr=False)
    doc: str | None = None

    @property
    def base(self) -> int:
        """The offset the spans of `definition` are relative to."""
        return self.anchor.offset


class Unknown:
    """A value the analysis cannot know: a parameter of a function body analysed without a
    call. Every operation on it gives UNKNOWN, so names and arities are still checked."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "unknown"


UNKNOWN = Unknown()


class UnknownSelector(Unknown):
    """A selector built from unknown values: `select(x, x, ==)` is a selector whatever x is."""

    __slots__ = ()


UNKNOWN_SELECTOR = UnknownSelector()


@dataclass(frozen=True)
class Annotation:
    """`numerical(x)` / `categorical(x)`: state how a transformer carries x (tracr's
    vocabulary). Identity at run time; an addition to the reference language."""

    encoding: str


MISSING = object()  # a name looked up and not found


class Scope:
    """Names bound to values, with a parent scope for lookups that miss.

    A scope can record what it is asked (`reads`: the first value seen for each name, or
    MISSING) and what is bound in it (`writes`); the incremental runner uses this to replay
    a statement whose inputs did not change.
    """

    __slots__ = ("vars", "parent", "reads", "writes")

    def __init__(self, parent: Scope | None = None) -> None:
        self.vars: dict[str, Any] = {}
        self.parent = parent
        self.reads: dict[str, Any] | None = None
        self.writes: set[str] | None = None

    def find(self, name: str) -> tuple[bool, Any]:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                value = scope.vars[name]
                if (
                    scope.reads is not None
                    and name not in scope.reads
                    and (scope.writes is None or name not in scope.writes)
                ):
                    scope.reads[name] = value
                return True, value
            if scope.reads is not None and name not in scope.reads:
                scope.reads[name] = MISSING
            scope = scope.parent
        return False, None

    def set(self, name: str, value: Any) -> None:
        self.vars[name] = value
        if self.writes is not None:
            self.writes.add(name)


def is_atom(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool))


def kind_of(value: Any) -> str:
    """The kind of a value: s-op, selector, function, annotation, list, dict, unknown or
    atom."""
    if isinstance(value, SOp):
        return "s-op"
    if isinstance(value, Selector):
        return "selector"
    if isinstance(value, Function):
        return "function"
    if isinstance(value, Annotation):
        return "annotation"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, Unknown):
        return "unknown"
    return "atom"


def describe(value: Any) -> str:
    """A short text for messages: the RASP name of a node, or the Python value. Nodes and
    functions are shown by name, inside lists and dicts too (never by an internal id or a
    Python object dump)."""
    return _shown(value, [_SHOWN_ITEMS], 0)


def short_name(node: SOp | Selector) -> str:
    """A node's name, or what built it (`select(...)`) when it has none."""
    if node.name:
        return node.name
    built = {"Select": "select(...)", "Aggregate": "aggregate(...)"}.get(type(node).__name__)
    kind = "s-op" if isinstance(node, SOp) else "selector"
    return built or f"an unnamed {kind}"


_SHOWN_ITEMS = 1000  # values shown in one message before `...`
_SHOWN_DEPTH = 20


def _shown(value: Any, budget: list[int], depth: int) -> str:
    """`repr(value)`, except for nodes, functions and annotations; long or deep containers
    end in `...`."""
    budget[0] -= 1
    if isinstance(value, (SOp, Selector)):
        return short_name(value)
    if isinstance(value, Function):
        return f"function {value.name}"
    if isinstance(value, Annotation):
        return value.encoding
    if not isinstance(value, (list, tuple, dict)):
        return repr(value)
    if depth >= _SHOWN_DEPTH:
        return "..."
    parts: list[str] = []
    items = value.items() if isinstance(value, dict) else value
    for item in items:
        if budget[0] <= 0:
            parts.append("...")
            break
        if isinstance(value, dict):
            key, inner = item
            parts.append(f"{_shown(key, budget, depth + 1)}: {_shown(inner, budget, depth + 1)}")
        else:
            parts.append(_shown(item, budget, depth + 1))
    text = ", ".join(parts)
    if isinstance(value, dict):
        return "{" + text + "}"
    if isinstance(value, tuple):
        return "(" + text + ("," if len(value) == 1 else "") + ")"
    return "[" + text + "]"
