"""The computation-flow view: layouts of the paper's programs (golden data; UPDATE_GOLDEN=1
rewrites), their agreement with the cost model, and the SVG the project draws by itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from rasp.flow.layout import layout
from rasp.flow.svg import html, render
from rasp.graph import nodes as g
from rasp.program import Session

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden" / "flow"
SVG = "{http://www.w3.org/2000/svg}"
# example file, its main s-op, an input
MAIN = [
    ("reverse", "reverse", "abc"),
    ("histogram", "hist_bos", "§aab"),
    ("double_histogram", "hist2", "§aabbc"),
    ("sort", "sorted_bos", "§cab"),
    ("most_frequent", "most_freq", "§abbccc"),
    ("dyck1", "dyck1_ptf", "(()"),
    ("dyck2", "dyck2_ptf", "({)}"),
    ("dyck3", "dyck3_ptf", "([)]"),
]


def _flow(example: str, name: str, inp: str) -> dict[str, Any]:
    path = ROOT / "examples" / f"{example}.rasp"
    session = Session(path.read_text(encoding="utf-8"), path)
    node = session.evaluate(name)
    assert isinstance(node, g.SOp)
    return layout(node, inp, {session.file: session.text}, name)


def _summary(flow: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "layer": layer["layer"],
            "heads": [
                {
                    "selector": h["selector"]["label"],
                    "aggregates": [a["label"] for a in h["aggregates"]],
                }
                for h in layer["heads"]
            ],
            "feed_forward": [m["label"] for m in layer["mlp"]],
        }
        for layer in flow["layers"]
    ]


@pytest.mark.parametrize(("example", "name", "inp"), MAIN, ids=[m[0] for m in MAIN])
def test_layout_golden_and_consistent_with_cost(example: str, name: str, inp: str) -> None:
    flow = _flow(example, name, inp)
    heads = [len(layer["heads"]) for layer in flow["layers"][1:]]
    assert heads == flow["cost"]["heads"]
    assert [layer["layer"] for layer in flow["layers"] if layer["mlp"]] == flow["cost"][
        "mlp_layers"
    ]
    golden = GOLDEN / f"{example}.json"
    summary = _summary(flow)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(
            json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    assert summary == json.loads(golden.read_text(encoding="utf-8"))


def test_values_are_those_of_evaluation() -> None:
    flow = _flow("reverse", "reverse", "abc")
    [head] = flow["layers"][2]["heads"]
    assert head["selector"]["label"] == "flip"
    assert head["selector"]["matrix"] == [
        [False, False, True],
        [False, True, False],
        [True, False, False],
    ]
    assert head["aggregates"][0]["values"] == ["c", "b", "a"]
    assert {n["label"] for n in flow["inputs"]} == {"tokens_str", "indices"}


@pytest.mark.parametrize(("example", "name", "inp"), MAIN, ids=[m[0] for m in MAIN])
def test_svg_is_well_formed_and_shows_every_head(example: str, name: str, inp: str) -> None:
    flow = _flow(example, name, inp)
    root = ET.fromstring(render(flow))
    assert root.tag == f"{SVG}svg"
    heads = root.findall(f".//{SVG}g[@class='head']")
    assert len(heads) == sum(flow["cost"]["heads"])
    for head in heads:
        cells = head.findall(f"{SVG}rect[@class='cell']")
        assert len(cells) == len(inp) ** 2
        assert head.find(f"{SVG}title") is not None
    nodes = root.findall(f".//{SVG}g[@class='node']")
    assert all(n.find(f"{SVG}title") is not None for n in nodes)
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert name in texts


def test_rasp_draw_writes_svg_and_html(tmp_path: Path) -> None:
    rasp = str(Path(sys.executable).with_name("rasp"))
    svg, page = tmp_path / "flow.svg", tmp_path / "flow.html"
    for target in (svg, page):
        proc = subprocess.run(
            [
                rasp,
                "draw",
                str(ROOT / "examples" / "reverse.rasp"),
                "reverse",
                "--input",
                '"abc"',
                "-o",
                str(target),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert "2 layers" in proc.stdout
    ET.fromstring(svg.read_text(encoding="utf-8"))
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert "<svg" in page.read_text(encoding="utf-8")
    bad = subprocess.run(
        [rasp, "draw", str(ROOT / "examples" / "reverse.rasp"), "nothing", "-o", str(svg)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2


def test_html_page_holds_the_same_svg() -> None:
    flow = _flow("sort", "sorted_bos", "§cab")
    assert render(flow) in html(flow)


def test_nodes_of_the_drawn_file_carry_their_source_range() -> None:
    path = ROOT / "examples" / "reverse.rasp"
    text = path.read_text(encoding="utf-8")
    session = Session(text, path)
    node = session.evaluate("reverse")
    assert isinstance(node, g.SOp)
    flow = layout(node, "abc", {session.file: text}, "reverse", session.file)
    root = ET.fromstring(render(flow))
    ranged = {text[int(e.get("data-start", 0)):int(e.get("data-end", 0))]
              for e in root.iter() if e.get("data-start") is not None}
    assert "aggregate(flip, tokens)" in ranged
    assert "length - indices - 1" in ranged
