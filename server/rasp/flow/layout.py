"""Lay out an s-op as the transformer the cost model schedules: per layer, the attention heads
(a selector and the aggregates that use it) and the feed-forward block (the elementwise s-ops
computed there); the inputs (tokens, indices) at the bottom and the s-op at the top; edges
for data flow. Plain JSON-able data, shared by `rasp draw` and the language server.

Layer 0 holds only feed-forward work on the inputs (the reference folds it into the
embedding); layer l >= 1 holds the heads of the aggregates at depth l, then the
elementwise s-ops at depth l.
"""

from __future__ import annotations

from typing import Any

from rasp import format as fmt
from rasp.analysis.cost import ANNOTATIONS, Depths, cost
from rasp.graph import nodes as g
from rasp.graph.builder import LIBRARY_FILE
from rasp.runtime.errors import RaspError
from rasp.runtime.evaluate import Evaluation
from rasp.runtime.sequences import row_type

_OP_TEXT = {"neg": "-", "pos": "+", "if": "if/else", "index": "lookup", "in": "in"}


def _source_text(node: g.Node, sources: dict[str | None, str]) -> str | None:
    origin = node.origin
    if origin is None or origin.file not in sources:
        return None
    span = origin.span
    text = sources[origin.file][span.start : span.end]
    return " ".join(text.split()) or None


def label(node: g.Node, sources: dict[str | None, str]) -> str:
    """A short name for a node: its variable, else the code that built it, else its op."""
    if node.name:
        return node.name
    text = _source_text(node, sources)
    if text:
        return text if len(text) <= 40 else text[:39] + "…"
    if isinstance(node, g.Map):
        return _OP_TEXT.get(node.op, node.op)
    if isinstance(node, g.Constant):
        return repr(node.value)
    return type(node).__name__.lower()


def layout(
    node: g.SOp,
    inp: Any,
    sources: dict[str | None, str] | None = None,
    name: str | None = None,
    document: str | None = None,
) -> dict[str, Any]:
    """The flow of `node` on input `inp`. `sources` maps a file (None: the document) to its
    text, for labels. Nodes built by the code of `document` (None: the text being edited)
    get `origin.file` None and offsets into it. Values that fail to evaluate are reported per
    node."""
    sources = dict(sources or {})
    if str(LIBRARY_FILE) not in sources:
        sources[str(LIBRARY_FILE)] = LIBRARY_FILE.read_text(encoding="utf-8")
    depths = Depths()
    evaluation: Evaluation | None
    try:
        evaluation = Evaluation([inp])
    except RaspError:
        evaluation = None
    nodes = [n for n in g.ancestors(node) if not isinstance(n, g.Constant)]
    ids = {n.id for n in nodes}

    def values(n: g.Node) -> dict[str, Any]:
        if evaluation is None:
            return {"error": "the input is not a sequence"}
        try:
            if isinstance(n, g.SOp):
                row = evaluation.sop(n)[0]
                kind = row_type(row)
                return {"values": row.tolist(), "type": kind, "text": fmt.sop(row.tolist(), kind)}
            assert isinstance(n, g.Selector)
            matrix = evaluation.selector(n)[0].tolist()
            return {"matrix": matrix}
        except RaspError as err:
            return {"error": err.message}

    def entry(n: g.Node) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": n.id,
            "label": label(n, sources),
            "kind": type(n).__name__.lower(),
            "depth": depths.of(n),
            "inputs": [p.id for p in n.inputs() if p.id in ids],
        }
        if n.origin is not None:
            out["origin"] = {
                "file": None if n.origin.file == document else n.origin.file,
                "start": n.origin.span.start,
                "end": n.origin.span.end,
            }
        out.update(values(n))
        return out

    top = depths.of(node)
    layers: list[dict[str, Any]] = [
        {"layer": level, "heads": [], "mlp": []} for level in range(top + 1)
    ]
    inputs: list[dict[str, Any]] = []
    heads: dict[tuple[int, int], dict[str, Any]] = {}
    for n in nodes:
        if isinstance(n, (g.Tokens, g.Indices)):
            inputs.append(entry(n))
        elif isinstance(n, g.Aggregate):
            level = depths.of(n)
            key = (level, n.selector.id)
            head = heads.get(key)
            if head is None:
                head = heads[key] = {"selector": entry(n.selector), "aggregates": []}
                layers[level]["heads"].append(head)
            head["aggregates"].append(entry(n))
        elif isinstance(n, g.Map) and n.op not in ANNOTATIONS:
            layers[depths.of(n)]["mlp"].append(entry(n))
    selector_parts = [
        entry(n)
        for n in nodes
        if isinstance(n, g.Selector)
        and not any(h["selector"]["id"] == n.id for h in heads.values())
    ]
    edges = [[p, n.id] for n in nodes for p in (q.id for q in n.inputs()) if p in ids]
    result = cost(node, depths)
    return {
        "name": name or label(node, sources),
        "input": inp,
        "cost": result.to_json(),
        "inputs": inputs,
        "layers": layers,
        "selector_parts": selector_parts,
        "output": node.id,
        "edges": edges,
    }
