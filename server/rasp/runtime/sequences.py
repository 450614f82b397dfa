"""How evaluated s-ops are held: numpy arrays of shape (batch, n).

Homogeneous sequences use native dtypes (int64, float64, bool); strings, and sequences that
mix ints and floats (each element keeps its own type, as Python values do in the reference),
use object arrays. `settle` checks that every row holds one type of value, as the reference
demands, and narrows object arrays to native dtypes when it can.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rasp.runtime.errors import RaspError

Array = np.ndarray[Any, Any]

INT_TYPES = (int, np.integer)
NUMERIC_KINDS = "iuf"


def is_native_numeric(a: Array) -> bool:
    """int or float (not bool) native dtype."""
    return a.dtype.kind in NUMERIC_KINDS


def is_numberlike(a: Array) -> bool:
    """int, float or bool native dtype (Python's bool is an int)."""
    return a.dtype.kind in "iufb"


def _type_set(values: Any) -> set[type]:
    return set(map(type, values))


def row_type(row: Array) -> str:
    """The reference's type tag of one evaluated sequence: int, float, bool or string."""
    kind = row.dtype.kind
    if kind == "b":
        return "bool"
    if kind in "iu":
        return "int"
    if kind == "f":
        return "float"
    types = _type_set(row.tolist())
    return _tag(types)


def _tag(types: set[type]) -> str:
    if types == {str}:
        return "string"
    if types == {bool}:
        return "bool"
    if types <= {int, bool}:
        return "int"
    if types <= {int, bool, float}:
        return "float"
    if types & {str} and types <= {str, int, float, bool}:
        raise RaspError(
            "type-mismatch", "attempted to create sequence with vals of different types"
        )
    raise RaspError(
        "type-mismatch",
        "attempted to create sequence with illegal val types (vals must be bool, float, int "
        "or string)",
    )


def settle(values: Array) -> Array:
    """Check each row holds one type of value; narrow object arrays to native dtypes."""
    if values.dtype != object:
        return values
    types = _type_set(values.ravel().tolist())
    if types <= {str, int, float, bool} and len(types & {str}) and len(types) > 1:
        for row in values:  # rows of a batch may differ in type; each must be homogeneous
            _tag(_type_set(row.tolist()))
        return values
    tag = _tag(types)
    if types == {bool}:
        return values.astype(bool)
    if types == {float}:
        return values.astype(np.float64)
    if types == {int}:
        try:
            return values.astype(np.int64)
        except OverflowError:
            return values
    del tag
    return values


def python_values(row: Array) -> list[Any]:
    """One row as plain Python values (ints, floats, bools, strs)."""
    return list(row.tolist())


def as_object(a: Array) -> Array:
    return a if a.dtype == object else a.astype(object)


def as_float(a: Array) -> Array:
    """Numbers (native, or an object array of ints and floats) as float64."""
    if a.dtype == object:
        return np.array(a.tolist(), dtype=np.float64).reshape(a.shape)
    return a.astype(np.float64)


def numeric_object(a: Array) -> bool:
    """An object array holding only ints and floats (no bools, no strings)."""
    return a.dtype == object and _type_set(a.ravel().tolist()) <= {int, float}


def all_strings(a: Array) -> bool:
    return a.dtype == object and _type_set(a.ravel().tolist()) == {str}
