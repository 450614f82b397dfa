"""Static value types of s-ops, and what selectors may select, read off the graph alone.

Value types: `int`, `float`, `bool`, `str`, or `unknown`. Numbers join bool < int < float.
A selector "may select several positions" unless it is an equality select whose keys are
`indices` or an injective elementwise function of it (`indices + 1`), or an `and` containing
one. It "always selects" (no empty row) when its keys and queries are the same s-op under
`==`, `<=` or `>=`, or it compares two equal constants.
"""

from __future__ import annotations

from typing import Any

from rasp.graph import nodes as g

NUMBER_ORDER = {"bool": 0, "int": 1, "float": 2}
_TOKEN_TYPES = {"str": "str", "int": "int", "float": "float", "bool": "bool", "asis": "unknown"}


def atom_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "unknown"


def join(a: str, b: str) -> str:
    """The type of a sequence holding values of types a and b ("mixed" if str meets number)."""
    if a == b:
        return a
    if "unknown" in (a, b):
        return "unknown"
    if a in NUMBER_ORDER and b in NUMBER_ORDER:
        return a if NUMBER_ORDER[a] > NUMBER_ORDER[b] else b
    return "mixed"


def _numeric(t: str) -> bool:
    return t in NUMBER_ORDER


class Types:
    """Value types of s-op nodes, memoised."""

    def __init__(self) -> None:
        self._types: dict[int, str] = {}

    def of(self, node: g.SOp) -> str:
        types = self._types
        known = types.get(node.id)
        if known is not None:
            return known
        needs = (
            node.args
            if isinstance(node, g.Map)
            else ((node.values,) if isinstance(node, g.Aggregate) else ())
        )
        if all(n.id in types for n in needs):  # the usual case: inputs typed first
            found = types[node.id] = self._compute(node)
            return found
        for current in g.ancestors(node, types):
            if isinstance(current, g.SOp):
                self._types[current.id] = self._compute(current)
        return self._types[node.id]

    def _compute(self, node: g.SOp) -> str:
        if isinstance(node, g.Tokens):
            return _TOKEN_TYPES[node.conversion]
        if isinstance(node, g.Indices):
            return "int"
        if isinstance(node, g.Constant):
            return atom_type(node.value)
        if isinstance(node, g.Aggregate):
            values = self._types[node.values.id]
            if _numeric(values) and values != "bool" and may_select_several(node.selector):
                values = "float"
            if always_selects(node.selector):
                return values
            default = atom_type(node.default)
            joined = join(values, default)
            return values if joined == "mixed" else joined
        if isinstance(node, g.Map):
            args = [self._types[a.id] for a in node.args]
            return map_type(node.op, args, node.param)
        return "unknown"  # pragma: no cover


def map_type(op: str, args: list[str], param: Any = None) -> str:
    """The result type of an elementwise operation ("mixed" when it cannot work)."""
    if op in ("==", "!=", "<", ">", "<=", ">=", "and", "or", "not", "in"):
        return "bool"
    if op in ("round", "indicator"):
        return "int"
    if op in ("numerical", "categorical"):
        return args[0]
    if "unknown" in args:
        return "unknown"
    if op in ("neg", "pos"):
        return "int" if args[0] == "bool" else args[0] if _numeric(args[0]) else "mixed"
    if op == "if":
        return join(args[0], args[2])
    if op == "index":
        if isinstance(param, str):
            return "str"
        items = list(param.values()) if isinstance(param, dict) else list(param)
        result = "unknown"
        for item in items:
            t = atom_type(item)
            result = t if result == "unknown" else join(result, t)
        return result
    a, b = args
    if op == "+":
        if a == b == "str":
            return "str"
        return _arith(a, b)
    if op == "*":
        if {a, b} == {"str", "int"} or {a, b} == {"str", "bool"}:
            return "str"
        return _arith(a, b)
    if op == "-":
        return _arith(a, b)
    if op == "/":
        return "float" if _numeric(a) and _numeric(b) else "mixed"
    if op in ("%", "^"):
        return _arith(a, b)
    return "unknown"


def _arith(a: str, b: str) -> str:
    if not (_numeric(a) and _numeric(b)):
        return "mixed"
    joined = join(a, b)
    return "int" if joined == "bool" else joined


def _injective_in_indices(node: g.SOp) -> bool:
    if isinstance(node, g.Indices):
        return True
    if isinstance(node, g.Map) and node.op in ("+", "-") and len(node.args) == 2:
        left, right = node.args
        if isinstance(right, g.Constant):
            return _injective_in_indices(left)
        if isinstance(left, g.Constant):
            return _injective_in_indices(right)
    if isinstance(node, g.Map) and node.op in ("neg", "pos"):
        return _injective_in_indices(node.args[0])
    return False


def may_select_several(selector: g.Selector) -> bool:
    """False only when every query is sure to select at most one key."""
    if isinstance(selector, g.Select):
        return not (selector.op == "==" and _injective_in_indices(selector.keys))
    if isinstance(selector, g.Combine) and selector.op == "and":
        return all(may_select_several(p) for p in selector.parts)
    return True


def always_selects(selector: g.Selector) -> bool:
    """True when no query can select nothing."""
    if isinstance(selector, g.Select):
        if selector.keys is selector.queries and selector.op in ("==", "<=", ">="):
            return True
        keys, queries = selector.keys, selector.queries
        if isinstance(keys, g.Constant) and isinstance(queries, g.Constant):
            return bool(_compare(selector.op, keys.value, queries.value))
        return False
    if isinstance(selector, g.Combine) and selector.op == "or":
        return any(always_selects(p) for p in selector.parts)
    return False


def _compare(op: str, a: Any, b: Any) -> bool:
    try:
        return bool({"==": a == b, "!=": a != b}.get(op, False))
    except Exception:  # noqa: BLE001 - constants of odd types: be conservative
        return False
