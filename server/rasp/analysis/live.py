"""The live part of a program's graph, kept across runs: the nodes its statements' results
reach (inputs before users) and the encodings of those nodes.

Both are memoised on the builder (`builder.memo`), whose nodes never change. The node list
is the one `ancestors_of(roots)` gives, assembled root by root: a root seen in the last run
reuses its part of the list when the nodes listed before it still include every node its
part stopped at, and none of its part. The encodings keep their union-find for the longest
prefix of the node list that did not change, so an edit near the end of a file redoes only
the nodes after it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rasp.analysis.encodings import Encodings
from rasp.analysis.types import Types
from rasp.graph import nodes as g
from rasp.graph.builder import Builder, base_scope

_Walk = tuple[list[g.Node], frozenset[int]]  # a root's new nodes, and the known ones it met


def program_nodes(builder: Builder, roots: Sequence[g.Node]) -> list[g.Node]:
    """`ancestors_of(roots)`, reusing each root's part from the last call when it holds."""
    memo: dict[int, _Walk] = builder.memo.get("walks", {})
    kept: dict[int, _Walk] = {}
    order: list[g.Node] = []
    seen: set[int] = set()
    for root in roots:
        found = memo.get(root.id) or kept.get(root.id)
        if (
            found is not None
            and found[1] <= seen
            and not any(node.id in seen for node in found[0])
        ):
            part = found[0]
            seen.update(node.id for node in part)
        else:
            part, met = _walk(root, seen)
            found = (part, met)
        kept.setdefault(root.id, found)
        order.extend(part)
    builder.memo["walks"] = kept  # only the roots of this run: the memo stays bounded
    return order


def _walk(root: g.Node, seen: set[int]) -> _Walk:
    """The ancestors of `root` not in `seen` (added to it), and the nodes of `seen` met."""
    part: list[g.Node] = []
    met: set[int] = set()
    local: set[int] = set()
    stack: list[tuple[g.Node, bool]] = [(root, False)]
    while stack:
        current, expanded = stack.pop()
        if expanded:
            part.append(current)
            continue
        if current.id in seen:
            met.add(current.id)
            continue
        if current.id in local:
            continue
        local.add(current.id)
        stack.append((current, True))
        for parent in reversed(current.inputs()):
            if parent.id in seen:
                met.add(parent.id)
            elif parent.id not in local:
                stack.append((parent, False))
    seen.update(local)
    return part, frozenset(met)


def program_types(builder: Builder) -> Types:
    types: Types = builder.memo.setdefault("types", Types())
    return types


def program_encodings(builder: Builder, nodes: list[g.Node]) -> Encodings:
    """The encodings of `nodes` (a `program_nodes` list), redoing only what changed."""
    encodings: Encodings | None = builder.memo.get("encodings")
    if encodings is None:
        encodings = Encodings(
            types=program_types(builder), length=base_scope().vars.get("length"), nodes=nodes
        )
        builder.memo["encodings"] = encodings
        return encodings
    common = encodings.common_prefix(nodes)
    encodings.truncate(common)
    encodings.extend(nodes[common:])
    return encodings
