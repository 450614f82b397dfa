"""Benchmarks of the RASP interpreter: evaluation (single long inputs and large batches), graph
building, and whole-file / incremental parsing.

    .venv/bin/python benchmarks/run.py            # full run, prints a Markdown table
    .venv/bin/python benchmarks/run.py --quick    # fewer repeats
    .venv/bin/python benchmarks/run.py --write    # also rewrite benchmarks/RESULTS.md
    .venv/bin/python benchmarks/run.py --profile  # profile every case that misses its target
    .venv/bin/python benchmarks/run.py --blas-threads 1  # pin OpenBLAS/OpenMP/MKL threads

The exit status is 1 when a target is missed.

Every figure is the median of several repeats timed with `time.perf_counter`. Evaluation
timings build nothing: the graph node is built once (by a `Session`), then each repeat times a
fresh `Evaluation(inputs)` plus `.sop(node)`. Results are checked against plain-Python
references outside the timed region.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import os
import platform
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _preset_blas_threads(argv: list[str]) -> None:
    """Apply `--blas-threads N` now: BLAS reads its thread count when numpy is imported."""
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--blas-threads=") else (
            argv[i + 1] if arg == "--blas-threads" and i + 1 < len(argv) else None)
        if value is not None:
            for var in _BLAS_VARS:
                os.environ[var] = value


if __name__ == "__main__":
    _preset_blas_threads(sys.argv[1:])

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402, I001

from rasp.graph import nodes as g  # noqa: E402
from rasp.program import Session  # noqa: E402
from rasp.runtime.evaluate import Evaluation  # noqa: E402
from rasp.syntax import ast  # noqa: E402
from rasp.syntax.document import ParsedFile, StatementParser  # noqa: E402

DYCK_CANDIDATES = [
    ROOT / "examples" / "dyck2.rasp",
    Path("/work/shared/conformance/programs/paper_dyck2.rasp"),
]
SORT_PROGRAM = "set example [3, 1, 2]\nsorted_ints = sort(tokens_int, tokens_int);\n"
SEED = 2021


# ---- measurement ------------------------------------------------------------------------


def measure(run: Callable[[Any], Any], repeats: int,
            setup: Callable[[], Any] = lambda: None, warmup: bool = True) -> list[float]:
    """Times of `run(setup())` (setup untimed), `repeats` times, after one untimed warm-up."""
    if warmup:
        run(setup())
    times = []
    for _ in range(repeats):
        arg = setup()
        start = time.perf_counter()
        run(arg)
        times.append(time.perf_counter() - start)
    return times


@dataclass
class Row:
    case: str
    times: list[float]
    target: float | None = None  # seconds
    detail: str = ""
    profile: Callable[..., Any] | None = field(default=None, repr=False)
    profile_setup: Callable[[], Any] | None = field(default=None, repr=False)  # untimed
    evaluations: list[tuple[g.SOp, list[Any]]] = field(default_factory=list, repr=False)
    budget: str = ""  # how the target reads in the table, when not "< target"
    ok: bool | None = None  # overrides the time-vs-target verdict (ratio targets)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def passed(self) -> bool | None:
        if self.ok is not None:
            return self.ok
        if self.target is None:
            return None
        return self.median < self.target

    def cells(self) -> list[str]:
        target = self.budget or (fmt_time(self.target) if self.target is not None else "—")
        verdict = {True: "met", False: "**MISSED**", None: "info"}[self.passed]
        if self.passed is False and self.target is not None and self.ok is None:
            verdict += f" ({self.median / self.target:.1f}×)"
        spread = f"{fmt_time(min(self.times))}–{fmt_time(max(self.times))}"
        return [self.case, f"**{fmt_time(self.median)}**", spread, str(len(self.times)), target,
                verdict, self.detail]


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


# ---- references -------------------------------------------------------------------------


def dyck2_reference(text: str) -> list[str]:
    """Per prefix: T balanced, P could still be balanced, F broken."""
    pairs = {")": "(", "}": "{"}
    stack: list[str] = []
    broken = False
    out = []
    for ch in text:
        if not broken:
            if ch in "({":
                stack.append(ch)
            elif not stack or stack.pop() != pairs[ch]:
                broken = True
        out.append("F" if broken else ("T" if not stack else "P"))
    return out


def random_ints(rng: random.Random, n: int) -> list[int]:
    return [rng.randrange(n) for _ in range(n)]


def random_brackets(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("(){}") for _ in range(n))


# ---- programs ---------------------------------------------------------------------------


def dyck_program() -> tuple[Path, str, str]:
    """(path, text, name of the result s-op): the last top-level s-op assigned in the file."""
    path = next(p for p in DYCK_CANDIDATES if p.exists())
    text = path.read_text(encoding="utf-8")
    session = Session(text, path)
    if session.errors:
        raise SystemExit(f"{path}: {session.errors[0].message} (line {session.errors[0].line})")
    for statement in reversed(session.parsed.statements):
        if isinstance(statement.tree, ast.Assign):
            for target in reversed(statement.tree.targets):
                if isinstance(session.builder.scope.vars.get(target.id), g.SOp):
                    return path, text, target.id
    raise SystemExit(f"{path}: no top-level s-op assignment found")


def build_node(text: str, path: Path | None, expr: str) -> g.SOp:
    session = Session(text, path)
    if session.errors:
        raise SystemExit(f"program error: {session.errors[0].message}")
    node = session.evaluate(expr)
    assert isinstance(node, g.SOp), expr
    return node


def eval_runner(node: g.SOp, inputs: list[Any]) -> Callable[[Any], Any]:
    def run(_: Any) -> Any:
        return Evaluation(inputs).sop(node)

    return run


# ---- cases ------------------------------------------------------------------------------


def bench_cold_session(rows: list[Row]) -> None:
    # The first Session of the process also parses and builds the standard library (cached
    # afterwards): run this before anything else creates a Session.
    start = time.perf_counter()
    Session("", None)
    rows.append(Row("graph build: empty program, first Session (stdlib build)",
                    [time.perf_counter() - start], detail="once, cold"))


def bench_build(rows: list[Row], dyck_path: Path, dyck_text: str) -> None:
    # Once each, for information; `Session` includes the reference's check of each new
    # definition on the running example.
    start = time.perf_counter()
    Session(SORT_PROGRAM, None)
    rows.append(Row("graph build: `sort(tokens_int, tokens_int)` program",
                    [time.perf_counter() - start], detail="once"))
    start = time.perf_counter()
    Session(dyck_text, dyck_path)
    rows.append(Row(f"graph build: Dyck-2 program ({dyck_path.name})",
                    [time.perf_counter() - start], detail="once"))


def bench_sort(rows: list[Row], quick: bool) -> None:
    node = build_node(SORT_PROGRAM, None, "sort(tokens_int, tokens_int)")
    rng = random.Random(SEED)
    for n, target, repeats in ((1024, 0.020, 5 if quick else 15), (4096, None, 2 if quick else 5)):
        data = random_ints(rng, n)
        result = Evaluation([data]).sop(node)
        assert result[0].tolist() == sorted(data), f"sort of length {n} is wrong"
        run = eval_runner(node, [data])
        rows.append(Row(f"sort, 1 input × {n:,} ints", measure(run, repeats, warmup=n <= 1024),
                        target, "output checked", profile=lambda run=run: run(None),
                        evaluations=[(node, [data])]))


def bench_dyck(rows: list[Row], quick: bool, path: Path, text: str, name: str) -> None:
    node = build_node(text, path, name)
    rng = random.Random(SEED + 1)
    data = random_brackets(rng, 1024)
    result = Evaluation([data]).sop(node)[0].tolist()
    check = "output checked" if result == dyck2_reference(data) else "**output MISMATCH**"
    run = eval_runner(node, [data])
    rows.append(Row(f"Dyck-2 (`{name}`), 1 input × 1,024 brackets",
                    measure(run, 5 if quick else 15), 0.050, check,
                    profile=lambda: run(None), evaluations=[(node, [data])]))


def bench_batch(rows: list[Row], quick: bool, path: Path, text: str, name: str) -> None:
    rng = random.Random(SEED + 2)
    repeats = 3 if quick else 7
    sort_node = build_node(SORT_PROGRAM, None, "sort(tokens_int, tokens_int)")
    ints = [[rng.randrange(16) for _ in range(16)] for _ in range(10_000)]
    got = Evaluation(ints).sop(sort_node)
    assert got.tolist() == [sorted(x) for x in ints], "batch sort is wrong"
    run_sort = eval_runner(sort_node, ints)
    sort_times = measure(run_sort, repeats)

    dyck_node = build_node(text, path, name)
    brackets = [random_brackets(rng, 16) for _ in range(10_000)]
    got = Evaluation(brackets).sop(dyck_node)
    ok = got.tolist() == [dyck2_reference(x) for x in brackets]
    run_dyck = eval_runner(dyck_node, brackets)
    dyck_times = measure(run_dyck, repeats)

    totals = [a + b for a, b in zip(sort_times, dyck_times, strict=True)]
    rows.append(Row("batch: sort, 10,000 inputs × 16", sort_times, detail="output checked",
                    profile=lambda: run_sort(None), evaluations=[(sort_node, ints)]))
    rows.append(Row("batch: Dyck-2, 10,000 inputs × 16", dyck_times,
                    detail="output checked" if ok else "**output MISMATCH**",
                    profile=lambda: run_dyck(None), evaluations=[(dyck_node, brackets)]))
    rows.append(Row("batch: sort + Dyck-2 total", totals, 2.0, "sum of paired repeats",
                    profile=lambda: (run_sort(None), run_dyck(None)),
                    evaluations=[(sort_node, ints), (dyck_node, brackets)]))


def digit_edit(text: str, line: int) -> tuple[str, int]:
    """`text` with one digit of a number literal, on `line` (0-based) or the first code line
    after it that has one, replaced by another digit; and the line edited."""
    lines = text.split("\n")
    for i in range(line, len(lines)):
        code = lines[i].split("#", 1)[0]
        for j, ch in enumerate(code):
            if ch.isdigit() and (j == 0 or not (code[j - 1].isalnum() or code[j - 1] == "_")):
                lines[i] = code[:j] + str((int(ch) + 1) % 10) + lines[i][j + 1:]
                return "\n".join(lines), i
    raise AssertionError("no digit to edit")


def assert_clean(parsed: ParsedFile) -> None:
    bad = [st for st in parsed.statements if st.tree is None or st.problems]
    if bad:
        st = bad[0]
        snippet = parsed.text[st.offset:st.offset + st.length][:120]
        problem = st.problems[0].message if st.problems else "no tree"
        raise AssertionError(f"{len(bad)} statements with syntax problems, first: "
                             f"{problem}: {snippet!r}")


def same_parse(a: ParsedFile, b: ParsedFile) -> bool:
    key = [(st.offset, st.length, st.tree, st.problems) for st in a.statements]
    return a.text == b.text and key == [(st.offset, st.length, st.tree, st.problems)
                                        for st in b.statements]


def bench_parse(rows: list[Row], quick: bool, lines: int = 5000) -> None:
    text = generate(lines, SEED)
    assert text.count("\n") == lines
    reference = StatementParser().parse(text)
    assert_clean(reference)
    statements = len(reference.statements)

    full = measure(lambda _: StatementParser().parse(text), 3 if quick else 7)
    rows.append(Row(f"parse {lines:,}-line file from scratch (fresh StatementParser)", full,
                    detail=f"{statements:,} statements, {len(text):,} chars",
                    profile=lambda: StatementParser().parse(text)))

    for where, at in (("middle", lines // 2), ("top", 5)):
        edited, line = digit_edit(text, at)
        expected = StatementParser().parse(edited)
        assert_clean(expected)

        def warm_parser() -> tuple[StatementParser, ParsedFile]:
            parser = StatementParser()
            return parser, parser.parse(text)

        def run(state: tuple[StatementParser, ParsedFile], edited: str = edited) -> ParsedFile:
            return state[0].reparse(state[1], edited)

        parser, old = warm_parser()
        before = parser.parsed_count
        result = run((parser, old))
        assert same_parse(result, expected), f"reparse after an edit at the {where} differs"
        reparsed = parser.parsed_count - before

        times = measure(run, 5 if quick else 15, setup=warm_parser)
        ratio = statistics.median(times) / statistics.median(full)
        rows.append(Row(f"reparse after 1-char edit, {where} (line {line + 1:,})", times,
                        detail=f"**{ratio:.2%} of full parse**; {reparsed} statement(s) "
                               "re-parsed; result = fresh parse",
                        budget="< 5 % of full parse", ok=ratio < 0.05,
                        profile=run, profile_setup=warm_parser))


# ---- reporting --------------------------------------------------------------------------


def machine(load: float) -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import lark

    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "numpy": np.__version__,
        "lark": lark.__version__,
        "BLAS": blas_info(),
        "load average (1 min) at start": f"{load:.2f}",
    }


def blas_info() -> str:
    try:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        name = f"{config['name']} {config['version']}"
    except Exception:  # noqa: BLE001 - informational only
        name = "unknown"
    threads = os.environ.get("OPENBLAS_NUM_THREADS")
    return f"{name}, threads: {threads or 'default (one per core)'}"


HEADER = ["Case", "Median", "Min–max", "Repeats", "Target", "Verdict", "Notes"]


def table(rows: list[Row]) -> str:
    out = ["| " + " | ".join(HEADER) + " |",
           "|" + "|".join(["---"] + ["--:"] * 3 + ["---"] * 3) + "|"]
    out += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(out)


class _TimedEvaluation(Evaluation):
    """An Evaluation that records the time spent computing each node."""

    def __init__(self, inputs: list[Any]) -> None:
        super().__init__(inputs)
        self.spent: list[tuple[float, g.Node, Any]] = []

    def _compute(self, node: g.Node) -> Any:
        start = time.perf_counter()
        out = super()._compute(node)
        self.spent.append((time.perf_counter() - start, node, out))
        return out


def node_breakdown(evaluations: list[tuple[g.SOp, list[Any]]], top: int = 12) -> str:
    """The nodes that cost most, median of 3 runs, with what they computed."""
    runs: dict[int, list[float]] = {}
    about: dict[int, tuple[g.Node, Any]] = {}
    total = 0.0
    for _ in range(3):
        for node, inputs in evaluations:
            ev = _TimedEvaluation(inputs)
            ev.sop(node)
            for spent, current, out in ev.spent:
                runs.setdefault(id(current), []).append(spent)
                about[id(current)] = (current, out)
    medians = sorted(((statistics.median(t) * len(t) / 3, k) for k, t in runs.items()),
                     reverse=True)
    total = sum(m for m, _ in medians)
    lines = [f"{len(medians)} nodes, {fmt_time(total)} in node computations; the costliest:"]
    for spent, key in medians[:top]:
        node, out = about[key]
        kind = type(node).__name__
        op = getattr(node, "op", "")
        name = getattr(node, "name", None)
        lines.append(f"  {fmt_time(spent):>9}  {kind} {op or ''} "
                     f"{'`' + name + '`' if name else '(unnamed)'} -> {out.dtype} "
                     f"{'×'.join(map(str, out.shape))}")
    return "\n".join(lines)


def profile_text(row: Row, top: int = 18) -> str:
    assert row.profile is not None
    setup = row.profile_setup or (lambda: None)
    run = row.profile if row.profile_setup else (lambda _: row.profile())
    run(setup())  # warm
    state = setup()
    profiler = cProfile.Profile()
    profiler.enable()
    run(state)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    body = stream.getvalue().strip().splitlines()
    start = next((i for i, line in enumerate(body) if "ncalls" in line), 0)
    text = "cProfile, by own time (numpy ufuncs such as matmul are counted in their caller):\n"
    text += "\n".join(body[start:])
    if row.evaluations:
        text += "\n\nPer-node time:\n" + node_breakdown(row.evaluations)
    return text


def results_md(command: str, rows: list[Row], info: dict[str, str], when: str,
               dyck_path: Path, profiles: list[tuple[Row, str]]) -> str:
    missed = [row for row in rows if row.passed is False]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `benchmarks/run.py`; do not edit by hand (rerun with `--write`).",
        "",
        f"- Command: `{command}`",
        f"- Date: {when}",
        "- Machine:",
        *(f"  - {k}: {v}" for k, v in info.items()),
        f"- Dyck-2 program: `{display_path(dyck_path)}`",
        "",
        table(rows),
        "",
        "Medians of the listed repeats (`time.perf_counter`, one untimed warm-up run except",
        "for the 4,096 sort). Evaluation rows time only `Evaluation(inputs)` + `.sop(node)`",
        "on a node built beforehand; graph build rows time one `Session(...)` each. Parse rows",
        "use a file from `benchmarks/generate.py` (seeded, checked free of syntax problems);",
        "the reparse rows time `reparse` on a parser that has already parsed the original file,",
        "and the ratio is reparse median / full-parse median. Inputs are seeded random.",
        "Aggregates that average (every `selector_width`, prefix means) sum with `np.einsum`,",
        "which does not use BLAS threads: an earlier `matmul` version swung 2-3x on a loaded",
        "machine. The paper-style Dyck-2 of the conformance corpus (`paper_dyck2.rasp`) takes",
        "about 23 ms at length 1,024 (measured by hand, same day).",
        "",
        "Verdict: " + ("all targets met." if not missed else
                       "missed: " + "; ".join(f"{r.case} ({fmt_time(r.median)})" for r in missed)),
    ]
    for row, text in profiles:
        lines += ["", f"## Profile: {row.case}", "", "```", text, "```"]
    return "\n".join(lines) + "\n"


def display_path(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the RASP interpreter.")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a short run")
    parser.add_argument("--write", action="store_true", help="rewrite benchmarks/RESULTS.md")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile each case that misses its target (top functions)")
    parser.add_argument("--lines", type=int, default=5000, help="size of the parsed file")
    parser.add_argument("--blas-threads", metavar="N",
                        help="set OPENBLAS/OMP/MKL_NUM_THREADS to N (applied at start-up)")
    args = parser.parse_args(argv)

    rows: list[Row] = []
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    bench_cold_session(rows)
    dyck_path, dyck_text, dyck_name = dyck_program()
    steps: list[tuple[str, Callable[[], None]]] = [
        ("graph build", lambda: bench_build(rows, dyck_path, dyck_text)),
        ("sort", lambda: bench_sort(rows, args.quick)),
        ("Dyck-2", lambda: bench_dyck(rows, args.quick, dyck_path, dyck_text, dyck_name)),
        ("batch", lambda: bench_batch(rows, args.quick, dyck_path, dyck_text, dyck_name)),
        ("parse", lambda: bench_parse(rows, args.quick, args.lines)),
    ]
    for label, step in steps:
        print(f"running: {label} ...", file=sys.stderr, flush=True)
        step()

    profiles = []
    if args.profile:
        profiles = [(row, profile_text(row)) for row in rows
                    if row.passed is False and row.profile is not None]

    print(table(rows))
    for row, text in profiles:
        print(f"\n### Profile: {row.case}\n\n```\n{text}\n```")

    if args.write:
        command = " ".join(["python", "benchmarks/run.py", *(argv or sys.argv[1:])])
        when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        out = results_md(command, rows, machine(load), when, dyck_path, profiles)
        (HERE / "RESULTS.md").write_text(out, encoding="utf-8")
        print(f"\nwrote {display_path(HERE / 'RESULTS.md')}", file=sys.stderr)
    return 1 if any(row.passed is False for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
