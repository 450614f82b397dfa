"""Fuzzing the functional core: random text and mutated real programs (the examples and the
conformance corpus) go through the parser, a `Session` (run + static analysis) and the
evaluation of every top-level s-op and selector on short inputs.

Properties, for every text:
- nothing raises (a `RaspError` from evaluating a node is a user's mistake, caught here);
- every statement, syntax problem, program error and diagnostic span (and every related span)
  lies inside the document: 0 <= start <= end <= len(text);
- `Session(old).edit(new)` gives the same errors as `Session(new)`, and through a chain of
  edits also the same static-analysis diagnostics (node ids in messages aside).

The normal suite runs a bounded, derandomized budget (about 20 s); `RASP_FUZZ_EXAMPLES=N` runs
N fresh random examples per test instead. At the end: each problem the fuzzing found, reduced
by hand to a minimal reproduction.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rasp.diagnostic import Diagnostic
from rasp.graph import nodes as g
from rasp.program import Session
from rasp.runtime.errors import RaspError
from rasp.runtime.evaluate import Evaluation
from rasp.syntax.document import StatementParser, parse_file

ROOT = Path(__file__).resolve().parents[1]
CONFORMANCE = ROOT.parent / "shared" / "conformance" / "programs"
SOURCES = sorted((ROOT / "examples").glob("*.rasp")) + sorted(CONFORMANCE.glob("*.rasp"))
CORPUS = [(path, path.read_text(encoding="utf-8")) for path in SOURCES]

_ENV_EXAMPLES = int(os.environ.get("RASP_FUZZ_EXAMPLES", "0") or 0)


def budget(normal: int) -> settings:
    """`normal` examples, the same ones every run (derandomized, so the normal suite is
    reproducible); with RASP_FUZZ_EXAMPLES, that many fresh random examples."""
    return settings(
        max_examples=_ENV_EXAMPLES or normal,
        derandomize=not _ENV_EXAMPLES,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
        print_blob=True,
    )


# ---- text generation ----------------------------------------------------------------------

TOKENS = [
    "x", "y", "f", "_p", "=", ";", ",", "(", ")", "[", "]", "{", "}", "(((", ")))", '"a"', '"',
    "1", "0", "-1", "2.5", "1e309", "10**400", "+", "-", "*", "/", "%", "^", "==", "!=", "<",
    "<=", ">", ">=", "and", "or", "not", "in", "if", "else", "for", "def", "return", "select(",
    "select (", "aggregate(", "range(", "zip(", "len(", "round(", "indicator(", "tokens",
    "indices", "tokens_int", "tokens_str", "length", "load", '"nosuch"', "draw(", "set example",
    "show example", "examples off", "full seq display on", "exit", "quit()", "True", "False",
    "numerical(", "categorical(", "selector_width(", "sort(", "#", " ", "\t", "\n", "\r\n",
    "\r", "\u2028", "\x0c", "{}", "[]", "x = ", "def f(a) {", "return a;", "}", "for i in ",
]
SPECIAL_CHARS = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x1c\x1f\x7f\x85\xa0\u00e9\u00df\u0301\u200b\u200d\u2028"
    "\u2029\u202e\ufeff\ufffd\U0001d538\U0001f600\ud7ff"
)
ASCII_SOUP = "abcxyz_019 ;,=()[]{}\"#+-*/%^<>!.\n\t\r"

snippets = st.one_of(
    st.sampled_from(TOKENS),
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8).map(" ".join),
    st.text(alphabet=SPECIAL_CHARS + ASCII_SOUP, min_size=1, max_size=12),
    st.binary(min_size=1, max_size=24).map(lambda b: b.decode("utf-8", errors="replace")),
    st.sampled_from(["(", ")", "[", "]", "{", "}", '"']).flatmap(
        lambda c: st.integers(1, 40).map(lambda n: c * n)
    ),
    st.text(min_size=1, max_size=8),  # any code point (not surrogates)
)

_TOKEN = re.compile(r'[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|"[^"\n]*"|==|<=|>=|!=|\S')


@dataclass(frozen=True)
class Mutant:
    path: Path | None
    original: str
    text: str
    steps: tuple[str, ...]


@st.composite
def positions(draw: st.DrawFn, text: str) -> int:
    """An offset, often at a line end, the start or the end of the text."""
    ends = [m.start() for m in re.finditer(r"\r\n|\r|\n|\u2028", text)]
    special = [0, len(text), *ends, *[e + 1 for e in ends if e + 1 <= len(text)]]
    return draw(st.one_of(st.integers(0, len(text)), st.sampled_from(special)))


@st.composite
def mutate(draw: st.DrawFn, text: str) -> tuple[str, str]:
    """One mutation of `text`: (new text, a short description)."""
    kind = draw(
        st.sampled_from(
            ["delete", "insert", "replace", "swap", "newlines", "duplicate", "truncate"]
        )
    )
    if kind in ("delete", "replace", "truncate"):
        start = draw(positions(text))
        if kind == "truncate":
            return text[:start], f"truncate@{start}"
        end = min(len(text), start + draw(st.integers(0, 60)))
        piece = draw(snippets) if kind == "replace" else ""
        return text[:start] + piece + text[end:], f"{kind}[{start}:{end}]={piece!r}"
    if kind == "insert":
        at = draw(positions(text))
        piece = draw(snippets)
        return text[:at] + piece + text[at:], f"insert@{at}={piece!r}"
    if kind == "swap":
        found = [m.span() for m in _TOKEN.finditer(text)]
        if len(found) < 2:
            return text, "swap(none)"
        i = draw(st.integers(0, len(found) - 1))
        j = draw(st.integers(0, len(found) - 1))
        (a, b), (c, d) = sorted([found[i], found[j]])
        if b > c:
            return text, "swap(same)"
        return text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:], f"swap({a},{c})"
    if kind == "newlines":
        to = draw(st.sampled_from(["\r\n", "\r", "\u2028", "\n\r", "\x85"]))
        return text.replace("\n", to), f"newlines->{to!r}"
    # duplicate a slice somewhere else
    start = draw(positions(text))
    end = min(len(text), start + draw(st.integers(0, 120)))
    at = draw(positions(text))
    return text[:at] + text[start:end] + text[at:], f"duplicate[{start}:{end}]@{at}"


@st.composite
def mutants(draw: st.DrawFn, max_steps: int = 4) -> Mutant:
    base = draw(st.integers(0, len(CORPUS) + 1))
    if base < len(CORPUS):
        path, original = CORPUS[base]
    elif base == len(CORPUS):
        path, original = None, ""
    else:  # random token soup as the starting point
        path = None
        original = "".join(draw(st.lists(snippets, max_size=30)))
    text, steps = original, []
    for _ in range(draw(st.integers(1, max_steps))):
        text, step = draw(mutate(text))
        steps.append(step)
    return Mutant(path, original, text, tuple(steps))


# ---- the properties -----------------------------------------------------------------------


def assert_inside(text: str, start: int, end: int, what: object) -> None:
    assert 0 <= start <= end <= len(text), (start, end, len(text), what)


def check_parse(text: str) -> None:
    parsed = parse_file(text)
    assert parsed.text == text
    previous_end = 0
    for statement in parsed.statements:
        assert_inside(text, statement.offset, statement.offset + statement.length, statement)
        assert statement.offset >= previous_end, "statements overlap"
        previous_end = statement.offset + statement.length
        for problem in statement.problems:
            span = problem.span.shift(statement.offset)
            assert_inside(text, span.start, span.end, problem)


INPUTS: list[object] = ["abc", "a", [1, 2, 3], "()(", [2.5, -1]]


def check_session(text: str, path: Path | None, check_on_example: bool = True) -> Session:
    session = Session(text, path, check_on_example=check_on_example)
    for error in session.errors:
        assert_inside(text, error.span.start, error.span.end, error)
        assert_inside(text, error.statement.start, error.statement.end, error)
        line_start = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        assert 1 <= error.line <= len(line_start), error
    for diagnostic in session.diagnostics() + session.diagnostics(tracr=True):
        assert_inside(text, diagnostic.span.start, diagnostic.span.end, diagnostic)
        for _, span in diagnostic.related:
            assert_inside(text, span.start, span.end, diagnostic)
    return session


def check_evaluation(session: Session) -> None:
    """Every top-level s-op and selector on short inputs: values or a RaspError."""
    nodes = session.top_level()
    for inp in INPUTS:
        evaluation = Evaluation([inp])
        for _name, node in nodes:
            try:
                if isinstance(node, g.SOp):
                    evaluation.sop(node)
                else:
                    evaluation.selector(node)
            except RaspError:
                pass


_NODE_ID = re.compile(r"#\d+")


def _plain(text: str | None) -> str | None:
    """A message without node ids (`<Select select#4351>`): ids differ between sessions."""
    return _NODE_ID.sub("#N", text) if text is not None else None


def errors_of(session: Session) -> list[object]:
    return [
        (e.code, e.kind, _plain(e.message), e.line, e.column, e.span, e.statement,
         _plain(e.python_exception))
        for e in session.errors
    ]


def diagnostics_of(diagnostics: list[Diagnostic]) -> list[object]:
    return [
        (d.code, _plain(d.message), d.span, d.severity, d.file, d.related) for d in diagnostics
    ]


# a few hand-picked texts that exercise the odd corners every run
CORNERS = [
    "",
    "\ufeff",
    "x = 1;\r\ny = x + 1;\r\n",
    "x = 1;\ry = 2;\r",
    "x = 1;\u2028y = 2;",
    'x = "\u2028";\n',
    "def f(a) {\r\n  return a;\r\n}\r\nz = f(tokens);",
    "x = " + "(" * 400 + "\n",
    "x = " + "[" * 400 + "1" + "]" * 400 + ";\n",
    "x = tokens\x00;\n",
    "# comment \x1b[31m\ny = tokens;\n",
    "s = select(indices, indices, ==);\nz = aggregate(s, tokens\n",
    "load \"nosuch\";\nx = 1;\n",
    "set example \"\";\nx = tokens;\n",
    "set example [];\nx = tokens + 1;\n",
    "x = 10 ^ 400;\ny = 1e308 * 10;\nz = indices / 0;\n",
    "for i in range(3) {\n  x = i;\n",
    '"unterminated\n x = 1;\n',
]


@budget(1000)
@given(mutant=mutants())
def test_mutated_programs_never_raise(mutant: Mutant) -> None:
    text = mutant.text
    check_parse(text)
    session = check_session(text, mutant.path)
    check_evaluation(session)


@budget(300)
@given(text=st.text(max_size=300))
@example(text="")
def test_arbitrary_unicode_never_raises(text: str) -> None:
    check_parse(text)
    check_evaluation(check_session(text, None))


@budget(300)
@given(data=st.binary(max_size=600))
def test_random_bytes_decoded_with_replacement(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    check_parse(text)
    check_evaluation(check_session(text, None, check_on_example=False))


def test_corner_texts() -> None:
    for text in CORNERS:
        check_parse(text)
        check_evaluation(check_session(text, None))
        check_evaluation(check_session(text, None, check_on_example=False))


@budget(400)
@given(mutant=mutants(max_steps=3), check_on_example=st.booleans())
def test_edit_gives_the_errors_of_a_fresh_session(mutant: Mutant, check_on_example: bool) -> None:
    old = Session(mutant.original, mutant.path, check_on_example=check_on_example)
    edited = old.edit(mutant.text)
    fresh = Session(mutant.text, mutant.path, check_on_example=check_on_example)
    assert errors_of(edited) == errors_of(fresh)
    assert edited.parsed.statements == fresh.parsed.statements
    # and back again: the superseded runner must not remember the mutant
    back = edited.edit(mutant.original)
    assert errors_of(back) == errors_of(
        Session(mutant.original, mutant.path, check_on_example=check_on_example)
    )


@st.composite
def edit_chains(draw: st.DrawFn) -> tuple[Path | None, list[str]]:
    first = draw(mutants(max_steps=1))
    texts = [first.original, first.text]
    for _ in range(draw(st.integers(1, 5))):
        texts.append(draw(mutate(texts[-1]))[0])
    return first.path, texts


@budget(200)
@given(chain=edit_chains())
def test_chains_of_edits_match_fresh_sessions(chain: tuple[Path | None, list[str]]) -> None:
    path, texts = chain
    session = Session(texts[0], path)
    parser = StatementParser()  # a separate cache, so the fresh side shares nothing
    for text in texts[1:]:
        session = session.edit(text)
        fresh = Session(text, path, parser=parser)
        assert errors_of(session) == errors_of(fresh), text
        assert diagnostics_of(session.analysis_diagnostics()) == diagnostics_of(
            fresh.analysis_diagnostics()
        ), text
    check_evaluation(session)


# ---- what the fuzzing found, reduced by hand (each a minimal reproduction) ------------------


def _edited_and_fresh(old: str, new: str) -> tuple[Session, Session]:
    return Session(old, None).edit(new), Session(new, None, parser=StatementParser())


def test_error_inside_a_function_stays_put_when_its_caller_moves() -> None:
    """An error raised inside a function body, reported through the call, is recorded relative
    to the calling statement; when the caller moves (a blank line above it) and is replayed,
    the error moves with the caller although the body did not move."""
    old = "def f(s) {\n  return s + missing;\n}\ny = f(indices);\n"
    new = old.replace("y =", "\ny =")
    edited, fresh = _edited_and_fresh(old, new)
    [error] = fresh.errors
    assert new[error.span.start : error.span.end] == "missing"
    assert errors_of(edited) == errors_of(fresh)


def test_a_replayed_call_still_counts_as_a_call() -> None:
    """`b = f(tokens, 0)` is replayed after `a = f(...)` became a syntax error; the replay does
    not record that `f` is called, so the analysis checks `f` with unknown arguments and
    reports a false recursion `limit` error."""
    old = (
        "def f(s, n) {\n    return s if n == 0 else f(s, n - 1);\n}\n"
        "a = f(tokens, 2);\nb = f(tokens, 0);\n"
    )
    new = old.replace("a = f", "= f")
    edited, fresh = _edited_and_fresh(old, new)
    assert not [d for d in fresh.analysis_diagnostics() if d.code == "limit"]
    assert diagnostics_of(edited.analysis_diagnostics()) == diagnostics_of(
        fresh.analysis_diagnostics()
    )


def test_encoding_conflict_is_placed_where_a_fresh_session_places_it() -> None:
    """One conflict for the class {indices, both aggregates}; after an edit re-runs the first
    aggregate (new, younger nodes) but replays the second, the conflict moves to the second."""
    old = (
        'last_a = mark_last_instance(tokens, "a");\n'
        'pos_of_first_a = aggregate(select_from_first(tokens, "a"), indices, -1);\n'
        'pos_of_last_a = aggregate(select_from_last(tokens, "a"), indices, -1);'
    )
    new = old.replace(";\npos_of_first", ";os_of_first")
    edited, fresh = _edited_and_fresh(old, new)
    assert diagnostics_of(edited.analysis_diagnostics()) == diagnostics_of(
        fresh.analysis_diagnostics()
    )
