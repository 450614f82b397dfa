"""Limits: every way a program can ask for too much gives a diagnostic at the right place, and
nothing hangs. Each case runs in two child processes at once, under a time limit: the command
line (`rasp check FILE`) and a `Session` of the file (run + static analysis), so a hang is a
failed test, not a stuck suite.

Cases: recursion and long chains of calls, huge lists and strings, long and nested loops
and comprehensions, deeply nested expressions and long flat ones (fixtures in
`tests/fixtures/limits/`), and `load` of a cycle, a missing file, a
non-RASP text file, a binary file, a file over 2 MB and paths outside the loading file's
folder (files written into `tmp_path`). Every child runs with `tmp_path` as its working
directory, so `load` finds nothing by accident.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rasp.graph.builder import MAX_LOAD_BYTES
from rasp.program import Session

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures" / "limits"
RASP = Path(sys.executable).with_name("rasp")
LIMIT_SECONDS = 15.0  # a limit exists to stop early: far more than any case needs
_CHECK_LINE = re.compile(r"^(?P<file>.*):(?P<line>\d+):(?P<column>\d+): (?P<severity>\w+)"
                         r"\[(?P<code>[\w-]+)\]: (?P<message>.*)$")

SESSION_SCRIPT = """
import json, sys
from pathlib import Path
from rasp.program import Session
path = Path(sys.argv[1])
session = Session(path.read_bytes().decode("utf-8", errors="replace"), path)
print(json.dumps({
    "errors": [{"code": e.code, "line": e.line, "column": e.column, "start": e.span.start,
                "end": e.span.end, "message": e.message} for e in session.errors],
    "diagnostics": [{"code": d.code, "severity": d.severity.value, "start": d.span.start,
                     "end": d.span.end, "line": session.lines.position(d.span.start)[0] + 1,
                     "column": session.lines.position(d.span.start)[1] + 1,
                     "message": d.message} for d in session.diagnostics()],
    "names": sorted(session.builder.scope.vars),
}))
"""


@dataclass
class Found:
    """What one file gives: `rasp check`'s lines and a Session's errors and names."""

    text: str
    status: int
    check: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, object]] = field(default_factory=list)
    diagnostics: list[dict[str, object]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def at(self, line: int) -> list[dict[str, object]]:
        return [e for e in self.errors if e["line"] == line]


def examine(path: Path, cwd: Path, limit: float = LIMIT_SECONDS) -> Found:
    """`rasp check` and a Session of `path`, in parallel child processes; fail if either
    outlives `limit` seconds (both are killed)."""
    started = time.monotonic()
    children = [
        subprocess.Popen([str(RASP), "check", str(path)], cwd=cwd, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE),
        subprocess.Popen([sys.executable, "-c", SESSION_SCRIPT, str(path)], cwd=cwd, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE),
    ]
    outputs = []
    try:
        for child in children:
            left = max(0.1, limit - (time.monotonic() - started))
            outputs.append(child.communicate(timeout=left))
    except subprocess.TimeoutExpired:
        for child in children:
            child.kill()
            child.communicate()
        pytest.fail(f"{path.name}: `rasp check` and Session did not both finish within "
                    f"{limit:.0f} s")
    seconds = time.monotonic() - started
    (check_out, check_err), (session_out, session_err) = outputs
    assert "Traceback" not in check_out + check_err, check_err
    assert children[1].returncode == 0, session_err
    assert children[0].returncode in (0, 1), check_err
    session = json.loads(session_out)
    lines = [m.groupdict() for m in map(_CHECK_LINE.match, check_out.splitlines()) if m]
    text = path.read_bytes().decode("utf-8", errors="replace")
    found = Found(text, children[0].returncode, lines, session["errors"],
                  session["diagnostics"], session["names"], seconds)
    # the command line prints the Session's diagnostics
    assert [(c["severity"], c["code"], int(c["line"]), int(c["column"])) for c in lines] == [
        (d["severity"], d["code"], d["line"], d["column"]) for d in found.diagnostics
    ], (lines, found.diagnostics)
    for d in found.diagnostics:
        assert 0 <= int(d["start"]) <= int(d["end"]) <= len(text), d  # type: ignore[call-overload]
    return found


def only_error(found: Found) -> dict[str, object]:
    assert len(found.errors) == 1, found.errors
    assert found.status == 1
    return found.errors[0]


def covered(found: Found, error: dict[str, object]) -> str:
    return found.text[int(error["start"]) : int(error["end"])]  # type: ignore[call-overload]


def copy_fixture(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    target.write_bytes((FIXTURES / name).read_bytes())
    return target


# ---- recursion, sizes, loops ------------------------------------------------------------------

# fixture: (code, line, the text the error covers, message fragment)
FIXTURE_LIMITS = {
    "recursion.rasp": ("limit", 2, "f(x)", "calls nested deeper than 150: f calls itself; is "
                       "the recursion missing a base case?"),
    "mutual_recursion.rasp": ("limit", None, None, "calls nested deeper than 150: ping calls "
                              "itself through pong; is the recursion missing a base case?"),
    # no function calls itself: not a recursion, a chain to flatten
    "call_chain.rasp": ("limit", None, "f150(a)", "calls nested deeper than 150 (f0 calls f1, "
                        "which calls ... f150), without recursion"),
    "huge_range.rasp": ("limit", 2, "range(100000000)",
                        "list of 100,000,000 elements is too large (limit 1,000,000)"),
    "huge_repeat.rasp": ("limit", 1, "[0] * 100000000", "too large"),
    # a string is a string, not a list
    "huge_text_repeat.rasp": ("limit", 1, '"ab" * 100000000',
                              "string of 200,000,000 characters is too long (limit 1,000,000"),
    "huge_comprehension.rasp": ("limit", 1, "range(100000000)", "too large"),
    "long_loop.rasp": ("limit", 1, "range(100000)", "10000"),
    # each loop or list alone is within the limits: the limit must count their product
    "nested_loops.rasp": ("limit", None, None, ""),
    "nested_comprehension.rasp": ("limit", None, None, ""),
}


@pytest.mark.parametrize("name", list(FIXTURE_LIMITS))
def test_limit_is_a_diagnostic_at_its_place(name: str, tmp_path: Path) -> None:
    code, line, text, message = FIXTURE_LIMITS[name]
    found = examine(copy_fixture(name, tmp_path), tmp_path)
    error = only_error(found)
    assert error["code"] == code
    assert message in str(error["message"])
    if line is not None:
        assert error["line"] == line
    if text is not None:
        assert covered(found, error) == text
    assert "after" in found.names  # the statements after the failing one still run


def test_a_chain_of_calls_is_not_called_a_recursion(tmp_path: Path) -> None:
    error = only_error(examine(copy_fixture("call_chain.rasp", tmp_path), tmp_path))
    assert "base case" not in str(error["message"])
    assert "flatten" in str(error["message"])


def test_shared_sublists_do_not_stall_the_build(tmp_path: Path) -> None:
    """100 references to one list of 999,999 elements: no limit applies and nothing is big,
    but the build walks every element of every reference (about 10^8 steps, 10 s here; the
    language server runs the build in its own process, so it would not answer meanwhile)."""
    found = examine(copy_fixture("shared_sublists.rasp", tmp_path), tmp_path, limit=5)
    assert found.errors == [] and "after" in found.names


# ---- deep nesting -----------------------------------------------------------------------------

DEPTH = 5000
NESTED = {
    "parentheses": "x = " + "(" * DEPTH + "1" + ")" * DEPTH + ";",
    "brackets": "x = " + "[" * DEPTH + "1" + "]" * DEPTH + ";",
    "calls": "x = " + "round(" * DEPTH + "1" + ")" * DEPTH + ";",
    "prefix operators": "x = " + "- " * DEPTH + "1;",
}


@pytest.mark.parametrize("shape", list(NESTED))
def test_deep_nesting_is_a_syntax_error_on_its_statement(shape: str, tmp_path: Path) -> None:
    target = tmp_path / "deep.rasp"
    target.write_text(f"before = tokens;\n{NESTED[shape]}\nafter = tokens;\n", encoding="utf-8")
    found = examine(target, tmp_path)
    error = only_error(found)
    assert (error["code"], error["line"], error["column"]) == ("syntax-error", 2, 1)
    assert "nested too deeply" in str(error["message"])
    assert {"before", "after"} <= set(found.names)


# a long statement is not a deep one: chains of binary operators are flat, however long
FLAT = {
    "sum of numbers": "x = " + " + ".join(["1"] * DEPTH) + ";",
    "sum of s-ops": "x = indices" + " + 1" * DEPTH + ";",
    "and of selectors": "s = select(indices, indices, ==);\nx = s" + " and s" * DEPTH + ";",
    "mixed operators": "x = indices" + " * 2 - 1 > 0 or indices" * DEPTH + ";",
    "in a function": "def f(a) { return a" + " - 1" * DEPTH + "; }\nx = f(indices);",
    "in a function never called": "def g(a) { return a" + " % 7" * DEPTH + "; }",
}


@pytest.mark.parametrize("shape", list(FLAT))
def test_long_flat_chains_of_operators_are_analysed(shape: str, tmp_path: Path) -> None:
    target = tmp_path / "flat.rasp"
    target.write_text(f"before = tokens;\n{FLAT[shape]}\nafter = tokens;\n", encoding="utf-8")
    found = examine(target, tmp_path)
    assert found.errors == [] and found.status == 0
    assert {"before", "after"} <= set(found.names)


def test_a_number_too_long_to_read_is_a_syntax_error(tmp_path: Path) -> None:
    """Python reads at most 4,300 digits: more is a syntax error on the number, not a crash."""
    number = "7" * DEPTH
    target = tmp_path / "number.rasp"
    target.write_text(f"before = tokens;\nx = {number} + 1;\nafter = tokens;\n",
                      encoding="utf-8")
    found = examine(target, tmp_path)
    error = only_error(found)
    assert (error["code"], error["line"]) == ("syntax-error", 2)
    assert covered(found, error) == number
    assert f"{DEPTH:,} digits" in str(error["message"])
    assert {"before", "after"} <= set(found.names)


def test_deep_unclosed_nesting_points_at_the_open_bracket(tmp_path: Path) -> None:
    target = tmp_path / "unclosed.rasp"
    target.write_text("x = " + "(" * DEPTH + "1;\nafter = tokens;\n", encoding="utf-8")
    found = examine(target, tmp_path)
    error = only_error(found)
    assert (error["code"], error["line"]) == ("syntax-error", 1)
    assert covered(found, error) == "("
    assert "after" in found.names


def test_analysis_of_a_deep_call_chain_is_stable() -> None:
    """A chain of 309 functions, each calling the next, stopped by the call-depth limit: asking
    for the analysis twice must give the same answer (the first call reports 8 `limit` errors
    on functions "never called", the second none)."""
    chain = "".join(f"def f{i}(a) {{ return f{i - 1}(a); }}\n" for i in range(2, 310))
    session = Session("def f1(a) { return a; }\n" + chain + "x = f309(1);\n", None)
    first = session.analysis_diagnostics()
    assert session.analysis_diagnostics() == first


# ---- load ------------------------------------------------------------------------------------


def write(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_load_cycle(tmp_path: Path) -> None:
    write(tmp_path, "b.rasp", 'load "a";\nxb = tokens;\n')
    main = write(tmp_path, "a.rasp", 'load "b";\nxa = tokens;\n')
    found = examine(main, tmp_path)
    error = only_error(found)
    assert (error["code"], error["line"], error["column"]) == ("unknown-file", 1, 1)
    assert str(error["message"]).startswith(
        "load cycle: a.rasp loads b.rasp, which loads a.rasp again;")
    assert "xa" in found.names


def test_load_cycle_below_the_file_checked(tmp_path: Path) -> None:
    """main loads a, a loads b, b loads a: the cycle is a-b-a, reported at main's `load`."""
    write(tmp_path, "a.rasp", 'load "b";\nxa = tokens;\n')
    write(tmp_path, "b.rasp", 'xb = tokens;\nload "a";\n')
    main = write(tmp_path, "main.rasp", 'x = tokens;\nload "a";\ny = x;\n')
    found = examine(main, tmp_path)
    error = only_error(found)
    assert (error["code"], error["line"], error["column"]) == ("unknown-file", 2, 1)
    assert str(error["message"]).startswith(
        "load cycle: a.rasp loads b.rasp, which loads a.rasp again;")
    assert {"x", "y", "xa", "xb"} <= set(found.names)


def test_file_loading_itself(tmp_path: Path) -> None:
    main = write(tmp_path, "self.rasp", 'load "self";\nx = tokens;\n')
    error = only_error(examine(main, tmp_path))
    assert (error["code"], error["line"], error["column"]) == ("unknown-file", 1, 1)
    assert str(error["message"]).startswith("load cycle: self.rasp loads itself;")


def test_load_of_a_missing_file(tmp_path: Path) -> None:
    main = write(tmp_path, "main.rasp", 'x = tokens;\nload "no_such_file";\ny = x;\n')
    found = examine(main, tmp_path)
    error = only_error(found)
    assert (error["code"], error["line"], error["column"]) == ("unknown-file", 2, 1)
    assert error["message"] == "could not find file: no_such_file.rasp"
    assert {"x", "y"} <= set(found.names)


def test_load_of_a_binary_file(tmp_path: Path) -> None:
    noise = random.Random(7).randbytes(4000)
    write(tmp_path, "blob.rasp", b"\xff\xfe" + noise)
    main = write(tmp_path, "main.rasp", 'load "blob";\ny = tokens;\n')
    found = examine(main, tmp_path)
    error = only_error(found)
    assert (error["code"], error["line"], error["column"]) == ("unknown-file", 1, 1)
    assert "could not read" in str(error["message"])
    assert "y" in found.names


def test_load_of_a_file_over_2_mb(tmp_path: Path) -> None:
    line = "v = indices + 1;\n"
    write(tmp_path, "big.rasp", line * (MAX_LOAD_BYTES // len(line) + 10))
    main = write(tmp_path, "main.rasp", 'load "big";\ny = tokens;\n')
    found = examine(main, tmp_path)
    error = only_error(found)
    assert (error["code"], error["line"], error["column"]) == ("unknown-file", 1, 1)
    assert "too large" in str(error["message"])
    assert "v" not in found.names and "y" in found.names


def test_load_of_a_text_file_that_is_not_rasp(tmp_path: Path) -> None:
    """The loaded file is nothing but syntax errors: the `load` must say so (today it loads
    silently and binds nothing)."""
    (tmp_path / "notes.rasp").write_bytes((FIXTURES / "prose.rasp").read_bytes())
    main = write(tmp_path, "main.rasp", 'load "notes";\ny = tokens;\n')
    found = examine(main, tmp_path)
    assert [(e["line"], e["column"]) for e in found.errors] == [(1, 1)], found.errors
    assert found.status == 1 and "y" in found.names


def test_a_non_rasp_file_checked_directly_gives_syntax_errors(tmp_path: Path) -> None:
    found = examine(copy_fixture("prose.rasp", tmp_path), tmp_path)
    assert found.errors and {e["code"] for e in found.errors} == {"syntax-error"}


OUTSIDE = {
    "relative path up and out": "../outside/secret",
    "absolute path": "{root}/outside/secret",
}


@pytest.mark.parametrize("case", list(OUTSIDE))
def test_load_outside_the_folder_of_the_loading_file(case: str, tmp_path: Path) -> None:
    """The wish: `load` reads files next to the loading file (or the working directory), not
    anywhere on disk. Today both paths are read and their names bound."""
    write(tmp_path / "outside", "secret.rasp", 'secret = "s3cr3t";\n')
    target = OUTSIDE[case].format(root=tmp_path.as_posix())
    main = write(tmp_path / "project", "main.rasp", f'load "{target}";\ny = tokens;\n')
    found = examine(main, tmp_path / "project")
    assert [(e["line"], e["column"]) for e in found.errors] == [(1, 1)], found.errors
    assert "secret" not in found.names


def test_load_of_a_system_file_reads_nothing(tmp_path: Path) -> None:
    """`load "../../etc/passwd"` names `/etc/passwd.rasp` (`load` appends `.rasp`): a
    diagnostic on the `load`, whether the file is refused or not found."""
    main = write(tmp_path / "a" / "b", "main.rasp", 'load "../../../../../../etc/passwd";\n')
    error = only_error(examine(main, tmp_path / "a" / "b"))
    assert (error["code"], error["line"], error["column"]) == ("unknown-file", 1, 1)
    assert "etc/passwd.rasp" in str(error["message"])
