"""Run one case of the reference conformance corpus (../shared/conformance) through the same
`Session` that `rasp run --json` uses, and say how our answer differs from the reference's."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any

from rasp.graph import nodes as g
from rasp.program import Session, json_value
from rasp.runtime.errors import RaspError

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "conformance"


@functools.cache
def corpus() -> dict[str, Any]:
    return json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@functools.cache
def session(program: str) -> Session:
    path = CORPUS / program
    return Session(path.read_text(encoding="utf-8"), path)


def same(ours: Any, theirs: Any, tolerance: float = 0.0) -> bool:
    """Equal values with equal Python types (1, 1.0 and True differ)."""
    if isinstance(theirs, list):
        return (
            isinstance(ours, list)
            and len(ours) == len(theirs)
            and all(same(a, b, tolerance) for a, b in zip(ours, theirs, strict=True))
        )
    if isinstance(theirs, dict):
        return isinstance(ours, dict) and same(ours.get("dict"), theirs.get("dict"), tolerance)
    if type(ours) is not type(theirs):
        return False
    if isinstance(theirs, float):
        return math.isclose(ours, theirs, abs_tol=tolerance + 1e-9) or ours == theirs
    return bool(ours == theirs)


def outcome(case: dict[str, Any]) -> dict[str, Any]:
    """What we do for a case, in the corpus's `expect` format."""
    s = session(case["program"])
    if case["expr"] is None:
        if not s.errors:
            return {"kind": "ok"}
        first = s.errors[0]
        lines = (
            s.lines.position(first.statement.start)[0] + 1,
            s.lines.position(first.statement.end)[0] + 1,
        )
        return _error("program", first.kind, first.python_exception, lines)
    try:
        value = s.evaluate(case["expr"])
    except RaspError as err:
        return _error("expression", err.kind, err.python_exception)
    inp = case["input"]
    if inp is None:
        if not isinstance(value, (g.SOp, g.Selector)):
            return {"kind": "value", "value": json_value(value)}
        inp = s.example
    elif not isinstance(value, (g.SOp, g.Selector)):
        return _error("expression", "not_implemented", None)
    result = s.result(value, inp, None, case["expr"])
    if result.error is not None:
        return _error("expression", result.error.kind, result.error.python_exception)
    if result.kind == "s-op":
        return {"kind": "sop", "type": result.type, "values": result.values}
    return {"kind": "selector", "matrix": result.matrix}


def _error(
    stage: str, kind: str, python_exception: str | None, lines: tuple[int, int] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "error", "stage": stage, "error": kind}
    if kind == "runtime":
        out["python_exception"] = python_exception
    if lines is not None:
        out["lines"] = lines
    return out


def mismatch(case: dict[str, Any]) -> str | None:
    """None when we agree with the reference on `case`, else a description."""
    expect = case["expect"]
    ours = outcome(case)
    if expect["kind"] != ours["kind"]:
        return f"expected {expect}, got {ours}"
    if expect["kind"] == "error":
        if expect["error"] != ours["error"]:
            return f"expected error {expect['error']}, got {ours}"
        if expect["error"] == "runtime" and expect.get("python_exception") != ours.get(
            "python_exception"
        ):
            return f"expected {expect.get('python_exception')}, got {ours}"
        if "line" in expect and "lines" in ours:
            lo, hi = ours["lines"]
            if not lo <= expect["line"] <= hi:
                return f"expected line {expect['line']}, got lines {lo}-{hi}"
        return None
    if expect["kind"] == "value" and not same(ours["value"], expect["value"]):
        return f"expected {expect['value']!r}, got {ours['value']!r}"
    if expect["kind"] == "sop" and not (
        expect["type"] == ours["type"] and same(ours["values"], expect["values"], 0.0005)
    ):
        return f"expected {expect['type']} {expect['values']}, got {ours['type']} {ours['values']}"
    if expect["kind"] == "selector" and ours["matrix"] != expect["matrix"]:
        return f"expected {expect['matrix']}, got {ours['matrix']}"
    return None
