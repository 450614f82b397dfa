"""Draw a computation-flow layout (`rasp.flow.layout`) as SVG, by hand: no graphviz.

Inputs at the bottom, the s-op at the top. Each layer is a band: its attention heads side by
side (each with its selector's matrix on the input as a small heatmap, and the values of the
aggregates that use it), then its feed-forward block (the elementwise s-ops computed there,
with their values). Lines show data flow. Every node carries a tooltip (`<title>`) and its
source range (`data-start`, `data-end`) for editors.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

BOX_W, BOX_H, GAP, PAD, BAND_TITLE = 230, 44, 16, 14, 20
MAX_LINE_WIDTH = 1250  # wider bands wrap onto another line
COLORS = {"input": "#e8f0fe", "mlp": "#e6f4ea", "head": "#fef7e0", "output": "#fce8e6"}


def _literal(value: Any) -> str:
    from rasp import format as fmt

    return fmt.literal(value)


def _short(text: str, width: int = 34) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _values_text(node: dict[str, Any]) -> str:
    if "error" in node:
        return "fails: " + str(node["error"])
    text: str = str(node.get("text", ""))
    return text


class _Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.centers: dict[int, tuple[float, float, float, float]] = {}  # id -> x, top, bottom

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        fill: str,
        stroke: str = "#5f6368",
        extra: str = "",
    ) -> None:
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'rx="4" fill="{fill}" stroke="{stroke}" {extra}/>'
        )

    def text(
        self,
        x: float,
        y: float,
        body: str,
        size: int = 12,
        weight: str = "normal",
        anchor: str = "start",
    ) -> None:
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" '
            f'font-weight="{weight}" text-anchor="{anchor}">{escape(body)}</text>'
        )


def _node_group(canvas: _Canvas, node: dict[str, Any], x: float, y: float, fill: str) -> None:
    origin = node.get("origin") or {}
    attrs = f'class="node" data-node-id="{node["id"]}"'
    if origin.get("file") is None and "start" in origin:
        attrs += f' data-start="{origin["start"]}" data-end="{origin["end"]}"'
    canvas.parts.append(f"<g {attrs}>")
    canvas.parts.append(f"<title>{escape(node['label'] + ': ' + _values_text(node))}</title>")
    canvas.rect(x, y, BOX_W, BOX_H, fill)
    canvas.text(x + 8, y + 17, _short(node["label"], 28), weight="bold")
    canvas.text(x + 8, y + 35, _short(_values_text(node), 33), size=11)
    canvas.parts.append("</g>")
    canvas.centers[node["id"]] = (x + BOX_W / 2, y, y + BOX_H, 0)


def _head_size(head: dict[str, Any]) -> tuple[float, float, float]:
    matrix = head["selector"].get("matrix") or []
    n = len(matrix)
    cell = max(3.0, min(12.0, 160.0 / max(n, 1)))
    width = max(BOX_W, n * cell + 2 * PAD)
    height = 26 + n * cell + 8 + len(head["aggregates"]) * (BOX_H + 6)
    return width, height, cell


def _draw_head(canvas: _Canvas, head: dict[str, Any], x: float, y: float) -> None:
    width, height, cell = _head_size(head)
    selector = head["selector"]
    origin = selector.get("origin") or {}
    attrs = f'class="head" data-node-id="{selector["id"]}"'
    if origin.get("file") is None and "start" in origin:
        attrs += f' data-start="{origin["start"]}" data-end="{origin["end"]}"'
    canvas.parts.append(f"<g {attrs}>")
    matrix = selector.get("matrix") or []
    selected = sum(map(sum, matrix))
    canvas.parts.append(
        f"<title>{escape(selector['label'])}: {selected} of {len(matrix) ** 2} selected</title>"
    )
    canvas.rect(x, y, width, height, COLORS["head"])
    canvas.text(x + 8, y + 17, "head: " + _short(selector["label"], 22), weight="bold")
    top = y + 26
    for q, row in enumerate(matrix):
        for k, on in enumerate(row):
            colour = "#1a73e8" if on else "#ffffff"
            canvas.parts.append(
                f'<rect class="cell" x="{x + PAD + k * cell:.1f}" y="{top + q * cell:.1f}" '
                f'width="{cell:.1f}" height="{cell:.1f}" fill="{colour}" stroke="#dadce0" '
                f'stroke-width="0.5"/>'
            )
    canvas.parts.append("</g>")
    canvas.centers[selector["id"]] = (x + width / 2, y, y + height, 0)
    ay = top + len(matrix) * cell + 8
    for aggregate in head["aggregates"]:
        _node_group(canvas, aggregate, x + (width - BOX_W) / 2, ay, "#fffbeb")
        ay += BOX_H + 6


def render(flow: dict[str, Any]) -> str:
    """The SVG document of a flow."""
    rows: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
        ("inputs", [("node", n) for n in flow["inputs"]])
    ]
    for layer in flow["layers"]:
        level = layer["layer"]
        if layer["heads"]:
            rows.append(
                (
                    f"layer {level}: attention ({len(layer['heads'])} "
                    f"head{'s' if len(layer['heads']) != 1 else ''})",
                    [("head", h) for h in layer["heads"]],
                )
            )
        if layer["mlp"]:
            title = "embedding: feed-forward" if level == 0 else f"layer {level}: feed-forward"
            rows.append((title, [("node", n) for n in layer["mlp"]]))

    def size(item: tuple[str, dict[str, Any]]) -> tuple[float, float]:
        if item[0] == "head":
            w, h, _ = _head_size(item[1])
            return w, h
        return BOX_W, BOX_H

    # a band holds one or more lines of boxes, wrapped at MAX_LINE_WIDTH
    bands_lines: list[tuple[str, list[list[tuple[str, dict[str, Any]]]]]] = []
    for title, items in rows:
        lines_of: list[list[tuple[str, dict[str, Any]]]] = [[]]
        used: float = GAP
        for item in items:
            w = size(item)[0] + GAP
            if lines_of[-1] and used + w > MAX_LINE_WIDTH:
                lines_of.append([])
                used = float(GAP)
            lines_of[-1].append(item)
            used += w
        bands_lines.append((title, lines_of))
    widths = [
        sum(size(i)[0] for i in line) + GAP * (len(line) + 1)
        for _, lines_of in bands_lines
        for line in lines_of
    ]
    width = max([*widths, 480.0]) + 2 * PAD

    def line_height(line: list[tuple[str, dict[str, Any]]]) -> float:
        return max((size(i)[1] for i in line), default=BOX_H) + GAP

    heights = [
        sum(line_height(line) for line in lines_of) + BAND_TITLE + GAP
        for _, lines_of in bands_lines
    ]
    header = 40
    height = header + sum(heights) + PAD
    canvas = _Canvas()
    cost = flow["cost"]
    canvas.text(
        PAD,
        24,
        f"{flow['name']}({_short(_literal(flow['input']), 40)}): "
        f"{cost['layers']} layers · heads per layer {cost['heads']}",
        14,
        "bold",
    )
    y: float = height - PAD
    positions: list[tuple[float, list[tuple[float, float, tuple[str, dict[str, Any]]]]]] = []
    for (title, lines_of), band_height in zip(bands_lines, heights, strict=True):
        y -= band_height
        placed: list[tuple[float, float, tuple[str, dict[str, Any]]]] = []
        top = y + BAND_TITLE + GAP
        for line in lines_of:
            cursor = float(PAD + GAP)
            for item in line:
                placed.append((cursor, top, item))
                cursor += size(item)[0] + GAP
            top += line_height(line)
        positions.append((y, placed))
        canvas.parts.append(
            f'<rect class="band" x="{PAD / 2:.1f}" y="{y:.1f}" width="{width - PAD:.1f}" '
            f'height="{band_height - 4:.1f}" fill="#f8f9fa" stroke="#e8eaed"/>'
        )
        canvas.text(PAD, y + 15, title, 11, "bold")
    bands = len(canvas.parts)  # bands first, then the edges, then the nodes on top
    for _, placed in positions:
        for left, top, (kind, data) in placed:
            if kind == "head":
                _draw_head(canvas, data, left, top)
                continue
            is_output = data["id"] == flow["output"]
            fill = (
                COLORS["output"]
                if is_output
                else (COLORS["input"] if data["kind"] in ("tokens", "indices") else COLORS["mlp"])
            )
            _node_group(canvas, data, left, top, fill)
    lines = []
    for source, target in flow["edges"]:
        if source in canvas.centers and target in canvas.centers:
            sx, _, s_bottom, _ = canvas.centers[source]
            tx, t_top, _, _ = canvas.centers[target]
            lines.append(
                f'<line class="edge" x1="{sx:.1f}" y1="{canvas.centers[source][1]:.1f}"'
                f' x2="{tx:.1f}" y2="{t_top + (canvas.centers[target][2] - t_top):.1f}"'
                ' stroke="#9aa0a6" stroke-width="1" marker-end="url(#arrow)"/>'
            )
            del s_bottom
    defs = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#9aa0a6"/></marker></defs>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        'font-family="monospace">'
        + defs
        + "".join(canvas.parts[:bands])
        + "".join(lines)
        + "".join(canvas.parts[bands:])
        + "</svg>\n"
    )


def html(flow: dict[str, Any]) -> str:
    """A standalone page: the SVG (tooltips from `<title>`) and the flow as data."""
    title = escape(f"{flow['name']}: computation flow")
    return (
        f"<!doctype html>\n<html><head><meta charset='utf-8'><title>{title}</title>"
        "<style>body{margin:16px;font-family:sans-serif} .node:hover rect,"
        ".head:hover rect{stroke:#d93025;stroke-width:2}</style></head><body>"
        f"<h1>{title}</h1>\n{render(flow)}</body></html>\n"
    )
