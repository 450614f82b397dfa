"""Categorical or numerical: how a transformer would carry each s-op (tracr's vocabulary).

Constraints, solved with union-find over the graph:
1. forced categorical: tokens, indices, length, select keys and queries, str or bool s-ops;
2. forced numerical: an aggregate that may average (numeric values, a selector that may
   select several positions);
3. an aggregate has the encoding of its values;
4. a linear elementwise operation of several s-ops (`a + b`, `a - b`) keeps one encoding for
   inputs and output; any other elementwise operation of several s-ops is categorical;
5. an elementwise operation of one s-op may convert (no constraint);
6. `numerical(x)` / `categorical(x)` annotations force x;
7. unconstrained: categorical.
Every forced node keeps its reason and the source of it, for hover and conflicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rasp.analysis.types import Types, may_select_several
from rasp.graph import nodes as g


@dataclass(frozen=True)
class Reason:
    encoding: str  # "categorical" | "numerical"
    text: str
    origin: g.Origin | None


@dataclass(frozen=True)
class Conflict:
    node: g.SOp  # the most telling member
    categorical: Reason
    numerical: Reason
    members: tuple[g.SOp, ...] = ()  # every node of the set, most telling first


class Encodings:
    """Encodings of every s-op reachable from some roots."""

    def __init__(
        self,
        roots: Iterable[g.Node],
        types: Types | None = None,
        length: g.Node | None = None,
        nodes: list[g.Node] | None = None,
    ) -> None:
        """`nodes`, when given, must be `ancestors_of(roots)` (saves walking it again)."""
        self.types = types or Types()
        self._parent: dict[int, int] = {}
        self._forced: dict[int, dict[str, Reason]] = {}
        self._nodes: dict[int, g.SOp] = {}
        self._own: dict[int, dict[str, Reason]] = {}  # reasons forced on the node itself
        self.length = length
        for node in nodes if nodes is not None else g.ancestors_of(roots):
            self._constrain(node)

    # union-find
    def _find(self, i: int) -> int:
        self._parent.setdefault(i, i)
        while self._parent[i] != i:
            self._parent[i] = self._parent[self._parent[i]]
            i = self._parent[i]
        return i

    def _union(self, a: g.SOp, b: g.SOp) -> None:
        ra, rb = self._find(a.id), self._find(b.id)
        if ra != rb:
            self._parent[ra] = rb
            for enc, reason in self._forced.pop(ra, {}).items():
                self._forced.setdefault(rb, {}).setdefault(enc, reason)

    def _force(self, node: g.SOp, encoding: str, text: str, origin: g.Origin | None) -> None:
        reason = Reason(encoding, text, origin)
        self._own.setdefault(node.id, {}).setdefault(encoding, reason)
        root = self._find(node.id)
        self._forced.setdefault(root, {}).setdefault(encoding, reason)

    def _constrain(self, node: g.Node) -> None:
        if isinstance(node, g.SOp):
            self._nodes[node.id] = node
            self._find(node.id)
        if isinstance(node, g.Tokens | g.Indices):
            self._force(node, "categorical", f"{node.label()} is an input", node.origin)
        elif node is self.length and isinstance(node, g.SOp):
            self._force(node, "categorical", "length is an input-like s-op", node.origin)
        elif isinstance(node, g.Select):
            for part, role in ((node.keys, "key"), (node.queries, "query")):
                if not isinstance(part, g.Constant):
                    self._force(part, "categorical", f"used as a select {role}", node.origin)
        elif isinstance(node, g.Aggregate):
            self._union(node, node.values)
            values_type = self.types.of(node.values)
            if values_type in ("int", "float") and may_select_several(node.selector):
                self._force(
                    node,
                    "numerical",
                    "mean over a selector that may select several positions",
                    node.origin,
                )
        elif isinstance(node, g.Map):
            if node.op in ("numerical", "categorical"):
                # an annotation states how its argument is carried (tracr annotates the
                # expression itself), so the two share one encoding
                self._union(node, node.args[0])
                self._force(node, node.op, f"annotated {node.op}", node.origin)
                return
            sops = [a for a in node.args if not isinstance(a, g.Constant)]
            if len(sops) >= 2:
                if node.op in ("+", "-"):
                    for part in sops:
                        self._union(node, part)
                else:
                    for part in [node, *sops]:
                        self._force(
                            part,
                            "categorical",
                            f"non-linear `{node.op}` of several s-ops",
                            node.origin,
                        )
        if isinstance(node, g.SOp) and not isinstance(node, g.Constant):
            t = self.types.of(node)
            if t in ("str", "bool"):
                self._force(node, "categorical", f"holds {t} values", node.origin)

    def of(self, node: g.SOp) -> tuple[str, Reason | None]:
        """The encoding of `node` and the reason it is forced (None: the default)."""
        forced = self._forced.get(self._find(node.id), {})
        own = self._own.get(node.id, {})
        encoding = (
            "numerical"
            if "numerical" in forced and "categorical" not in forced
            else ("categorical")
        )
        if encoding in own:
            return encoding, own[encoding]
        return encoding, forced.get(encoding)

    def forced(self, node: g.SOp) -> set[str]:
        """The encodings something forces on `node`'s set (empty: free, categorical)."""
        return set(self._forced.get(self._find(node.id), {}))

    def conflicts(self) -> list[Conflict]:
        """One conflict per set of nodes forced both ways, placed on its most telling member:
        a node forced itself, named if possible, created first."""
        members: dict[int, list[g.SOp]] = {}
        for node in self._nodes.values():
            members.setdefault(self._find(node.id), []).append(node)
        out = []
        for root, forced in self._forced.items():
            if "numerical" in forced and "categorical" in forced and root in members:
                ranked = sorted(
                    members[root],
                    key=lambda n: (
                        "numerical" not in self._own.get(n.id, {}),  # the average itself
                        n.id not in self._own,
                        n.name is None,
                        n.origin is None,  # then the first in the text (stable across edits)
                        n.origin.span.start if n.origin is not None else 0,
                        n.id,
                    ),
                )
                out.append(
                    Conflict(ranked[0], forced["categorical"], forced["numerical"], tuple(ranked))
                )
        return out
