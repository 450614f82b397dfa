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
    """A short text for messages: the RASP name of a node, or the Python value."""
    if isinstance(value, (SOp, Selector)):
        kind = "s-op" if isinstance(value, SOp) else "selector"
        return value.name or f"an unnamed {kind}"
    if isinstance(value, Function):
        return f"function {value.name}"
    return repr(value)
