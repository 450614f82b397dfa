"""The evaluation worker: a separate process that runs documents on sample inputs, so that a
slow or runaway evaluation never blocks the language server (the server kills it instead).

Protocol: one JSON object per line on stdin, one answer per line on stdout.
    request  {"id": N, "uri": U, "text": T, "path": P | null, "inputs": [EXTRA INPUT, ...],
              "max_length": M, "exprs": [EXPR, ...]}
    answer   {"id": N, "example": E, "errors": [{code, message, start, end}],
              "statements": {OFFSET: {NAME: [RESULT per input]}},
              "exprs": {EXPR: [RESULT per input]}}
Each top-level statement that binds s-ops or selectors is evaluated on the running example in
effect there (`set example` above it), then on the extra inputs.
RESULT is `rasp.program.Result.to_json()`: values, matrix or error per input. `errors` are
the program's own errors, with the reference's check of each definition on the running
example switched on (spans are code-point offsets).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from rasp.graph import nodes as g
from rasp.program import Session
from rasp.runtime.errors import RaspError


class Worker:
    def __init__(self) -> None:
        self.sessions: dict[str, Session] = {}

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        uri = request["uri"]
        text = request["text"]
        path = Path(request["path"]) if request.get("path") else None
        previous = self.sessions.get(uri)
        if previous is not None and previous.path == path:
            session = previous.edit(text)
        else:
            session = Session(text, path)
        self.sessions[uri] = session
        extra = list(request.get("inputs") or [])
        max_length = int(request.get("max_length") or 0)
        statements: dict[str, dict[str, list[Any]]] = {}
        for run in session.runs:
            inputs = _inputs(run.example, extra)
            found = {
                name: [_result(session, value, inp, name, max_length) for inp in inputs]
                for name, value in run.writes.items()
                if isinstance(value, (g.SOp, g.Selector))
            }
            if found:
                statements[str(run.statement.offset)] = found
        inputs = extra if request.get("exact_inputs") and extra else _inputs(session.example, extra)
        exprs: dict[str, list[Any]] = {}
        for expr in request.get("exprs") or []:
            try:
                value = session.evaluate(expr)
            except RaspError as err:
                exprs[expr] = [{"error": {"code": err.code, "message": err.message}}]
                continue
            if isinstance(value, (g.SOp, g.Selector)):
                exprs[expr] = [session.result(value, inp, None, expr).to_json() for inp in inputs]
            else:
                exprs[expr] = [session.result(value, inputs[0], None, expr).to_json()]
        return {
            "id": request.get("id"),
            "example": session.example,
            "errors": [
                {"code": e.code, "message": e.message, "start": e.span.start, "end": e.span.end}
                for e in session.errors
            ],
            "statements": statements,
            "exprs": exprs,
        }


def _inputs(example: Any, extra: list[Any]) -> list[Any]:
    out = [example]
    for inp in extra:
        if not any(type(inp) is type(o) and inp == o for o in out):
            out.append(inp)
    return out


def _result(session: Session, value: Any, inp: Any, name: str, max_length: int) -> Any:
    if max_length and isinstance(inp, (str, list)) and len(inp) > max_length:
        return {
            "input": inp,
            "kind": "skipped",
            "error": {
                "code": "limit",
                "message": f"input longer than rasp.evaluation.maxLength ({max_length})",
            },
        }
    return session.result(value, inp, name, None).to_json()


def _safe(value: Any) -> Any:
    """JSON cannot hold every Python value (e.g. a function as an example): say what it is."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def main() -> None:
    # evaluation is background work: the editor's own process (answering keystrokes) goes first
    with contextlib.suppress(AttributeError, OSError):
        os.nice(10)
    worker = Worker()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            answer = worker.handle(request)
            answer["example"] = _safe(answer["example"])
            text = json.dumps(answer, default=repr)
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the worker silently
            text = json.dumps({"id": None, "crash": f"{type(exc).__name__}: {exc}"})
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
