"""Errors: every error of language.md section 9 (and syntax errors, and the
reference-incompatible information) at the right range, checked against inline annotations in
`tests/fixtures/errors/*.rasp` (format: `tests/annotations.py`); and a command line that never
shows a traceback, whatever file it is given.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations import AnnotationError, check, parse_annotations, render
from rasp import cli
from rasp.diagnostic import Diagnostic, Severity
from rasp.program import Session
from rasp.text import Span

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = sorted((TESTS / "fixtures" / "errors").glob("*.rasp"))
CONFORMANCE = ROOT.parent / "shared" / "conformance" / "programs"
PROGRAMS = sorted((ROOT / "examples").glob("*.rasp")) + sorted(CONFORMANCE.glob("*.rasp"))
RASP = Path(sys.executable).with_name("rasp")
FUZZ_EXAMPLES = int(os.environ.get("RASP_FUZZ_EXAMPLES", "150"))

# ---- the fixtures --------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_fixture(fixture: Path) -> None:
    text = fixture.read_text(encoding="utf-8")
    assert parse_annotations(text), "a fixture without annotations checks nothing"
    session = Session(text, fixture)
    diagnostics = session.diagnostics()
    problems = check(text, diagnostics)
    assert not problems, (
        "\n".join(problems)
        + "\n\nWhat the implementation reports, as annotations:\n"
        + render(text, diagnostics)
    )


_NODE_ID = re.compile(r"[a-z]#\d")  # `select#12`: a node's internal id


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_messages_show_no_node_ids(fixture: Path) -> None:
    """A value without a name is shown by what built it (`select(...)`), never by the id
    the graph gives it, nor as a dump of Python objects."""
    session = Session(fixture.read_text(encoding="utf-8"), fixture)
    for diagnostic in session.diagnostics():
        assert not _NODE_ID.search(diagnostic.message), diagnostic
        assert "object at 0x" not in diagnostic.message, diagnostic


SECTION_9_CODES = {
    "undefined-name", "reserved-name", "wrong-arity", "not-a-selector", "not-an-atom",
    "selector-mixing", "type-mismatch", "not-an-s-op", "bad-index", "bad-value",
    "unknown-file", "runtime-error", "syntax-error", "missing-return", "reference-incompatible",
}
SECTION_9_MESSAGES = [
    "Undefined variable: ", "Cannot set reserved name: ", "wrong number of args for ",
    "Expected selector, got: ", "Expected atom, got: ",
    "Cannot apply and/or between selector and non-selector", "to selector(s)",
    "asked to average multiple values, but they are non-numbers: ",
    "index into sequence has to be integer, got: ", "not in dict.", "out of range for list",
    "indicator operator expects s-op, got: ",
    "attempted to create sequence with vals of different types", "illegal val types",
    "could not find file: ", "unsupported operand type(s) for +: 'int' and 'str'",
    "division by zero",
]


def test_fixtures_cover_section_9() -> None:
    annotations = [a for f in FIXTURES for a in parse_annotations(f.read_text(encoding="utf-8"))]
    assert {a.code for a in annotations} >= SECTION_9_CODES
    missing = [m for m in SECTION_9_MESSAGES if not any(m in a.message for a in annotations)]
    assert not missing


# ---- the annotation format itself -----------------------------------------------------------

SAMPLE = """\
x = foo + 1;
#   ^^^ error[undefined-name]: Undefined variable: foo
True = 1;
#@ 0-4 error[reserved-name]: reserved
y = (1 +
  2;
#@ 5:4-6:3 error[syntax-error]:
"""


def _diag(start: int, end: int, code: str, message: str,
          severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic(code, message, Span(start, end), severity)


def _sample_diagnostics() -> list[Diagnostic]:
    t = SAMPLE
    return [
        _diag(4, 7, "undefined-name", "Undefined variable: foo"),
        _diag(t.index("True"), t.index("True") + 4, "reserved-name",
              "Cannot set reserved name: True"),
        _diag(t.index("(1 +"), t.index("  2;") + 3, "syntax-error", "whatever"),
    ]


def test_annotations_are_read() -> None:
    annotations = parse_annotations(SAMPLE)
    assert [(a.span.start, a.span.end, a.severity, a.code, a.message) for a in annotations] == [
        (4, 7, "error", "undefined-name", "Undefined variable: foo"),
        (SAMPLE.index("True"), SAMPLE.index("True") + 4, "error", "reserved-name", "reserved"),
        (SAMPLE.index("(1 +"), SAMPLE.index("  2;") + 3, "error", "syntax-error", ""),
    ]


def test_annotations_match() -> None:
    assert check(SAMPLE, _sample_diagnostics()) == []


@pytest.mark.parametrize("change", ["range", "code", "severity", "message", "drop", "extra"])
def test_annotation_mismatches_are_reported(change: str) -> None:
    diagnostics = _sample_diagnostics()
    first = diagnostics[0]
    if change == "range":
        diagnostics[0] = _diag(4, 8, first.code, first.message)
    elif change == "code":
        diagnostics[0] = _diag(4, 7, "runtime-error", first.message)
    elif change == "severity":
        diagnostics[0] = _diag(4, 7, first.code, first.message, Severity.WARNING)
    elif change == "message":
        diagnostics[0] = _diag(4, 7, first.code, "Undefined variable: bar")
    elif change == "drop":
        del diagnostics[0]
    else:
        diagnostics.append(_diag(0, 1, "type-mismatch", "unannotated"))
    assert check(SAMPLE, diagnostics)


def test_only_errors_must_be_annotated() -> None:
    extra = _diag(0, 1, "reference-incompatible", "note", Severity.INFORMATION)
    assert check(SAMPLE, [*_sample_diagnostics(), extra]) == []
    warning = _diag(0, 1, "some-warning", "note", Severity.WARNING)
    assert check(SAMPLE, [*_sample_diagnostics(), warning]) == []
    assert check(SAMPLE, [*_sample_diagnostics(), warning], required=("error", "warning"))


@pytest.mark.parametrize("bad", [
    "#   ^^^ error[undefined-name]: first line has no code line above\n",
    "x = 1;\n#      ^^^ error[undefined-name]: past the end of the line\n",
    "x = 1;\n# ^ oops\n",
    "x = 1;\n#@ 3-1 error[x]: backwards\n",
    "x = 1;\n#@ 9:0-9:1 error[x]: no such line\n",
])
def test_malformed_annotations_are_rejected(bad: str) -> None:
    with pytest.raises(AnnotationError):
        parse_annotations(bad)


def test_render_round_trips() -> None:
    text = "x = foo;\ny = 1 +;\nTrue = 2;\n"
    diagnostics = Session(text, None).diagnostics()
    annotated = render(text, diagnostics)
    assert "#   ^^^ error[undefined-name]: Undefined variable: foo" in annotated
    assert "#@ 0-4 error[reserved-name]" in annotated
    assert check(annotated, Session(annotated, None).diagnostics()) == []


# ---- the command line never shows a traceback ---------------------------------------------

LINE = re.compile(r"^.+:\d+:\d+: (error|warning|information|hint)\[[a-z0-9-]+\]: .*$")


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """`rasp ARGS` in this process: (exit status, stdout, stderr). Any exception escapes."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(args)
    return status, out.getvalue(), err.getvalue()


def assert_clean(status: int, out: str, err: str, command: str) -> None:
    assert status in (0, 1), (status, out, err)
    assert "Traceback" not in out + err
    if command == "check":
        for line in out.rstrip("\n").split("\n") if out else []:
            assert LINE.match(line), line
        assert status == (1 if re.search(r": error\[", out) else 0)


def truncations(text: str, count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    even = [len(text) * k // count for k in range(count)]
    return sorted(set(even + [rng.randrange(len(text) + 1) for _ in range(count)]))


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_cli_on_truncated_programs(program: Path, tmp_path: Path) -> None:
    text = program.read_text(encoding="utf-8")
    for helper in program.parent.glob("*.rasp"):  # so that `load` still finds its files
        (tmp_path / helper.name).write_bytes(helper.read_bytes())
    target = tmp_path / program.name
    for cut in truncations(text, 12, zlib.crc32(program.name.encode())):
        target.write_text(text[:cut], encoding="utf-8")
        for command in ("check", "run"):
            status, out, err = run_cli([command, str(target)])
            assert_clean(status, out, err, command)


def test_cli_on_whole_programs() -> None:
    for program in PROGRAMS:
        for command in ("check", "run"):
            status, out, err = run_cli([command, str(program)])
            assert_clean(status, out, err, command)


@given(data=st.binary(max_size=400))
@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_cli_on_random_bytes(data: bytes, tmp_path: Path) -> None:
    target = tmp_path / "random.rasp"
    target.write_bytes(data)
    for command in ("check", "run"):
        status, out, err = run_cli([command, str(target)])
        assert_clean(status, out, err, command)


TOKENS = ["x", "=", ";", "(", ")", "[", "]", "{", "}", ",", '"a"', "1", "2.5", "+", "-", "*",
          "/", "%", "^", "==", "<", "and", "or", "not", "in", "if", "else", "for", "def",
          "return", "select(", "aggregate(", "range(", "zip(", "len(", "round(", "indicator(",
          "tokens", "indices", "tokens_int", "length", "load", "draw(", "set example",
          "exit", "\n", " ", "#", "True", "f", "g", "!="]


@given(tokens=st.lists(st.sampled_from(TOKENS), max_size=60))
@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_session_on_token_soup(tokens: list[str], tmp_path: Path) -> None:
    """Nearly-valid programs reach the builder and evaluator; they must fail politely."""
    text = " ".join(tokens)
    session = Session(text, tmp_path / "soup.rasp")
    for diagnostic in session.diagnostics():
        assert 0 <= diagnostic.span.start <= diagnostic.span.end <= len(text)
    target = tmp_path / "soup.rasp"
    target.write_text(text, encoding="utf-8")
    status, out, err = run_cli(["check", str(target)])
    assert_clean(status, out, err, "check")


SPECIAL_FILES = {
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "nul bytes": b"x = 1;\x00\x00y = 2;",
    "invalid utf-8": b"x = \"\xff\xfe\";\ny = 1;\n",
    "utf-16": "x = 1;\n".encode("utf-16"),
    "bom": b"\xef\xbb\xbfx = 1;\n",
    "only comments": b"# nothing\n# at all\n",
    "crlf": b"x = 1;\r\ny = x + 1;\r\n",
    "lone cr": b"x = 1;\ry = 2;\r",
    "line separator": "x = 1;\u2028y = 2;".encode(),
    "deep nesting": b"x = " + b"(" * 3000 + b"1" + b")" * 3000 + b";\n",
    "very deep nesting": b"x = " + b"(" * 6000 + b"1" + b")" * 6000 + b";\n",
    "many prefix operators": b"x = " + b"-" * 6000 + b"1;\n",
    "deep unclosed": b"x = " + b"[" * 3000 + b"\n",
    "long line": b"x = " + b" + ".join(b"1" for _ in range(5000)) + b";\n",
    "long number": b"x = " + b"7" * 5000 + b";\ny = 1;\n",
    "recursion": b"def f(n) {\n  return f(n);\n}\nx = f(1);\n",
}


@pytest.mark.parametrize("name", list(SPECIAL_FILES))
def test_cli_on_special_files(name: str, tmp_path: Path) -> None:
    target = tmp_path / "special.rasp"
    target.write_bytes(SPECIAL_FILES[name])
    for command in ("check", "run"):
        status, out, err = run_cli([command, str(target)])
        assert_clean(status, out, err, command)


@pytest.mark.parametrize("character", ["\x1b", "\x1c", "\x85", "\u2028", "\x00", "\x7f"])
def test_check_prints_one_printable_line_per_diagnostic(character: str, tmp_path: Path) -> None:
    """A stray control character in the file must not reach the terminal raw (an ESC starts
    a terminal escape sequence; U+001C, U+0085 and U+2028 are line breaks to many tools)."""
    target = tmp_path / "control.rasp"
    target.write_text(f"x = {character}1;\ny = 2;\n", encoding="utf-8")
    status, out, err = run_cli(["check", str(target)])
    assert status == 1
    lines = out.rstrip("\n").split("\n")
    assert len(lines) == len(out.splitlines())
    assert all(line.isprintable() for line in lines), lines


# A few real processes: what a user sees, including the exit status.


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RASP), *args], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, check=False)


@pytest.mark.parametrize("name", ["empty", "binary", "invalid utf-8", "deep nesting",
                                  "very deep nesting", "long line", "long number"])
@pytest.mark.parametrize("command", ["check", "run"])
def test_process_on_garbage(name: str, command: str, tmp_path: Path) -> None:
    target = tmp_path / "garbage.rasp"
    target.write_bytes(SPECIAL_FILES[name])
    result = run_process(command, str(target))
    assert result.returncode in (0, 1), result
    assert "Traceback" not in result.stdout + result.stderr


def test_process_on_random_bytes(tmp_path: Path) -> None:
    rng = random.Random(20240601)
    for i in range(3):
        target = tmp_path / f"random{i}.rasp"
        target.write_bytes(bytes(rng.randrange(256) for _ in range(2000)))
        result = run_process("check", str(target))
        assert result.returncode in (0, 1), result
        assert "Traceback" not in result.stdout + result.stderr


def test_process_on_truncated_program(tmp_path: Path) -> None:
    program = next(p for p in PROGRAMS if len(p.read_text(encoding="utf-8")) > 200)
    text = program.read_text(encoding="utf-8")
    target = tmp_path / program.name
    target.write_text(text[: len(text) // 2], encoding="utf-8")
    for command in ("check", "run"):
        result = run_process(command, str(target))
        assert result.returncode in (0, 1), result
        assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", ["check", "run"])
def test_unknown_file_is_a_usage_error(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "does_not_exist.rasp"
    result = run_process(command, str(missing))
    assert result.returncode == 2, result
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip()


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    status, out, err = run_cli(["check", str(tmp_path)])
    assert status == 2 and "Traceback" not in out + err


@pytest.mark.parametrize("args", [[], ["bogus"], ["run"], ["check"], ["run", "--nope", "x"]])
def test_bad_command_line_is_a_usage_error(args: list[str]) -> None:
    status, out, err = run_cli(args)
    assert status == 2
    assert "Traceback" not in out + err


def test_exit_status_follows_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.rasp"
    good.write_text("x = indices + 1;\n", encoding="utf-8")
    bad = tmp_path / "bad.rasp"
    bad.write_text("x = nosuch + 1;\n", encoding="utf-8")
    warned = tmp_path / "warned.rasp"
    warned.write_text("s = select (indices, indices, ==);\n", encoding="utf-8")
    assert run_process("check", str(good)).returncode == 0
    assert run_process("run", str(good)).returncode == 0
    result = run_process("check", str(bad))
    assert result.returncode == 1
    assert f"{bad}:1:5: error[undefined-name]: Undefined variable: nosuch" in result.stdout
    assert run_process("run", str(bad)).returncode == 1
    result = run_process("check", str(warned))
    assert result.returncode == 0
    assert "information[reference-incompatible]" in result.stdout
