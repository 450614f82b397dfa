"""The `rasp` command as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rasp.graph.builder import MAX_LOAD_BYTES
from rasp.program import Session

RASP = str(Path(sys.executable).with_name("rasp"))
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "programs"


def run(
    *args: str, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RASP, *args], capture_output=True, text=True, input=stdin, timeout=timeout, check=False
    )


def test_run_json_gives_one_result_per_expression_and_input() -> None:
    program = CORPUS / "paper_reverse.rasp"
    proc = run(
        "run",
        str(program),
        "--json",
        "--input",
        '"abc"',
        "--input",
        "[1, 2]",
        "--expr",
        "reverse",
        "--expr",
        "select(indices, indices, <)",
    )
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["expr"], r["input"]) for r in records] == [
        ("reverse", "abc"),
        ("reverse", [1, 2]),
        ("select(indices, indices, <)", "abc"),
        ("select(indices, indices, <)", [1, 2]),
    ]
    session = Session(program.read_text(encoding="utf-8"), program)
    expected = session.result(session.evaluate("reverse"), "abc", None, "reverse").to_json()
    assert records[0] == expected
    assert records[2]["kind"] == "selector" and records[2]["matrix"][1] == [True, False, False]


def test_run_reports_program_errors_with_locations_and_exit_1(tmp_path: Path) -> None:
    source = "good = indices + 1;\nbad = missing + 1;\n"
    path = tmp_path / "broken.rasp"
    path.write_text(source)
    proc = run("run", str(path), "--json")
    assert proc.returncode == 1
    first = json.loads(proc.stdout.splitlines()[0])
    assert first["stage"] == "program"
    line = source.splitlines()[first["error"]["line"] - 1]
    assert line[first["error"]["column"] - 1 :].startswith("missing")
    assert any(json.loads(x).get("name") == "good" for x in proc.stdout.splitlines())


def test_run_prints_like_the_reference(tmp_path: Path) -> None:
    path = tmp_path / "p.rasp"
    path.write_text(
        'set example "abc"\nr = aggregate(select(indices, length - indices - 1, ==),'
        " tokens);\nn = length;\n"
    )
    proc = run("run", str(path))
    assert proc.stdout.splitlines() == ['r("abc") = [c, b, a] (strings)', 'n("abc") = [3]*3 (ints)']


def test_usage_errors_exit_2() -> None:
    assert run("run", "no/such/file.rasp").returncode == 2
    assert run("frobnicate").returncode == 2


def test_repl_prints_definitions_like_the_reference() -> None:
    session = "a = 3;\nc = indices + 4;\ndef foo(a, b) {\n  return a + b;\n}\nundefined_thing;\n"
    proc = run("repl", stdin=session)
    out = proc.stdout
    assert proc.returncode == 0
    assert "value: a =  3" in out
    assert "s-op: c" in out and 'Example: c("hello") = [4, 5, 6, 7, 8] (ints)' in out
    assert "console function: foo(a, b)" in out
    assert "Error: Undefined variable: undefined_thing" in out


@pytest.mark.parametrize("command", ["run", "check", "cost", "draw"])
def test_a_file_over_2_mb_is_refused_at_once(command: str, tmp_path: Path) -> None:
    """The file given on the command line has the size limit of a loaded file (analysing
    2 MB took 24 s): refused before it is parsed, with its name and size."""
    line = "v = indices + 1;\n"
    path = tmp_path / "big.rasp"
    path.write_text(line * (MAX_LOAD_BYTES // len(line) + 10), encoding="utf-8")
    size = path.stat().st_size
    extra = ["v", "-o", str(tmp_path / "out.svg")] if command == "draw" else []
    proc = run(command, str(path), *extra, timeout=30)  # the timeout only guards a hang
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr == (
        f"rasp: {path} is too large to analyse: {size:,} bytes, over the limit of "
        f"{MAX_LOAD_BYTES:,} bytes; split it into smaller files and `load` them from one\n"
    )
