"""Evaluate graph nodes on inputs with numpy.

`Evaluation(inputs)` evaluates s-ops to arrays of shape (batch, n) and selectors to boolean
arrays of shape (batch, n, n) (rows: queries, columns: keys), memoising every node, for one
input or a batch of equal-length inputs. Operators follow Python's semantics: native numpy
paths are used where numpy agrees with Python, object arrays (Python's own operators)
elsewhere; a Python failure becomes a `RaspError` at the node that caused it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rasp.graph import nodes as g
from rasp.graph.values import Annotation, Function, describe
from rasp.runtime.errors import RaspError, from_python
from rasp.runtime.sequences import (
    Array,
    all_strings,
    as_float,
    as_object,
    is_native_numeric,
    is_numberlike,
    numeric_object,
    settle,
)

_PY_ERRORS = (TypeError, ValueError, ZeroDivisionError, OverflowError, ArithmeticError)

_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
    "^": operator.pow,
}
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
_NP_ARITH = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.true_divide,
    "%": np.remainder,
}
_NP_COMPARE = {
    "==": np.equal,
    "!=": np.not_equal,
    "<": np.less,
    ">": np.greater,
    "<=": np.less_equal,
    ">=": np.greater_equal,
}
_CONVERSIONS: dict[str, Callable[[Any], Any]] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "asis": lambda v: v,
}


class InputError(RaspError):
    pass


def check_input(value: Any) -> list[Any]:
    """An input as a list of values; strings are lists of characters."""
    if isinstance(value, str):
        items: list[Any] = list(value)
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise InputError(
            "type-mismatch", f"RASP sequences/selectors expect non-empty iterables, got: {value!r}"
        )
    if not items:
        raise InputError("type-mismatch", "RASP sequences/selectors expect non-empty iterables")
    for item in items:
        if isinstance(item, (g.SOp, g.Selector, Function, Annotation)):
            raise InputError(
                "type-mismatch",
                "an input must be a string or a list of atoms (numbers, strings, booleans); "
                f"this one holds {describe(item)}: {describe(items)}",
            )
    return items


def _python_map(fn: Callable[..., Any], *arrays: Array) -> Array:
    """Apply a Python function elementwise (object arrays: Python's exact semantics)."""
    result: Array = np.frompyfunc(fn, len(arrays), 1)(*[as_object(a) for a in arrays])
    return result


def _first_failure(fn: Callable[[Any, Any], Any], a: Array, b: Array, bad: Array) -> Exception:
    where = tuple(np.argwhere(bad)[0])
    try:
        fn(
            a[where].item() if a.dtype != object else a[where],
            b[where].item() if b.dtype != object else b[where],
        )
    except Exception as exc:  # noqa: BLE001 - re-raised as a RASP error by the caller
        return exc
    return ZeroDivisionError("division by zero")


def truth(a: Array) -> Array:
    if a.dtype == bool:
        return a
    if a.dtype.kind in "iuf":
        nonzero: Array = a != 0
        return nonzero
    return _python_map(bool, a).astype(bool)


def arithmetic(op: str, a: Array, b: Array) -> Array:
    fn = _ARITH[op]
    if op != "^" and is_numberlike(a) and is_numberlike(b):
        x = a.astype(np.int64) if a.dtype == bool else a
        y = b.astype(np.int64) if b.dtype == bool else b
        if op in "/%":
            bad = y == 0
            if bad.any():
                raise _first_failure(fn, a, b, bad)
        ints = x.dtype.kind in "iu" and y.dtype.kind in "iu"
        if not ints:
            with np.errstate(all="ignore"):
                return _NP_ARITH[op](x, y)  # type: ignore[no-any-return]
        bound = max(_abs_max(x), _abs_max(y))
        safe = {
            "+": bound < 2**62,
            "-": bound < 2**62,
            "*": bound < 2**31,
            "/": bound <= 2**53,
            "%": True,
        }[op]
        if safe:
            return _NP_ARITH[op](x, y)  # type: ignore[no-any-return]
    return _python_map(fn, a, b)


def _abs_max(a: Array) -> int:
    return int(np.abs(a).max()) if a.size else 0


def compare(op: str, a: Array, b: Array) -> Array:
    if is_numberlike(a) and is_numberlike(b):
        return _NP_COMPARE[op](a, b)  # type: ignore[no-any-return]
    return _python_map(_COMPARE[op], a, b).astype(bool)


def _round(v: Any) -> Any:
    return round(v)


def unary(op: str, a: Array) -> Array:
    if op == "not":
        return ~truth(a)
    if op == "indicator":
        return truth(a).astype(np.int64)
    if a.dtype == bool:
        a = a.astype(np.int64)
    if op == "neg":
        return (
            -a
            if is_native_numeric(a)
            and a.dtype.kind == "f"
            or (a.dtype.kind in "iu" and _abs_max(a) < 2**62)
            else _python_map(operator.neg, a)
        )
    if op == "pos":
        return a if is_native_numeric(a) else _python_map(operator.pos, a)
    if op == "round":
        if a.dtype.kind in "iu":
            return a
        if a.dtype.kind == "f" and np.isfinite(a).all() and _abs_max(a) < 2**52:
            return np.rint(a).astype(np.int64)
        return _python_map(_round, a)
    raise AssertionError(op)


def conditional(then: Array, cond: Array, otherwise: Array) -> Array:
    c = truth(cond)
    if then.dtype == otherwise.dtype and then.dtype != object:
        return np.where(c, then, otherwise)
    return np.where(c, as_object(then), as_object(otherwise))


def membership(a: Array, container: Any) -> Array:
    """`s in container` elementwise (container: a list, dict or string)."""
    return _python_map(lambda v: v in container, a).astype(bool)


def _lookup(container: Any) -> Callable[[Any], Any]:
    def get(key: Any) -> Any:
        if isinstance(container, dict):
            if key not in container:
                raise RaspError("bad-value", f"index [ {key} ] not in dict.")
            return container[key]
        try:
            return container[key]
        except IndexError:
            raise RaspError(
                "bad-value",
                f"index {key} out of range for {_kind(container)} of length {len(container)}",
            ) from None

    return get


def _kind(container: Any) -> str:
    return "string" if isinstance(container, str) else "list"


def lookup(container: Any, keys: Array) -> Array:
    """`container[s]` elementwise."""
    if isinstance(container, list) and keys.dtype.kind in "iu" and keys.size:
        n = len(container)
        lo, hi = int(keys.min()), int(keys.max())
        if -n <= lo and hi < n:
            return np.asarray(container + [None], dtype=object)[:-1][keys]
    return _python_map(_lookup(container), keys)


def select(keys: Array, queries: Array, op: str) -> Array:
    """Selector matrix: [b, q, k] = keys[b, k] op queries[b, q]."""
    if not (is_numberlike(keys) and is_numberlike(queries)):
        if all_strings(keys) and all_strings(queries):
            both = np.concatenate([keys.ravel(), queries.ravel()])
            _, codes = np.unique(both, return_inverse=True)
            keys = codes[: keys.size].reshape(keys.shape)
            queries = codes[keys.size :].reshape(queries.shape)
        elif (is_numberlike(keys) or numeric_object(keys)) and (
            is_numberlike(queries) or numeric_object(queries)
        ):
            keys, queries = as_float(keys), as_float(queries)
        elif op == "==":
            return np.zeros(keys.shape + keys.shape[-1:], dtype=bool)
        elif op == "!=":
            return np.ones(keys.shape + keys.shape[-1:], dtype=bool)
        else:
            try:
                _COMPARE[op](keys.ravel()[:1].tolist()[0], queries.ravel()[:1].tolist()[0])
            except TypeError as exc:
                raise from_python(exc) from None
            matrix = _python_map(_COMPARE[op], keys[:, None, :], queries[:, :, None])
            return matrix.astype(bool)  # type: ignore[no-any-return]
    return _NP_COMPARE[op](keys[:, None, :], queries[:, :, None])  # type: ignore[no-any-return]


def aggregate(matrix: Array, values: Array, default: Any) -> Array:
    """For each query row: no key selected -> default; one -> that value; more -> the mean."""
    counts = matrix.sum(axis=2)
    many = counts >= 2
    one = counts == 1
    none = counts == 0
    first = matrix.argmax(axis=2)
    picked = np.take_along_axis(values, first, axis=1)
    means = None
    if many.any():
        if is_native_numeric(values) or numeric_object(values):
            # einsum, not matmul: no BLAS threads, steady timings on a loaded machine
            sums = np.einsum("bqk,bk->bq", matrix, as_float(values))
            means = sums / np.maximum(counts, 1)
        else:
            b, q = (int(i) for i in np.argwhere(many)[0])
            chosen = [values[b, k] for k in np.flatnonzero(matrix[b, q])]
            shown = [v.item() if isinstance(v, np.generic) else v for v in chosen]
            raise RaspError(
                "runtime-error",
                f"asked to average multiple values, but they are non-numbers: {shown}",
                python_exception="Exception",
            )
    if means is None and not none.any():
        return picked
    default_native = type(default) is (
        {"i": int, "u": int, "f": float, "b": bool}.get(values.dtype.kind, object)
    )
    if means is None and default_native:
        return np.where(one, picked, np.asarray(default, dtype=values.dtype))
    if (
        means is not None
        and values.dtype.kind == "f"
        and (not none.any() or type(default) is float)
    ):
        return np.where(many, means, np.where(one, picked, default))
    out = np.empty(values.shape, dtype=object)
    out[one] = as_object(picked)[one]
    if means is not None:
        out[many] = means.astype(object)[many]
    out[none] = default
    return out


class Evaluation:
    """Evaluates nodes on one input or a batch of equal-length inputs, memoising nodes."""

    def __init__(self, inputs: Sequence[Any]) -> None:
        rows = [check_input(value) for value in inputs]
        if not rows:
            raise InputError("type-mismatch", "no input to evaluate on")
        n = len(rows[0])
        if any(len(r) != n for r in rows):
            raise InputError("type-mismatch", "inputs of one batch must have equal lengths")
        self.rows = rows
        self.batch = len(rows)
        self.n = n
        self._cache: dict[int, Array] = {}

    def size(self) -> int:
        """How many nodes are memoised."""
        return len(self._cache)

    def sop(self, node: g.SOp) -> Array:
        return self._value(node)

    def selector(self, node: g.Selector) -> Array:
        return self._value(node)

    def _value(self, node: g.Node) -> Array:
        cached = self._cache.get(node.id)
        if cached is not None:
            return cached
        for current in g.ancestors(node, self._cache):
            if current.id not in self._cache:
                try:
                    self._cache[current.id] = self._compute(current)
                except RaspError as err:
                    err.node = err.node or current
                    raise err.at(current.origin) from None
                except _PY_ERRORS as exc:
                    failure = from_python(exc, current.origin)
                    failure.node = current
                    raise failure from None
        return self._cache[node.id]

    def _compute(self, node: g.Node) -> Array:
        get = self._cache.__getitem__
        if isinstance(node, g.Map):
            args = [get(a.id) for a in node.args]
            return settle(self._map(node, args))
        if isinstance(node, g.Aggregate):
            return settle(aggregate(get(node.selector.id), get(node.values.id), node.default))
        if isinstance(node, g.Select):
            return select(get(node.keys.id), get(node.queries.id), node.op)
        if isinstance(node, g.Combine):
            parts = [get(p.id) for p in node.parts]
            if node.op == "and":
                return parts[0] & parts[1]
            if node.op == "or":
                return parts[0] | parts[1]
            return ~parts[0]
        if isinstance(node, g.Tokens):
            convert = _CONVERSIONS[node.conversion]
            data = np.empty((self.batch, self.n), dtype=object)
            for b, row in enumerate(self.rows):  # one Python pass over the input, once
                data[b, :] = [convert(v) for v in row]
            return settle(data)
        if isinstance(node, g.Indices):
            return np.broadcast_to(np.arange(self.n, dtype=np.int64), (self.batch, self.n))
        if isinstance(node, g.Constant):
            value = node.value
            dtype = {int: np.int64, float: np.float64, bool: bool}.get(type(value), object)
            out = np.empty((self.batch, self.n), dtype=dtype)
            out.fill(value)
            return out
        raise AssertionError(f"unknown node {node!r}")

    def _map(self, node: g.Map, args: list[Array]) -> Array:
        op = node.op
        if op in _ARITH:
            return arithmetic(op, args[0], args[1])
        if op in _COMPARE:
            return compare(op, args[0], args[1])
        if op == "and":
            return truth(args[0]) & truth(args[1])
        if op == "or":
            return truth(args[0]) | truth(args[1])
        if op == "if":
            return conditional(args[0], args[1], args[2])
        if op == "in":
            return membership(args[0], node.param)
        if op == "index":
            return lookup(node.param, args[0])
        if op in ("numerical", "categorical"):
            return args[0]
        return unary(op, args[0])
