"""Benchmarks of the editor-side analysis of a large valid program: the full analysis from
scratch, and re-analysis after a one-line edit near the end or at the top of the file.

    .venv/bin/python benchmarks/analysis.py            # full run, prints a Markdown table
    .venv/bin/python benchmarks/analysis.py --quick    # fewer repeats
    .venv/bin/python benchmarks/analysis.py --write    # also rewrite the `## Analysis` section
                                                       # of benchmarks/RESULTS.md
    .venv/bin/python benchmarks/analysis.py --profile  # profile every case, not only misses

The program comes from `benchmarks/generate_valid.py` (seeded; `Session(text).errors == []`).
Cases, each the median of several repeats timed with `time.perf_counter`:

(a) full analysis from scratch: `Session(text, None)` (parse, run every statement, check each
    definition on "hello") then `.diagnostics()` (static analysis); also each part alone;
(b) a one-line edit near the end (the constant of `final_score`): `s.edit(new)` then
    `.diagnostics()` on the edited session, with the number of statements executed again;
    edits are timed the way the language server runs them: sessions without the reference's
    check of each definition on the running example (the evaluation worker does that,
    in another process), and long-lived objects frozen out of the garbage collector after
    each edit (`rasp.lsp.collector`);
(c) an edit at the top that changes the name almost everything depends on
    (`base = indices + 1;` -> `base = indices + 2;`), timed like (b);
(d) the edit of (b) with `s.edit(new)` only (no diagnostics), to show the split.

Each edit case alternates between two versions of the text, so every timed edit really changes
the text; the edited session's errors (and, once per version, its diagnostics) are checked
against a fresh `Session` of the same text, outside the timed region. A case that misses its
target is profiled with cProfile (top functions by own time, and the callers of the hottest).
The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import hashlib
import io
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate_valid import BASE_LINE, END_CONSTANT, end_edit, generate, top_edit  # noqa: E402
from results import write_section  # noqa: E402
from run import Row, fmt_time, machine, table  # noqa: E402, I001

from rasp.diagnostic import Diagnostic  # noqa: E402
from rasp.graph import nodes as g  # noqa: E402
from rasp.program import Session  # noqa: E402

SEED = 2021
EDITOR: dict[str, Any] = {"check_on_example": False}  # sessions as the language server makes
SECTION = "## Analysis"
RESULTS = HERE / "RESULTS.md"


# ---- the program --------------------------------------------------------------------------


@dataclass
class Fresh:
    """What a Session built from scratch reports for a text (the reference for edits)."""

    errors: list[Any]
    diagnostics: list[Diagnostic] | None = None


@dataclass
class Program:
    text: str
    lines: int
    statements: int
    defs: int
    loops: int
    chains: int
    roots: int
    nodes: int
    diagnostic_codes: Counter[str]
    fresh: dict[str, Fresh] = field(default_factory=dict)

    def reference(self, text: str, diagnostics: bool = False) -> Fresh:
        """Errors (and diagnostics, when asked) of a fresh Session of `text` as the editor
        makes it, memoised."""
        known = self.fresh.get(text)
        if known is None:
            known = self.fresh[text] = Fresh(Session(text, None, **EDITOR).errors)
        if diagnostics and known.diagnostics is None:
            known.diagnostics = Session(text, None, **EDITOR).diagnostics()
        return known


def distinct_nodes(roots: list[g.Node]) -> int:
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node.id not in seen:
            seen.add(node.id)
            stack.extend(node.inputs())
    return len(seen)


def make_program(lines: int) -> Program:
    text = generate(lines, SEED)
    session = Session(text, None)
    if session.errors:
        first = session.errors[0]
        raise SystemExit(f"generated program has {len(session.errors)} errors, first: "
                         f"{first.message} (line {first.line})")
    diagnostics = session.diagnostics()
    program = Program(
        text=text,
        lines=text.count("\n"),
        statements=len(session.parsed.statements),
        defs=len(re.findall(r"^def ", text, re.MULTILINE)),
        loops=len(re.findall(r"^for ", text, re.MULTILINE)),
        chains=len(re.findall(r"^# aggregate chain ", text, re.MULTILINE)),
        roots=len(session.builder.results),
        nodes=distinct_nodes(list(session.builder.results)),
        diagnostic_codes=Counter(f"{d.severity} `{d.code}`" for d in diagnostics),
    )
    return program


# ---- cases --------------------------------------------------------------------------------


@dataclass
class EditRun:
    """Timed alternating edits: per repeat, the edit time, the diagnostics time (if any), the
    number of statements executed, and whether the result matched a fresh Session."""

    edit: list[float] = field(default_factory=list)
    diagnostics: list[float] = field(default_factory=list)
    executed: list[int] = field(default_factory=list)
    errors_ok: bool = True
    diagnostics_ok: bool | None = None
    differences: list[str] = field(default_factory=list)  # how diagnostics differed

    @property
    def totals(self) -> list[float]:
        if not self.diagnostics:
            return self.edit
        return [a + b for a, b in zip(self.edit, self.diagnostics, strict=True)]


def timed_edits(program: Program, versions: tuple[str, str], repeats: int,
                with_diagnostics: bool) -> EditRun:
    """Start from a Session of versions[0], then edit to versions[1], versions[0], ... One
    untimed warm-up edit each way first. Checks run outside the timed region."""
    session = Session(versions[0], None, **EDITOR)
    out = EditRun()
    checked: set[str] = set()
    for i in range(2 + repeats):
        new = versions[(i + 1) % 2]
        start = time.perf_counter()
        session = session.edit(new)
        middle = time.perf_counter()
        diagnostics = session.diagnostics() if with_diagnostics else None
        end = time.perf_counter()
        gc.freeze()  # as the server does after background work (rasp.lsp.collector)
        executed = session.runner.executed if session.runner else -1
        if session.errors != program.reference(new).errors:
            out.errors_ok = False
        if diagnostics is not None and new not in checked:
            checked.add(new)
            fresh = program.reference(new, diagnostics=True).diagnostics
            assert fresh is not None
            same = diagnostics == fresh
            out.diagnostics_ok = same and out.diagnostics_ok is not False
            if not same:
                out.differences += describe_difference(session, diagnostics, fresh)
        if i >= 2:
            out.edit.append(middle - start)
            if with_diagnostics:
                out.diagnostics.append(end - middle)
            out.executed.append(executed)
    gc.unfreeze()
    return out


def describe_difference(session: Session, edited: list[Diagnostic],
                        fresh: list[Diagnostic], limit: int = 3) -> list[str]:
    """The first diagnostics found only after the edit or only in the fresh Session."""
    out = []
    for label, mine, other in (("only after the edit", edited, fresh),
                               ("only in a fresh Session", fresh, edited)):
        extra = [d for d in mine if d not in other]
        for d in extra[:limit]:
            line, column = session.lines.position(d.span.start)
            out.append(f"{label} (version with `{version_label(session.text)}`): line "
                       f"{line + 1}:{column + 1} {d.severity} `{d.code}`: {d.message[:120]}…")
        if len(extra) > limit:
            out.append(f"{label}: {len(extra) - limit} more")
    if not out:
        out.append("same diagnostics in a different order")
    return out


def version_label(text: str) -> str:
    """Which version of the program `text` is: its `base` line and `final_score` constant."""
    base = re.search(r"^base = indices \+ \d+;", text, re.MULTILINE)
    final = re.search(r"^final_score = .* \+ (\d+);", text, re.MULTILINE)
    return (f"{base.group(0) if base else '?'}`, `final_score = … + "
            f"{final.group(1) if final else '?'};")


def executed_text(run: EditRun, program: Program) -> str:
    counts = sorted(set(run.executed))
    shown = "/".join(f"{c:,}" for c in counts)
    return f"**{shown} of {program.statements:,} statements executed**"


def check_text(run: EditRun) -> str:
    parts = ["errors = fresh Session's" if run.errors_ok else "**errors DIFFER from fresh**"]
    if run.diagnostics_ok is not None:
        parts.append("diagnostics = fresh" if run.diagnostics_ok
                     else "**diagnostics DIFFER from fresh**")
    return "; ".join(parts)


def split_text(run: EditRun) -> str:
    return (f"edit {fmt_time(statistics.median(run.edit))} + diagnostics "
            f"{fmt_time(statistics.median(run.diagnostics))}")


def profile_edit(versions: tuple[str, str], with_diagnostics: bool) -> Callable[[], Any]:
    """A profiled callable for an edit case: the session is prepared when it is built."""
    session = Session(versions[0], None, **EDITOR).edit(versions[1])

    def run() -> None:
        edited = session.edit(versions[0])
        if with_diagnostics:
            edited.diagnostics()

    return run


def bench_full(rows: list[Row], program: Program, repeats: int) -> None:
    text = program.text
    session_times: list[float] = []
    diagnostics_times: list[float] = []
    for i in range(1 + repeats):  # one untimed warm-up
        start = time.perf_counter()
        session = Session(text, None)
        middle = time.perf_counter()
        session.diagnostics()
        end = time.perf_counter()
        if i:
            session_times.append(middle - start)
            diagnostics_times.append(end - middle)
    totals = [a + b for a, b in zip(session_times, diagnostics_times, strict=True)]
    rows.append(Row("(a) full analysis from scratch: `Session(text)` + `.diagnostics()`", totals,
                    1.0, f"{program.statements:,} statements; sum of paired repeats",
                    profile=lambda: Session(text, None).diagnostics()))
    rows.append(Row("(a1) … `Session(text, None)` alone (parse, run, check on \"hello\")",
                    session_times, detail="fresh StatementParser each time",
                    profile=lambda: Session(text, None)))
    session = Session(text, None)
    rows.append(Row("(a2) … `.diagnostics()` alone (static analysis)", diagnostics_times,
                    detail="on the Session just built", profile=session.diagnostics))


Differences = list[tuple[str, str]]  # (case, how its diagnostics differed from fresh)


def bench_end(rows: list[Row], differences: Differences, program: Program,
              repeats: int) -> None:
    versions = (program.text, end_edit(program.text, END_CONSTANT + 1))
    run = timed_edits(program, versions, repeats, with_diagnostics=True)
    differences += [("(b)", text) for text in run.differences]
    rows.append(Row(f"(b) edit near the end (`final_score` constant {END_CONSTANT} ↔ "
                    f"{END_CONSTANT + 1}): `s.edit(new)` + `.diagnostics()`", run.totals, 0.050,
                    f"{executed_text(run, program)}; {split_text(run)}; {check_text(run)}",
                    profile=profile_edit(versions, True)))
    edit_only = timed_edits(program, versions, repeats, with_diagnostics=False)
    rows.append(Row("(d) same edit near the end, `s.edit(new)` only (no diagnostics)",
                    edit_only.totals, detail=f"{executed_text(edit_only, program)}; "
                                             f"{check_text(edit_only)}",
                    profile=profile_edit(versions, False)))


def bench_top(rows: list[Row], differences: Differences, program: Program,
               repeats: int) -> None:
    versions = (program.text, top_edit(program.text, 2))
    run = timed_edits(program, versions, repeats, with_diagnostics=True)
    differences += [("(c)", text) for text in run.differences]
    rows.append(Row(f"(c) edit at the top (`{BASE_LINE}` ↔ `base = indices + 2;`): "
                    "`s.edit(new)` + `.diagnostics()`", run.totals, 0.300,
                    f"{executed_text(run, program)}; {split_text(run)}; {check_text(run)}",
                    profile=profile_edit(versions, True)))
    rows.append(Row("(c1) … its `s.edit(new)` part", run.edit,
                    detail="split of (c), same repeats", profile=profile_edit(versions, False)))


# ---- profiles -----------------------------------------------------------------------------


def profile_text(row: Row, top: int = 15) -> str:
    assert row.profile is not None
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    row.profile()
    profiler.disable()
    spent = time.perf_counter() - start
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    own = _table_part(stream.getvalue())
    stream.seek(0)
    stream.truncate()
    stats.sort_stats("cumulative").print_stats(top)
    cumulative = _table_part(stream.getvalue())
    text = (f"One run under cProfile: {fmt_time(spent)} (profiling overhead included; "
            "numpy time counts in its caller).\n\nBy own time:\n" + own +
            "\n\nBy cumulative time:\n" + cumulative)
    # callers of the function with the most own time; through thin wrappers (little own
    # time), the callers of the wrapper too
    entries: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    function = max(entries, key=lambda f: entries[f][2])
    for _ in range(3):
        stream.seek(0)
        stream.truncate()
        file, line, name = function
        stats.print_callers(f"{re.escape(file)}:{line}\\({re.escape(name)}\\)")
        text += (f"\n\nCallers of {name} ({file}:{line}):\n"
                 + _table_part(stream.getvalue(), marker="was called by"))
        callers = entries[function][4]  # caller -> (cc, nc, tt, ct)
        if not callers:
            break
        function = max(callers, key=lambda f: callers[f][3])
        own_time, total = entries[function][2], entries[function][3]
        if total <= 0 or own_time > 0.1 * total:
            break
    return text


def _table_part(text: str, marker: str = "ncalls") -> str:
    body = text.strip().splitlines()
    start = next((i for i, line in enumerate(body) if marker in line), 0)
    return "\n".join(line.rstrip() for line in body[start:] if line.strip())


# ---- reporting ----------------------------------------------------------------------------


def code_state() -> str:
    """The commit measured, and whether `server/` had uncommitted changes (read-only git)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "--no-optional-locks", *args], cwd=HERE.parent,
                              capture_output=True, text=True, check=True).stdout.rstrip()

    try:
        head = git("rev-parse", "--short", "HEAD").strip()
        changed = [line[3:] for line in git("status", "--porcelain", "--", "server").splitlines()]
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    if not changed:
        return f"commit {head}, `server/` unmodified"
    digest = hashlib.sha256()
    for path in sorted((HERE.parent / "server").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".rasp", ".lark"):
            digest.update(str(path.relative_to(HERE.parent)).encode() + b"\0")
            digest.update(path.read_bytes())
    return (f"commit {head} plus uncommitted changes in `server/` "
            f"({', '.join(f'`{c}`' for c in changed)}; sources sha256 "
            f"{digest.hexdigest()[:12]})")


def section_md(command: str, rows: list[Row], info: dict[str, str], when: str,
               program: Program, profiles: list[tuple[Row, str]],
               differences: Differences, code: str) -> str:
    missed = [row for row in rows if row.passed is False]
    codes = ", ".join(f"{n} {code}" for code, n in sorted(program.diagnostic_codes.items()))
    lines = [
        SECTION,
        "",
        "Generated by `benchmarks/analysis.py`; only this section is rewritten (rerun with",
        "`--write`). Note that `benchmarks/run.py --write` rewrites the whole file.",
        "",
        f"- Command: `{command}`",
        f"- Date: {when}",
        f"- Code (at start): {code}",
        "- Machine:",
        *(f"  - {k}: {v}" for k, v in info.items()),
        f"- Program: `benchmarks/generate_valid.py` (seed {SEED}): {program.lines:,} lines, "
        f"{program.statements:,} top-level statements ({program.defs} `def`s each called "
        f"with different arguments, {program.loops} top-level `for` loops, {program.chains} "
        f"aggregate chains of 8-16 levels), {len(program.text):,} chars; "
        f"{program.roots:,} s-ops/selectors bound, {program.nodes:,} distinct graph nodes.",
        "  `Session(text).errors == []`; diagnostics: " + (codes or "none") + ".",
        "",
        table(rows),
        "",
        "Medians of the listed repeats (`time.perf_counter`). (a) builds a fresh `Session`",
        "(fresh `StatementParser`, so nothing is cached but the standard library) after one",
        "untimed warm-up; (a1) and (a2) are the two parts of the same repeats. Edit rows use",
        "sessions as the language server makes them: without the reference's check of each",
        "definition on the running example (the evaluation worker does it, in its own",
        "process), and with long-lived objects frozen out of the garbage collector after each",
        "edit, as the server's `rasp.lsp.collector` does after background work. They start",
        "from a Session of one version and alternate between two versions of the text (two",
        "untimed warm-up edits first), so every timed edit changes the text; since each version",
        "has been seen before, the changed statement's parse comes from the parser's cache (a",
        "1-statement parse costs about 1 ms, see the reparse rows above). The executed count is",
        "`s.runner.executed` of the edited session (statements executed, not replayed). Checks",
        "(outside the timed region): the edited session's `errors` equal a fresh `Session`'s",
        "after every edit, and its `diagnostics()` equal a fresh Session's once per version.",
        "",
        "Verdict: " + ("all targets met." if not missed else
                       "missed: " + "; ".join(f"{r.case} ({fmt_time(r.median)})" for r in missed)),
    ]
    if differences:
        lines += ["", "Diagnostics that differ from a fresh Session's:", ""]
        lines += [f"- {case} {text}" for case, text in differences]
    for row, text in profiles:
        lines += ["", f"### Profile: {row.case}", "", "```", text, "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the analysis of a large program.")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a short run")
    parser.add_argument("--write", action="store_true",
                        help="rewrite the `## Analysis` section of benchmarks/RESULTS.md")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile every case (by default only the cases that miss)")
    parser.add_argument("--lines", type=int, default=5000, help="size of the program")
    args = parser.parse_args(argv)

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    code = code_state()
    full_repeats, edit_repeats = (3, 5) if args.quick else (5, 11)
    Session("", None)  # the standard library is built once per process, not timed
    print("generating and checking the program ...", file=sys.stderr, flush=True)
    program = make_program(args.lines)
    rows: list[Row] = []
    differences: Differences = []
    steps: list[tuple[str, Callable[[], None]]] = [
        ("full analysis", lambda: bench_full(rows, program, full_repeats)),
        ("edit near the end", lambda: bench_end(rows, differences, program, edit_repeats)),
        ("edit at the top", lambda: bench_top(rows, differences, program, edit_repeats)),
    ]
    for label, step in steps:
        print(f"running: {label} ...", file=sys.stderr, flush=True)
        step()

    to_profile = [row for row in rows if row.profile is not None
                  and (args.profile or row.passed is False)]
    profiles = []
    for row in to_profile:
        print(f"profiling: {row.case} ...", file=sys.stderr, flush=True)
        profiles.append((row, profile_text(row)))

    print(table(rows))
    for case, text in differences:
        print(f"- {case} {text}")
    for row, text in profiles:
        print(f"\n### Profile: {row.case}\n\n```\n{text}\n```")

    if args.write:
        command = " ".join(["python", "benchmarks/analysis.py", *(argv or sys.argv[1:])])
        when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        write_section(SECTION, section_md(command, rows, machine(load), when, program, profiles,
                                 differences, code))
        print(f"\nwrote the {SECTION!r} section of {RESULTS.relative_to(HERE.parent)}",
              file=sys.stderr)
    return 1 if any(row.passed is False for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
