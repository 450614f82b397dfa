"""The error a RASP program raises: user mistakes, never bugs.

`code` is the diagnostic code of the analysis spec (`undefined-name`, `runtime-error`, ...);
`kind` is the reference's error kind (`undefined_variable`, `runtime`, ...), used in JSON
output and the conformance tests; `python_exception` names the Python exception behind a
`runtime` error, as the reference reports it.
"""

from __future__ import annotations

from typing import Any

from rasp.graph.nodes import Origin

KIND_OF_CODE = {
    "syntax-error": "syntax",
    "missing-return": "syntax",
    "undefined-name": "undefined_variable",
    "reserved-name": "reserved_name",
    "wrong-arity": "arg_count",
    "not-a-selector": "type_error",
    "not-an-atom": "type_error",
    "selector-mixing": "type_error",
    "type-mismatch": "type_error",
    "not-an-s-op": "type_error",
    "bad-index": "value_error",
    "bad-value": "value_error",
    "unknown-file": "load_error",
    "not-implemented": "not_implemented",
    "runtime-error": "runtime",
    "limit": "runtime",
}


class RaspError(Exception):
    def __init__(
        self,
        code: str,
        message: str,
        origin: Origin | None = None,
        python_exception: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.origin = origin
        self.python_exception = python_exception
        self.node: Any = None  # the graph node whose evaluation failed, if any
        self.evaluated = False  # raised while checking a definition on the running example

    @property
    def kind(self) -> str:
        return KIND_OF_CODE.get(self.code, "runtime")

    def at(self, origin: Origin | None) -> RaspError:
        """This error, placed at `origin` unless it already has a place."""
        if self.origin is None:
            self.origin = origin
        return self


def from_python(exc: Exception, origin: Origin | None = None) -> RaspError:
    """A Python failure inside an operator (`"a" + 1`, division by zero) as a RASP error."""
    return RaspError("runtime-error", str(exc), origin, type(exc).__name__)
