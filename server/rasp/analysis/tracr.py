"""An estimate of what tracr (google-deepmind/tracr) would compile an s-op to. Labelled an
estimate everywhere it is shown: tracr itself is not run.

tracr gives every elementwise operation its own MLP (a map of a single map is merged), every
aggregate its own attention head (no sharing), and places blocks by the longest path counted
in s-ops: an MLP after its inputs, an attention head one step after its inputs. Model layers
pair one attention sub-layer with one MLP sub-layer.
"""

from __future__ import annotations

from rasp.analysis.cost import Cost
from rasp.graph import nodes as g


def estimate(node: g.SOp, length: g.Node | None = None) -> Cost:
    """The estimate for `node`; `length` is the library's length s-op, which tracr compiles
    as a selector width (one head and one MLP in layer 1)."""
    inside_length = {
        n.id
        for n in (g.ancestors(length) if length else [])
        if n is not length and not isinstance(n, (g.Tokens, g.Indices, g.Constant))
    }
    level: dict[int, int] = {}  # sub-layer: 2k - 1 = attention of layer k, 2k = its MLP
    heads: dict[int, int] = {}
    mlps: set[int] = set()
    for current in g.ancestors(node):
        if current.id in inside_length:
            continue
        if current is length:
            level[current.id] = 2
            heads[1] = heads.get(1, 0) + 1
            mlps.add(2)
        elif isinstance(current, (g.Tokens, g.Indices, g.Constant)):
            level[current.id] = 0
        elif isinstance(current, g.Select | g.Combine):
            level[current.id] = max((level[p.id] for p in current.inputs()), default=0)
        elif isinstance(current, g.Aggregate):
            before = max(level[current.selector.id], level[current.values.id])
            at = before + 1 if before % 2 == 0 else before + 2  # next attention sub-layer
            level[current.id] = at
            heads[at] = heads.get(at, 0) + 1
        elif isinstance(current, g.Map) and current.op in ("numerical", "categorical"):
            level[current.id] = level[current.args[0].id]
        elif isinstance(current, g.Map):
            sops = [a for a in current.args if not isinstance(a, g.Constant)]
            inner = sops[0] if len(sops) == 1 else None
            if (
                isinstance(inner, g.Map)
                and len([a for a in inner.args if not isinstance(a, g.Constant)]) == 1
            ):
                level[current.id] = level[inner.id]  # tracr merges a map of a map
                continue
            before = max((level[a.id] for a in current.args), default=0)
            at = before + 1 if before % 2 == 1 else before + 2  # next MLP sub-layer
            level[current.id] = at
            mlps.add(at)
    top = level.get(node.id, 0)
    layers = (top + 1) // 2
    return Cost(
        layers,
        tuple(heads.get(2 * k - 1, 0) for k in range(1, layers + 1)),
        tuple(sorted(m // 2 for m in mlps)),
    )
