"""Re-running after an edit executes only the statements whose inputs changed, and gives
exactly what a fresh run of the edited text gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasp.analysis.cost import cost
from rasp.graph import nodes as g
from rasp.program import Session
from rasp.runtime.errors import RaspError
from rasp.runtime.evaluate import Evaluation

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.rasp"))]
SNIPPETS = [
    "x = indices + 1;\n",
    "tokens = tokens_int;\n",
    "set example [3, 1, 2]\n",
    'set example "abc"\n',
    "def f(s) { return s + 1; }\n",
    "y = f(indices);\n",
    "flip = select(indices, indices, ==);\n",
    "length2 = length * 2;\n",
    "broken = (1 + ;\n",
    "z = undefined_name;\n",
    "def g() { return tokens; }\n",
    "w = g();\n",
]


def summary(session: Session) -> list[Any]:
    """What a user sees of a run: errors, and each name's kind, cost and example value."""
    out: list[Any] = [(e.code, e.message, e.span, e.line) for e in session.errors]
    evaluation = Evaluation([session.example])
    for name, value in session.builder.scope.vars.items():
        if isinstance(value, g.SOp | g.Selector):
            try:
                data = (
                    evaluation.sop(value)
                    if isinstance(value, g.SOp)
                    else evaluation.selector(value)
                )[0].tolist()
            except RaspError as err:
                data = err.message
            out.append((name, type(value).__name__, cost(value).to_json(), data))
        else:
            out.append((name, repr(value)[:40]))
    return out


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, list[str]]:
    text = draw(st.sampled_from(SOURCES))
    versions = []
    for _ in range(draw(st.integers(1, 4))):
        lines = text.splitlines(keepends=True)
        at = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert" or not lines:
            lines.insert(at, draw(st.sampled_from(SNIPPETS)))
        elif action == "delete":
            del lines[min(at, len(lines) - 1)]
        else:
            lines[min(at, len(lines) - 1)] = draw(st.sampled_from(SNIPPETS))
        text = "".join(lines)
        versions.append(text)
    return draw(st.sampled_from(SOURCES)), versions


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_edited_session_equals_fresh_session(case: tuple[str, list[str]]) -> None:
    first, versions = case
    session = Session(first, None)
    for text in versions:
        session = session.edit(text)
        assert summary(session) == summary(Session(text, None))


def test_only_statements_whose_inputs_changed_run_again() -> None:
    lines = [f"s{i} = indices + {i};\n" for i in range(50)]
    lines += [f"t{i} = s{i} * 2;\n" for i in range(50)]
    text = "".join(lines)
    session = Session(text, None)
    assert session.runner is not None and session.runner.executed == 100
    edited = session.edit(text.replace("t49 = s49 * 2;", "t49 = s49 * 3;"))
    assert edited.runner is not None and edited.runner.executed == 1
    again = edited.edit(edited.text.replace("s7 = indices + 7;", "s7 = indices + 70;"))
    assert again.runner is not None and again.runner.executed == 2  # s7 and t7
    value = Evaluation(["ab"]).sop(again.builder.scope.vars["t7"])[0].tolist()
    assert value == [140, 142]


def test_late_binding_is_seen_by_replayed_functions() -> None:
    text = "def f(s) { return s + k; }\nk = 1;\ny = f(indices);\n"
    session = Session(text, None)
    edited = session.edit(text.replace("k = 1;", "k = 5;"))
    assert Evaluation(["ab"]).sop(edited.builder.scope.vars["y"])[0].tolist() == [5, 6]


def test_nodes_of_replayed_statements_move_with_their_text() -> None:
    text = "a = indices + 1;\nb = a * 2;\n"
    session = Session(text, None, check_on_example=False)
    edited = session.edit("# a comment pushes everything down\n" + text)
    assert edited.runner is not None and edited.runner.executed == 0
    node = edited.builder.scope.vars["b"]
    assert node.origin is not None
    assert edited.text[node.origin.span.start : node.origin.span.end] == "a * 2"
