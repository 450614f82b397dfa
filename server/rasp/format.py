"""Print values the way the reference REPL prints them: `[0, 3, 6] (ints)`, `[5]*5 (ints)`,
floats to 3 digits, bools as T/F, selectors as a matrix with the input along the top and
left."""

from __future__ import annotations

from typing import Any

from rasp.program import TYPE_WORDS


def element(value: Any) -> str:
    if isinstance(value, bool):
        return "T" if value else "F"
    if isinstance(value, float):
        return str(round(value, 3))
    return str(value)


def sop(values: list[Any], type_tag: str | None) -> str:
    word = TYPE_WORDS.get(type_tag or "", type_tag or "")
    if len(values) > 1 and all(v == values[0] for v in values):
        return f"[{element(values[0])}]*{len(values)} ({word})"
    return "[" + ", ".join(element(v) for v in values) + f"] ({word})"


def selector(matrix: list[list[bool]], inp: Any) -> str:
    labels = [element(v) for v in (list(inp) if not isinstance(inp, str) else list(inp))]
    width = max((len(s) for s in labels), default=1)
    head = " " * (width + 3) + " ".join(s.ljust(width) for s in labels)
    rows = [
        labels[q].ljust(width)
        + " | "
        + " ".join(("1" if cell else " ").ljust(width) for cell in row)
        for q, row in enumerate(matrix)
    ]
    return "\n".join([head, *(r.rstrip() for r in rows)])


def value(v: Any) -> str:
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, tuple):
        return ", ".join(value(x) for x in v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{value(k)}: {value(x)}" for k, x in v.items()) + "}"
    if hasattr(v, "name") and hasattr(v, "params"):
        return f"<function {v.name}({', '.join(v.params)})>"
    return str(v)


def literal(inp: Any) -> str:
    """An input written as a RASP literal: `"hey"`, `[1, 2]`."""
    return value(inp)


def cost_line(cost: dict[str, Any]) -> str:
    """`2 layers · heads per layer [1, 1] (max 1) · MLPs in layers [0, 1]`."""
    layers = cost["layers"]
    word = "layer" if layers == 1 else "layers"
    return (
        f"{layers} {word} · heads per layer {cost['heads']} (max {cost['max_heads']}) · "
        f"MLPs in layers {cost['mlp_layers']}"
    )
