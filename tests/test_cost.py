"""Transformer cost (layers, heads per layer, MLP layers) agrees with the reference's
analysis: every cost record of the conformance corpus, the acceptance table of the analysis
spec, and golden `rasp cost` outputs for the examples (UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import conformance
from rasp.analysis.cost import added_cost, cost
from rasp.graph import nodes as g
from rasp.program import Session

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.rasp"))
GOLDEN = Path(__file__).resolve().parent / "golden" / "cost"


@pytest.mark.parametrize("record", conformance.corpus()["cost"],
                         ids=lambda r: f"{Path(r['program']).stem}:{r['expr']}")
def test_conformance_cost(record: dict[str, Any]) -> None:
    node = conformance.session(record["program"]).evaluate(record["expr"])
    ours = cost(node)
    assert (ours.layers, ours.max_heads, list(ours.heads)) == (
        record["n_layers"], record["max_width"], record["widths"])


# analysis spec section 4: program, s-op, layers, heads per layer
ACCEPTANCE = [
    ("y = indices + 1;", "y", 0, []),
    ('f = aggregate(select(indices, indices, <=), indicator(tokens == "a"));', "f", 1, [1]),
    ("opp = length - indices - 1; flip = select(indices, opp, ==);"
     " rev = aggregate(flip, tokens);", "rev", 2, [1, 1]),
    ("hist = selector_width(select(tokens, tokens, ==));", "hist", 1, [2]),
    ('p = select(indices, indices, <=); a = aggregate(p, indicator(tokens == "a"));'
     ' b = aggregate(p, indicator(tokens == "b")); d = a - b;', "d", 1, [1]),
    ('a = aggregate(select(indices, indices, <=), indicator(tokens == "a"));'
     ' b = aggregate(select(indices, indices, <=), indicator(tokens == "b")); d = a - b;',
     "d", 1, [2]),
    ("s = select(tokens, tokens, ==); w = selector_width(s) + selector_width(s);", "w", 1, [4]),
    ("y = aggregate(select(indices, indices, ==),"
     " selector_width(select(tokens, tokens, ==)));", "y", 2, [2, 1]),
    ("f0 = tokens[0]; fl = tokens[-1];", "f0", 1, [1]),
    ("f0 = tokens[0]; fl = tokens[-1];", "fl", 2, [1, 1]),
    ('has_x = "x" in tokens;', "has_x", 1, [1]),
    ('has = ("x" in tokens) and ("y" in tokens);', "has", 1, [1]),
    ('both = ("x" in tokens) and length > 2;', "both", 1, [2]),
    ('n = length + count(tokens, "a") + contains(tokens, "b");', "n", 1, [1]),
]


@pytest.mark.parametrize(("program", "name", "layers", "heads"), ACCEPTANCE,
                         ids=[f"{a[1]}:{a[0][:30]}" for a in ACCEPTANCE])
def test_acceptance_table(program: str, name: str, layers: int, heads: list[int]) -> None:
    session = Session(program, None)
    assert session.errors == []
    ours = cost(session.evaluate(name))
    assert (ours.layers, list(ours.heads)) == (layers, heads)


def test_mlp_layers_are_the_depths_of_elementwise_work() -> None:
    session = Session("opp = length - indices - 1; rev = aggregate(select(indices, opp, ==),"
                      " tokens); up = rev == \"a\";", None)
    assert cost(session.evaluate("opp")).mlp_layers == (0, 1)
    assert cost(session.evaluate("up")).mlp_layers == (0, 1, 2)
    assert cost(session.evaluate("indices")).mlp_layers == ()


def test_added_cost_of_a_function_body() -> None:
    session = Session("def frac(t) { return aggregate(select(indices, indices, <=),"
                      " indicator(tokens == t)); }\n"
                      "def twice_deep(s) { a = aggregate(select(s, s, ==), s);"
                      " return aggregate(select(a, a, ==), a); }\n"
                      "deep = aggregate(select(indices, indices, ==), indices);\n", None)
    deep = session.evaluate("deep")
    out = session.evaluate("twice_deep(deep)")
    added = added_cost([out], [deep])
    assert (added.layers, added.heads) == (2, (1, 1))
    assert cost(out).layers == 3
    assert isinstance(session.evaluate("frac(\"a\")"), g.SOp)


def _rasp() -> str:
    return str(Path(sys.executable).with_name("rasp"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_rasp_cost_golden(example: Path) -> None:
    proc = subprocess.run([_rasp(), "cost", str(example.relative_to(ROOT))], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    golden = GOLDEN / f"{example.stem}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(proc.stdout, encoding="utf-8")
    assert proc.stdout == golden.read_text(encoding="utf-8")
