"""The paper's example programs in examples/*.rasp, checked against plain-Python oracles.

Every program's main s-op is evaluated (through the Session API) on generated inputs: all
strings over a small alphabet up to some length, plus random strings with a fixed seed. The
expected values come from independent Python code written here (a reversed string, a Counter,
sorted(), a stack-based bracket checker), never from hand-typed answers.

The layer/head counts of the programs are also checked against the paper's, with a small
scheduler that applies the reference's counting rules (see /work/shared/conformance/README.md,
"COST") to the interpreter's computation graph.
"""

from __future__ import annotations

import functools
import itertools
import json
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rasp.analysis.cost import cost
from rasp.graph import nodes as g
from rasp.program import Session

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BOS = "§"
SEED = 20210712


# --------------------------------------------------------------------------- input generation


def all_strings(alphabet: str, max_len: int, min_len: int = 1) -> list[str]:
    return [
        "".join(chars)
        for n in range(min_len, max_len + 1)
        for chars in itertools.product(alphabet, repeat=n)
    ]


def random_strings(alphabet: str, count: int, max_len: int, salt: int = 0) -> list[str]:
    rng = random.Random(SEED + salt)
    return [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, max_len))) for _ in range(count)
    ]


def random_balanced(pairs: list[str], count: int, max_pairs: int, salt: int = 0) -> list[str]:
    """Balanced bracket strings (so that long inputs also reach "T"), some with a tail that
    breaks them."""
    rng = random.Random(SEED + 1000 + salt)

    def balanced(n: int) -> str:
        if n == 0:
            return ""
        inner = rng.randint(0, n - 1)
        pair = rng.choice(pairs)
        return pair[0] + balanced(inner) + pair[1] + balanced(n - 1 - inner)

    out = []
    for _ in range(count):
        text = balanced(rng.randint(1, max_pairs))
        if rng.random() < 0.5:
            text += "".join(rng.choice("".join(pairs)) for _ in range(rng.randint(1, 4)))
        out.append(text)
    return out


WORDS = all_strings("abc", 5) + random_strings("abcdefgh", 60, 14) + ["hello", "aaaaaaa"]
BOS_WORDS = [BOS] + [BOS + w for w in WORDS]

# --------------------------------------------------------------------------- oracles


def oracle_reverse(text: str) -> list[str]:
    return list(reversed(text))


def oracle_hist(text: str) -> list[int]:
    counts = Counter(text)
    return [counts[c] for c in text]


def oracle_hist_bos(text: str) -> list[int]:
    return [0] + oracle_hist(text[1:])


def oracle_hist2_bos(text: str) -> list[int]:
    counts = Counter(text[1:])
    return [0] + [sum(1 for n in counts.values() if n == counts[c]) for c in text[1:]]


def oracle_sort(text: str) -> list[str]:
    return sorted(text)


def oracle_sort_bos(text: str) -> list[str]:
    return [text[0]] + sorted(text[1:])


def oracle_argsort_bos(text: str) -> list[int]:
    """Where each output position of a stable sort of text[1:] comes from."""
    return [0] + sorted(range(1, len(text)), key=lambda i: text[i])


def oracle_most_freq(text: str) -> list[str]:
    body = text[1:]
    counts = Counter(body)
    distinct = list(dict.fromkeys(body))  # first-occurrence order
    ranked = sorted(distinct, key=lambda c: -counts[c])  # stable: ties keep that order
    return [BOS] + ranked + [BOS] * (len(body) - len(ranked))


def oracle_dyck(pairs: list[str]) -> Callable[[str], list[str]]:
    closer_to_opener = {p[1]: p[0] for p in pairs}
    openers = {p[0] for p in pairs}

    def ptf(text: str) -> list[str]:
        stack: list[str] = []
        failed = False
        out = []
        for ch in text:
            if not failed:
                if ch in openers:
                    stack.append(ch)
                elif ch in closer_to_opener:
                    if stack and stack[-1] == closer_to_opener[ch]:
                        stack.pop()
                    else:
                        failed = True
            out.append("F" if failed else ("T" if not stack else "P"))
        return out

    return ptf


# maps every bracket kind to ()
UNIFY = str.maketrans("{[}]", "(())")

DYCK1 = ["()"]
DYCK2 = ["()", "{}"]
DYCK3 = ["()", "{}", "[]"]

DYCK1_INPUTS = (
    all_strings("()", 8)
    + random_balanced(DYCK1, 25, 12)
    + random_strings("()x", 25, 16, salt=1)
    + ["(" * 20, ")" + "()" * 5]
)
DYCK2_INPUTS = (
    all_strings("(){}", 5)
    + random_balanced(DYCK2, 40, 12, salt=2)
    + random_strings("(){}x", 40, 16, salt=2)
    + ["({)}", "{(})", "(()){}}", "({}{()})"]
)
DYCK3_INPUTS = (
    all_strings("(){}[]", 4)
    + random_balanced(DYCK3, 40, 12, salt=3)
    + random_strings("(){}[]x", 40, 16, salt=3)
    + ["([)]", "{[]}", "[(])", "([{}])[]{}"]
)

# (file, main s-op, expected element type, oracle, inputs)
CASES: list[tuple[str, str, str, Callable[[str], list[Any]], list[str]]] = [
    ("reverse", "reverse", "string", oracle_reverse, WORDS),
    ("histogram", "hist", "int", oracle_hist, WORDS),
    ("histogram", "hist_bos", "int", oracle_hist_bos, BOS_WORDS),
    ("double_histogram", "hist2", "int", oracle_hist2_bos, BOS_WORDS),
    ("sort", "sort_nobos", "string", oracle_sort, WORDS),
    ("sort", "sorted_bos", "string", oracle_sort_bos, BOS_WORDS),
    ("most_frequent", "most_freq", "string", oracle_most_freq, BOS_WORDS),
    ("dyck1", "dyck1_ptf", "string", oracle_dyck(DYCK1), DYCK1_INPUTS),
    ("dyck2", "dyck2_ptf", "string", oracle_dyck(DYCK2), DYCK2_INPUTS),
    ("dyck3", "dyck3_ptf", "string", oracle_dyck(DYCK3), DYCK3_INPUTS),
]

# Expressions over a program's functions: (file, expression, type, oracle, inputs).
# Sorting positions by token makes the tie-breaking of the stable sort visible.
EXPR_CASES: list[tuple[str, str, str, Callable[[str], list[Any]], list[str]]] = [
    ("sort", "sort_bos(indices, tokens)", "int", oracle_argsort_bos, BOS_WORDS),
]

# Paper cost of the main s-ops: heads per layer.
COSTS = {
    ("reverse", "reverse"): [1, 1],
    ("histogram", "hist_bos"): [1],
    ("histogram", "hist"): [2],
    ("double_histogram", "hist2"): [2, 1],
    ("sort", "sort_nobos"): [2, 1],
    ("sort", "sorted_bos"): [1, 1],
    ("most_frequent", "most_freq"): [2, 1, 1],
    ("dyck1", "dyck1_ptf"): [1, 1],
    ("dyck2", "dyck2_ptf"): [1, 2, 1, 1],
    ("dyck3", "dyck3_ptf"): [1, 2, 1, 1],
}

PROGRAMS = sorted({case[0] for case in CASES})


@functools.cache
def session(program: str) -> Session:
    path = EXAMPLES / f"{program}.rasp"
    return Session(path.read_text(encoding="utf-8"), path)


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("program", PROGRAMS)
def test_program_loads_without_errors(program: str) -> None:
    assert session(program).errors == []


@pytest.mark.parametrize("program", PROGRAMS)
def test_program_is_documented(program: str) -> None:
    lines = (EXAMPLES / f"{program}.rasp").read_text(encoding="utf-8").splitlines()
    header = list(itertools.takewhile(lambda line: line.startswith("#"), lines))
    assert len(header) >= 5, "a comment block explaining the task and the idea comes first"
    assert sum(1 for line in lines if line.startswith("set example ")) == 1


@pytest.mark.parametrize(
    ("program", "name", "type_", "oracle", "inputs"),
    CASES + EXPR_CASES,
    ids=[f"{c[0]}-{c[1]}" for c in CASES + EXPR_CASES],
)
def test_main_sop_matches_oracle(
    program: str,
    name: str,
    type_: str,
    oracle: Callable[[str], list[Any]],
    inputs: list[str],
) -> None:
    s = session(program)
    sop = s.evaluate(name)
    assert isinstance(sop, g.SOp)
    assert len(set(inputs)) > 20
    failures = []
    for text in inputs:
        result = s.result(sop, text, name, None)
        assert result.error is None, f"{name}({text!r}): {result.error}"
        expected = oracle(text)
        if result.values != expected or result.type != type_:
            failures.append((text, result.values, result.type, expected))
    assert not failures, f"{len(failures)} wrong, first ones: {failures[:5]}"


def test_oracles_cover_all_outcomes() -> None:
    """The generated inputs reach every answer, so the oracle tests are not vacuous."""
    for pairs, inputs in ((DYCK1, DYCK1_INPUTS), (DYCK2, DYCK2_INPUTS), (DYCK3, DYCK3_INPUTS)):
        outs = Counter(v for text in inputs for v in oracle_dyck(pairs)(text))
        assert min(outs["T"], outs["P"], outs["F"]) > 50
        # a wrong kind of closer at the right depth is among the inputs (not for Dyck-1)
        if len(pairs) > 1:
            assert any(
                oracle_dyck(DYCK1)(t.translate(UNIFY))[-1] != "F"
                and oracle_dyck(pairs)(t)[-1] == "F"
                for t in inputs
            )
    assert any(len(set(oracle_hist2_bos(t)[1:])) > 1 for t in BOS_WORDS)


@pytest.mark.parametrize(("program", "name"), sorted(COSTS), ids=lambda v: str(v))
def test_paper_cost(program: str, name: str) -> None:
    assert list(cost(session(program).evaluate(name)).heads) == COSTS[(program, name)]


def _rasp_executable() -> str:
    exe = Path(sys.executable).with_name("rasp")
    assert exe.exists(), exe
    return str(exe)


def _run(*args: str, programs: list[str] = PROGRAMS) -> subprocess.CompletedProcess[str]:
    files = [str(EXAMPLES / f"{p}.rasp") for p in programs]
    return subprocess.run(
        [_rasp_executable(), "run", *args, *files],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_cli_runs_every_example() -> None:
    """`rasp run examples/*.rasp` exits 0 and prints each program's main s-op."""
    assert sorted(p.stem for p in EXAMPLES.glob("*.rasp")) == PROGRAMS
    proc = _run()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "error" not in proc.stdout
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in proc.stdout.splitlines():
        if line.startswith("# "):
            current = sections.setdefault(Path(line[2:]).stem, [])
        else:
            current.append(line)
    assert sorted(sections) == PROGRAMS
    for program, name, *_ in CASES:
        lines = [line for line in sections[program] if line.startswith(f"{name}(")]
        assert len(lines) == 1, f"{program}: no single line for {name}"
        assert re.fullmatch(rf'{name}\(".+"\) = \[.*\](\*\d+)? \((ints|strings)\)', lines[0]), (
            lines[0]
        )


@pytest.mark.parametrize("program", PROGRAMS)
def test_cli_json_main_sops_on_the_running_example(program: str) -> None:
    proc = _run("--json", programs=[program])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert records
    assert all(r["stage"] == "result" and r["error"] is None for r in records)
    by_name = {r["name"]: r for r in records}
    for case_program, name, _type, oracle, _inputs in CASES:
        if case_program == program:
            record = by_name[name]
            assert record["kind"] == "s-op"
            assert record["input"] == session(program).example
            assert record["values"] == oracle(record["input"]), name
