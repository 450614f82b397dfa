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


_CHECKPOINT_EVERY = 2048  # nodes between copies of the union-find


class Encodings:
    """Encodings of every s-op reachable from some roots.

    The constraints are added node by node (`extend`), and the union-find is copied every
    2,048 nodes, so the nodes after the first `count` can be taken out again (`truncate`):
    a program edited near its end keeps the work for the unchanged nodes before the edit."""

    def __init__(
        self,
        roots: Iterable[g.Node] = (),
        types: Types | None = None,
        length: g.Node | None = None,
        nodes: list[g.Node] | None = None,
    ) -> None:
        """`nodes`, when given, must be `ancestors_of(roots)` (saves walking it again)."""
        self.types = types or Types()
        # inner dicts are never changed in place: the checkpoints share them
        self._parent: dict[int, int] = {}
        self._forced: dict[int, dict[str, Reason]] = {}
        self._own: dict[int, dict[str, Reason]] = {}  # reasons forced on the node itself
        self._list: list[g.Node] = []  # the nodes constrained, in order
        # (nodes constrained, parent, forced, own): copies taken every _CHECKPOINT_EVERY nodes
        self._checkpoints: list[
            tuple[int, dict[int, int], dict[int, dict[str, Reason]], dict[int, dict[str, Reason]]]
        ] = []
        self.length = length
        self.extend(nodes if nodes is not None else g.ancestors_of(roots))

    def extend(self, nodes: Iterable[g.Node]) -> None:
        """Add the constraints of more nodes (inputs before users)."""
        for node in nodes:
            if len(self._list) % _CHECKPOINT_EVERY == 0:
                self._checkpoints.append(
                    (
                        len(self._list),
                        dict(self._parent),
                        dict(self._forced),
                        dict(self._own),
                    )
                )
            self._list.append(node)
            self._constrain(node)

    def common_prefix(self, nodes: list[g.Node]) -> int:
        """How many first nodes of `nodes` are the first nodes constrained here."""
        count = 0
        for old, new in zip(self._list, nodes, strict=False):
            if old is not new:
                break
            count += 1
        return count

    def truncate(self, count: int) -> None:
        """Forget every node after the first `count`: back to the last copy at or before
        it, then constrain the nodes from there to `count` again."""
        if count >= len(self._list):
            return
        while self._checkpoints[-1][0] > count:
            self._checkpoints.pop()
        at, parent, forced, own = self._checkpoints.pop()
        self._parent, self._forced, self._own = dict(parent), dict(forced), dict(own)
        redo = self._list[at:count]
        del self._list[at:]
        self.extend(redo)

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
            moved = self._forced.pop(ra, None)
            if moved:  # reasons already forced on b's set win
                self._forced[rb] = {**moved, **self._forced.get(rb, {})}

    def _force(self, node: g.SOp, encoding: str, text: str, origin: g.Origin | None) -> None:
        reason = Reason(encoding, text, origin)
        own = self._own.get(node.id, {})
        if encoding not in own:
            self._own[node.id] = {**own, encoding: reason}
        root = self._find(node.id)
        forced = self._forced.get(root, {})
        if encoding not in forced:
            self._forced[root] = {**forced, encoding: reason}

    def _constrain(self, node: g.Node) -> None:
        if isinstance(node, g.SOp):
            self._find(node.id)
        if isinstance(node, g.Tokens | g.Indices):
            name = node.name or ("indices" if isinstance(node, g.Indices) else "tokens")
            self._force(node, "categorical", f"{name} is an input", node.origin)
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
        both = {
            root
            for root, forced in self._forced.items()
            if "numerical" in forced and "categorical" in forced
        }
        # in the order of the node list (the same for a fresh and an incremental analysis)
        members: dict[int, list[g.SOp]] = {}
        if both:
            for node in self._list:
                if isinstance(node, g.SOp) and (root := self._find(node.id)) in both:
                    members.setdefault(root, []).append(node)
        out = []
        for root, group in members.items():
            forced = self._forced[root]
            ranked = sorted(
                group,
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
