"""The transformer cost of an s-op, exactly as the reference interpreter's analysis counts it.

- depth of tokens, indices and constants: 0;
- an elementwise operation sits at the depth of its deepest input (feed-forward work never
  adds a layer);
- `select(k, q, op)`: one more than the deeper of its keys and queries; `and`/`or`/`not` of
  selectors: the deeper operand;
- `aggregate(s, x, d)`: the later of the selector's depth and (depth of x) + 1.

Layers of an s-op = its depth. Heads in layer l = the distinct selector NODES used by the
aggregates at depth l among the s-op and its ancestors: one selector variable used twice is
one head, the same `select(...)` built twice is two. MLP layers = the depths of the
elementwise ancestors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rasp.graph import nodes as g

ANNOTATIONS = ("numerical", "categorical")  # identity maps: no feed-forward work


@dataclass(frozen=True)
class Cost:
    layers: int
    heads: tuple[int, ...]  # heads[i] = attention heads in layer i + 1
    mlp_layers: tuple[int, ...]  # layers holding feed-forward work (0 = before attention)

    @property
    def max_heads(self) -> int:
        return max(self.heads, default=0)

    def to_json(self) -> dict[str, object]:
        return {
            "layers": self.layers,
            "heads": list(self.heads),
            "max_heads": self.max_heads,
            "mlp_layers": list(self.mlp_layers),
        }


class Depths:
    """Depth of every node, memoised across queries (nodes never change)."""

    def __init__(self) -> None:
        self._depth: dict[int, int] = {}

    def of(self, node: g.Node) -> int:
        known = self._depth.get(node.id)
        if known is not None:
            return known
        for current in g.ancestors(node, self._depth):
            self._depth[current.id] = self._compute(current)
        return self._depth[node.id]

    def _compute(self, node: g.Node) -> int:
        depth = self._depth
        if isinstance(node, g.Aggregate):
            return max(depth[node.selector.id], depth[node.values.id] + 1)
        if isinstance(node, g.Select):
            return max(depth[node.keys.id], depth[node.queries.id]) + 1
        return max((depth[p.id] for p in node.inputs()), default=0)


def cost(node: g.Node, depths: Depths | None = None) -> Cost:
    """The reference's layer/head/MLP count for `node` (an s-op; a selector counts the heads
    of nothing and has the depth of its select)."""
    return _count([node], depths or Depths())


def added_cost(outputs: Iterable[g.Node], parameters: Iterable[g.Node]) -> Cost:
    """What a function body adds on top of its arguments: the cost of its outputs with the
    parameter s-ops taken as inputs at depth 0 and their ancestors left out."""
    parameters = list(parameters)
    depths = Depths()
    for parameter in parameters:
        depths._depth[parameter.id] = 0  # noqa: SLF001 - a parameter is an input
    outside = {n.id for n in g.ancestors_of(parameters)}
    return _count([o for o in outputs if isinstance(o, g.Node)], depths, outside)


def _count(outputs: list[g.Node], depths: Depths, outside: set[int] | None = None) -> Cost:
    """Layers of the deepest output; heads per layer (distinct selector nodes of the
    aggregates at that depth) and MLP layers over the outputs' ancestors not in `outside`."""
    layers = max((depths.of(o) for o in outputs), default=0)
    heads: dict[int, set[int]] = {}
    mlps: set[int] = set()
    for current in g.ancestors_of(outputs):
        if outside is not None and current.id in outside:
            continue
        if isinstance(current, g.Aggregate):
            heads.setdefault(depths.of(current), set()).add(current.selector.id)
        elif isinstance(current, g.Map) and current.op not in ANNOTATIONS:
            mlps.add(depths.of(current))
    return Cost(
        layers,
        tuple(len(heads.get(level, ())) for level in range(1, layers + 1)),
        tuple(sorted(mlps)),
    )
