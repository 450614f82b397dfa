"""Where numpy and Python disagree, Python decides (language spec 10.3): each row is an
expression, an input, and the Python computation it must agree with, position by position."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rasp.program import Session
from rasp.runtime.errors import RaspError
from rasp.runtime.evaluate import Evaluation

# expression, input, the same computation in plain Python on one element (v) and its index (i)
ELEMENTWISE: list[tuple[str, list[Any] | str, Callable[[Any, int], Any]]] = [
    ("tokens_int * 3037000500", [3037000500, -3037000500, 7], lambda v, i: v * 3037000500),
    ("tokens_int ^ 3", [2**40, 3, -5], lambda v, i: v**3),
    ("tokens_int ^ -1", [2, 4, -8], lambda v, i: v**-1),
    ("round(tokens_float)", [0.5, 1.5, 2.5, -0.5, 22.5], lambda v, i: round(v)),
    ("tokens_int % 3", [-7, 7, -1, 0], lambda v, i: v % 3),
    ("tokens_int % -3", [-7, 7, -1, 0], lambda v, i: v % -3),
    ("tokens_float % 2.5", [-7.0, 7.25, -0.5], lambda v, i: v % 2.5),
    ("tokens_int / 3", [1, 2, 9], lambda v, i: v / 3),
    ("tokens_bool + tokens_bool", [True, False, True], lambda v, i: v + v),
    ("-tokens_bool", [True, False], lambda v, i: -v),
    ("tokens_int", [1.5, -2.7, True], lambda v, i: int(v)),
    ("tokens_str", [1.5, 2, True], lambda v, i: str(v)),
    ('tokens + "!"', "ab", lambda v, i: v + "!"),
    ("tokens * 2", "ab", lambda v, i: v * 2),
    ("tokens_int + 2 ^ 62", [2**62, 1], lambda v, i: v + 2**62),
    ("indicator(tokens_float)", [0.0, -0.0, 0.1], lambda v, i: 1 if v else 0),
    ('1 if tokens == "a" else 2.5', "ab", lambda v, i: 1 if v == "a" else 2.5),
]

# expression, input, the Python exception class the reference reports
FAILURES: list[tuple[str, list[Any] | str, str]] = [
    ("tokens_int / 0", [1, 2], "ZeroDivisionError"),
    ("tokens_int % 0", [1, 2], "ZeroDivisionError"),
    ("tokens_float / (tokens_float - 1.5)", [1.5, 2.0], "ZeroDivisionError"),
    ("tokens_int", ["1.5"], "ValueError"),
    ("tokens + 1", "ab", "TypeError"),
    ("round(tokens)", "ab", "TypeError"),
    ("select(tokens, indices, <)", "ab", "TypeError"),
    ("select(tokens_int, tokens, <=)", [1, 2], "TypeError"),
]


def _session() -> Session:
    return Session("", None, check_on_example=False)


@pytest.mark.parametrize(("expr", "inp", "python"), ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE])
def test_agrees_with_python(expr: str, inp: Any, python: Callable[[Any, int], Any]) -> None:
    session = _session()
    values = Evaluation([inp]).sop(session.evaluate(expr))[0].tolist()
    expected = [python(v, i) for i, v in enumerate(inp)]
    assert values == expected
    assert [type(v) for v in values] == [type(v) for v in expected]


@pytest.mark.parametrize(("expr", "inp", "exception"), FAILURES, ids=[f[0] for f in FAILURES])
def test_fails_like_python(expr: str, inp: Any, exception: str) -> None:
    session = _session()
    node = session.evaluate(expr)
    with pytest.raises(RaspError) as info:
        evaluation = Evaluation([inp])
        if hasattr(node, "keys"):
            evaluation.selector(node)
        else:
            evaluation.sop(node)
    assert info.value.python_exception == exception
    assert "ufunc" not in info.value.message  # Python's wording, not numpy's
