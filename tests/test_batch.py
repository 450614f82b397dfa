"""Evaluating a batch of equal-length inputs in one call gives, row by row, what evaluating
each input alone gives (values and type tags), for every s-op of the paper programs."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from rasp.graph import nodes as g
from rasp.program import Session
from rasp.runtime.errors import RaspError
from rasp.runtime.evaluate import Evaluation
from rasp.runtime.sequences import row_type

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "programs"
PROGRAMS = sorted(CORPUS.glob("paper_*.rasp"))
INPUTS = ["".join(p) for p in itertools.product("()ab", repeat=4)]


def _single(node: g.SOp, inp: str) -> tuple[str, list[object]] | str:
    try:
        row = Evaluation([inp]).sop(node)[0]
    except RaspError as err:
        return err.kind
    return row_type(row), row.tolist()


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_batch_rows_equal_single_inputs(path: Path) -> None:
    session = Session(path.read_text(encoding="utf-8"), path)
    sops = [(name, node) for name, node in session.top_level() if isinstance(node, g.SOp)]
    compared = 0
    for name, node in sops:
        singles = [_single(node, inp) for inp in INPUTS]
        if any(isinstance(s, str) for s in singles):
            continue  # an input fails alone: the batch fails as a whole
        batch = Evaluation(INPUTS).sop(node)
        assert [(row_type(row), row.tolist()) for row in batch] == singles, name
        compared += 1
    assert compared > 0
