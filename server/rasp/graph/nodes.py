"""Graph nodes: s-ops (sequence operators) and selectors, as the paper defines them.

A node is built once, when the statement that creates it runs, and never changes. Identity
matters: two aggregates share an attention head only if they use the very same selector
node. Each node records where in the source it was created (`origin`).
"""

from __future__ import annotations

import itertools
from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Any

from rasp.text import Span

_ids = itertools.count()


class Anchor:
    """Where a top-level statement starts. Spans inside the statement are kept relative to
    it, so that moving the statement (an edit above it) moves everything it created."""

    __slots__ = ("offset",)

    def __init__(self, offset: int = 0) -> None:
        self.offset = offset

    def __repr__(self) -> str:
        return f"Anchor({self.offset})"


_FIXED = Anchor(0)


@dataclass(frozen=True, slots=True)
class Origin:
    """The source range that created a node: a file (None for the text being edited) and a
    span relative to the anchor of its statement."""

    file: str | None
    relative: Span
    anchor: Anchor = _FIXED

    @property
    def span(self) -> Span:
        """The absolute span, as the statement stands now."""
        return self.relative.shift(self.anchor.offset)


class Node:
    """Base of s-ops and selectors. Compared by identity."""

    __slots__ = ("id", "origin", "name")

    def __init__(self, origin: Origin | None = None) -> None:
        self.id = next(_ids)
        self.origin = origin
        self.name: str | None = None

    def inputs(self) -> tuple[Node, ...]:
        return ()

    def label(self) -> str:
        return self.name or f"{type(self).__name__.lower()}#{self.id}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label()}>"


class SOp(Node):
    """A sequence operator: from an input sequence to a sequence of the same length."""

    __slots__ = ()


class Selector(Node):
    """From an input sequence to an n x n boolean matrix (rows: queries, columns: keys)."""

    __slots__ = ()


class Tokens(SOp):
    """The input, converted elementwise by `conversion` (str, int, float, bool or as is)."""

    __slots__ = ("conversion",)

    def __init__(self, conversion: str, origin: Origin | None = None) -> None:
        super().__init__(origin)
        self.conversion = conversion


class Indices(SOp):
    __slots__ = ()


class Constant(SOp):
    """An atom used where an s-op is needed: the same value at every position."""

    __slots__ = ("value",)

    def __init__(self, value: Any, origin: Origin | None = None) -> None:
        super().__init__(origin)
        self.value = value


class Map(SOp):
    """An elementwise operation (a feed-forward computation) over one or more s-ops.

    `op` is an operator (`+`, `==`, `and`, `not`, `neg`, `round`, `indicator`, `if`) or a
    lookup with a plain value `param`: `in` (s-op in list), `index` (list/str/dict[s-op]).
    """

    __slots__ = ("op", "args", "param")

    def __init__(
        self, op: str, args: tuple[SOp, ...], param: Any = None, origin: Origin | None = None
    ) -> None:
        super().__init__(origin)
        self.op = op
        self.args = args
        self.param = param

    def inputs(self) -> tuple[Node, ...]:
        return self.args


class Aggregate(SOp):
    """Attention: for each query, the mean of the values at the selected keys (one selected:
    that value; none: `default`)."""

    __slots__ = ("selector", "values", "default")

    def __init__(
        self, selector: Selector, values: SOp, default: Any, origin: Origin | None = None
    ) -> None:
        super().__init__(origin)
        self.selector = selector
        self.values = values
        self.default = default

    def inputs(self) -> tuple[Node, ...]:
        return (self.selector, self.values)


class Select(Selector):
    """Entry (q, k) is `keys[k] op queries[q]`."""

    __slots__ = ("keys", "queries", "op")

    def __init__(self, keys: SOp, queries: SOp, op: str, origin: Origin | None = None) -> None:
        super().__init__(origin)
        self.keys = keys
        self.queries = queries
        self.op = op

    def inputs(self) -> tuple[Node, ...]:
        return (self.keys, self.queries)


class Combine(Selector):
    """`and`, `or` of two selectors, or `not` of one: a new selector."""

    __slots__ = ("op", "parts")

    def __init__(self, op: str, parts: tuple[Selector, ...], origin: Origin | None = None) -> None:
        super().__init__(origin)
        self.op = op
        self.parts = parts

    def inputs(self) -> tuple[Node, ...]:
        return self.parts


def ancestors(node: Node, known: Container[int] = ()) -> list[Node]:
    """`node` and every node it depends on, each once, inputs before users. Nodes whose id is
    in `known` are neither listed nor looked through (their ancestors are known too)."""
    return ancestors_of([node], known)


def ancestors_of(roots: Iterable[Node], known: Container[int] = ()) -> list[Node]:
    """The union of the ancestors of several nodes, each once, inputs before users."""
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False) for root in reversed(list(roots))]
    while stack:
        current, expanded = stack.pop()
        if expanded:
            order.append(current)
            continue
        if current.id in seen or current.id in known:
            continue
        seen.add(current.id)
        stack.append((current, True))
        for parent in reversed(current.inputs()):
            if parent.id not in seen and parent.id not in known:
                stack.append((parent, False))
    return order
