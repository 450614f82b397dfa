"""What the editor shows on hover, and `rasp run` can print: one function that describes a
name or value as plain data (title + lines) and as markdown.

    reverse: s-op · str · categorical
    cost: 2 layers · heads per layer [1, 1] (max 1) · MLPs in layers [0, 1]
    reverse("hello") = [o, l, l, e, h] (strings)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasp import format as fmt
from rasp.analysis.cost import Depths, added_cost, cost
from rasp.analysis.live import program_encodings, program_nodes, program_types
from rasp.analysis.tracr import estimate
from rasp.graph import nodes as g
from rasp.graph.builder import Builder, base_scope
from rasp.graph.values import Function, Unknown, kind_of
from rasp.runtime.errors import RaspError
from rasp.runtime.evaluate import Evaluation
from rasp.runtime.sequences import row_type
from rasp.text import LineIndex, comment_above

BUILTIN_DOCS: dict[str, tuple[str, str]] = {
    "select": (
        "select(keys, queries, op)",
        "A selector: query position q attends to key position k when "
        "`keys[k] op queries[q]`; op is one of == != < > <= >=.",
    ),
    "aggregate": (
        "aggregate(selector, values, default=0)",
        "Attention: each query gets the mean of the values at the keys it selects "
        "(one key: that value unchanged; none: the default).",
    ),
    "range": ("range(a[, b[, c]])", "A list of ints, as in Python."),
    "zip": ("zip(l1, l2, ...)", "A list of lists from equal-length lists."),
    "len": ("len(list)", "The length of a list."),
    "round": ("round(x)", "Rounds to the nearest int, halves to even (Python's round)."),
    "indicator": ("indicator(s)", "1 where the s-op `s` is truthy, else 0."),
    "tokens": ("tokens", "The input sequence (strings unless re-bound, e.g. to tokens_int)."),
    "tokens_str": ("tokens_str", "The input, each element converted by str."),
    "tokens_int": ("tokens_int", "The input, each element converted by int."),
    "tokens_float": ("tokens_float", "The input, each element converted by float."),
    "tokens_bool": ("tokens_bool", "The input, each element converted by bool."),
    "tokens_asis": ("tokens_asis", "The input, elements unchanged."),
    "indices": ("indices", "The positions 0, 1, ..., n-1."),
}


@dataclass
class Description:
    title: str
    lines: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)  # preformatted blocks (selector matrices)

    def markdown(self) -> str:
        parts = [f"**{self.title}**", *self.lines]
        text = "\n\n".join(parts)
        for block in self.code:
            text += f"\n\n```\n{block}\n```"
        return text

    def plain(self) -> str:
        return "\n".join([self.title, *self.lines, *self.code])


class Describer:
    """Describes values of one program run; analyses are memoised across calls."""

    def __init__(
        self,
        builder: Builder,
        inputs: list[Any] | None = None,
        *,
        tracr: bool = False,
        source: str | None = None,
    ) -> None:
        self.builder = builder
        self.inputs = inputs if inputs is not None else [builder.example]
        self.tracr = tracr
        self.source = source
        # the analysis's memos on the builder (kept across runs): a hover redoes nothing
        self.types = program_types(builder)
        self.depths = builder.memo.get("depths") or Depths()
        self.length = base_scope().vars.get("length")
        self.encodings = program_encodings(builder, program_nodes(builder, builder.results))

    def describe(self, name: str, value: Any) -> Description:
        if isinstance(value, g.SOp):
            return self.sop(name, value)
        if isinstance(value, g.Selector):
            return self.selector(name, value)
        if isinstance(value, Function):
            return self.function(name, value)
        if name in BUILTIN_DOCS and value is None:
            signature, doc = BUILTIN_DOCS[name]
            return Description(f"{signature}: builtin", [doc])
        if isinstance(value, Unknown):
            return Description(f"{name}: unknown")
        return Description(f"{name}: {kind_of(value)}", [f"{name} = {fmt.value(value)}"])

    def sop(self, name: str, node: g.SOp) -> Description:
        encoding, reason = self.encodings.of(node) if self._encoded(node) else ("categorical", None)
        value_type = self.types.of(node)
        encoding_text = encoding
        if reason is not None and encoding == "numerical":
            encoding_text += f" ({reason.text}{self._where(reason.origin)})"
        lines = [f"cost: {fmt.cost_line(cost(node, self.depths).to_json())}"]
        if self.tracr:
            lines.append("tracr estimate: " + fmt.cost_line(estimate(node, self.length).to_json()))
        doc = BUILTIN_DOCS.get(name)
        if doc is not None and name.startswith(("tokens", "indices")):
            lines.append(doc[1])
        comment = self._node_doc(node)
        if comment:
            lines.insert(0, comment)
        for inp in self.inputs:
            try:
                row = Evaluation([inp]).sop(node)[0]
                lines.append(f"{name}({fmt.literal(inp)}) = {fmt.sop(row.tolist(), row_type(row))}")
            except RaspError as err:
                lines.append(f"{name}({fmt.literal(inp)}) fails: {err.message}")
        return Description(f"{name}: s-op · {value_type} · {encoding_text}", lines)

    def _encoded(self, node: g.SOp) -> bool:
        return True

    def _where(self, origin: g.Origin | None) -> str:
        if origin is None or self.source is None or origin.file is not None:
            return ""
        line, _ = LineIndex(self.source).position(origin.span.start)
        return f", line {line + 1}"

    def selector(self, name: str, node: g.Selector) -> Description:
        aggregates: set[int] = set()
        layers: set[int] = set()
        for root in self.builder.results:
            for current in g.ancestors(root):
                if isinstance(current, g.Aggregate) and current.selector is node:
                    aggregates.add(current.id)
                    layers.add(self.depths.of(current))
        users = len(aggregates)
        users_text = f"used by {users} aggregate{'s' if users != 1 else ''}"
        if layers:
            users_text += f" in layer{'s' if len(layers) > 1 else ''} " + ", ".join(
                map(str, sorted(layers))
            )
        lines = [f"depth {self.depths.of(node)} · {users_text}"]
        comment = self._node_doc(node)
        if comment:
            lines.insert(0, comment)
        blocks = []
        for inp in self.inputs:
            try:
                matrix = Evaluation([inp]).selector(node)[0].tolist()
                count = sum(map(sum, matrix))
                lines.append(f"{name}({fmt.literal(inp)}): {count} of {len(matrix) ** 2} selected")
                blocks.append(fmt.selector(matrix, inp))
            except RaspError as err:
                lines.append(f"{name}({fmt.literal(inp)}) fails: {err.message}")
        return Description(f"{name}: selector", lines, blocks)

    def function(self, name: str, fn: Function) -> Description:
        title = f"{fn.name}({', '.join(fn.params)}): function"
        lines = []
        doc = fn.doc or self._doc(fn)
        if doc:
            lines.append(doc)
        added = self.cost_added(fn)
        if added is not None:
            lines.append(f"adds {fmt.cost_line(added)}")
        return Description(title, lines)

    def _text(self, file: str | None) -> str | None:
        if file is None:
            return self.source
        try:
            return Path(file).read_text(encoding="utf-8")
        except OSError:
            return None

    def _doc(self, fn: Function) -> str | None:
        text = self._text(fn.file)
        return None if text is None else comment_above(text, fn.base + fn.definition.span.start)

    def _node_doc(self, node: g.Node) -> str | None:
        """The comment above the statement that created a node (top-level statements)."""
        if node.origin is None:
            return None
        text = self._text(node.origin.file)
        if text is None:
            return None
        start = node.origin.span.start
        line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
        if text[line_start:start].strip() and not _assignment_prefix(text[line_start:start]):
            return None
        return comment_above(text, start)

    def cost_added(self, fn: Function) -> dict[str, object] | None:
        """The cost a function body adds on top of s-op arguments at depth 0."""
        scratch = Builder(check_on_example=False)
        result: Any = None
        params: list[g.Node] = []
        # try s-op arguments, then a selector for each parameter in turn
        for selector_at in [None, *range(len(fn.params))]:
            params = []
            for i, param in enumerate(fn.params):
                node: g.Node = (
                    g.Select(g.Indices(), g.Indices(), "==")
                    if i == selector_at
                    else g.Tokens("str")
                )
                node.name = param
                params.append(node)
            try:
                result = scratch._call_function(fn, list(params), None)  # noqa: SLF001
                break
            except (RaspError, RecursionError):
                result = None
        if result is None:
            return None
        outputs = result if isinstance(result, list) else [result]
        nodes = [o for o in outputs if isinstance(o, g.Node)]
        if not nodes:
            return None
        return added_cost(nodes, params).to_json()


def _assignment_prefix(prefix: str) -> bool:
    """`name = ` or `a, b = ` before an expression at the start of its line."""
    import re

    return re.fullmatch(r"\s*[A-Za-z_]\w*(\s*,\s*[A-Za-z_]\w*)*\s*=\s*", prefix) is not None
