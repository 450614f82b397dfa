"""The `rasp` command: `run`, `check` and `repl`. Reads files, calls the core, prints.

Exit status: 0 success, 1 errors in the program, 2 usage errors (unknown file, bad option).
A bad file never gives a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from rasp import format as fmt
from rasp.graph import nodes as g
from rasp.graph.builder import MAX_LOAD_BYTES
from rasp.program import ProgramError, Result, Session
from rasp.runtime.errors import RaspError


class _Usage(Exception):
    pass


def _read(path_text: str) -> tuple[Path, str]:
    """A file's text; a usage error if it cannot be read or is over the size a `load`
    accepts (checked before reading: a huge file is refused at once)."""
    path = Path(path_text)
    try:
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            data = b"" if size > MAX_LOAD_BYTES else file.read(MAX_LOAD_BYTES + 1)
    except OSError as exc:
        raise _Usage(f"cannot read {path_text}: {exc.strerror or exc}") from None
    if size > MAX_LOAD_BYTES or len(data) > MAX_LOAD_BYTES:  # (a pipe reports no size)
        amount = f"{size:,} bytes, " if size > MAX_LOAD_BYTES else ""
        raise _Usage(
            f"{path_text} is too large to analyse: {amount}over the limit of "
            f"{MAX_LOAD_BYTES:,} bytes; split it into smaller files and `load` them from one"
        )
    return path, data.decode("utf-8", errors="replace")


def _location(path: Path, err: ProgramError) -> str:
    return f"{path}:{err.line}:{err.column}"


def _print_result(result: Result, label: str, out: TextIO) -> None:
    head = f"{label}({fmt.literal(result.input)})" if result.kind != "value" else label
    if result.error is not None:
        out.write(f"{head}: error[{result.error.code}]: {result.error.message}\n")
    elif result.kind == "s-op":
        out.write(f"{head} = {fmt.sop(result.values or [], result.type)}\n")
    elif result.kind == "selector":
        out.write(f"{head} =\n{fmt.selector(result.matrix or [], result.input)}\n")
    else:
        out.write(f"{head} = {fmt.value(result.value)}\n")


def _run_file(path: Path, text: str, args: argparse.Namespace, out: TextIO) -> int:
    session = Session(text, path)
    status = 1 if session.errors else 0
    for err in session.errors:
        if args.json:
            out.write(json.dumps({"stage": "program", "error": err.to_json()}) + "\n")
        else:
            out.write(f"{_location(path, err)}: error[{err.code}]: {err.message}\n")
    inputs: list[Any] = []
    for raw in args.input or []:
        try:
            inputs.append(session.parse_input(raw))
        except RaspError as exc:
            raise _Usage(f"bad --input {raw!r}: {exc.message}") from None
    if not inputs:
        inputs = [session.example]
    targets: list[tuple[str | None, str | None, Any]] = []
    if args.expr:
        for expr in args.expr:
            try:
                targets.append((None, expr, session.evaluate(expr)))
            except RaspError as exc:
                err = session.located(exc)
                status = 1
                if args.json:
                    out.write(
                        json.dumps(
                            {
                                "stage": "result",
                                "name": None,
                                "expr": expr,
                                "input": None,
                                "kind": "value",
                                "error": err.to_json(),
                            }
                        )
                        + "\n"
                    )
                else:
                    out.write(f"{expr}: error[{err.code}]: {err.message}\n")
    else:
        targets = [(name, None, value) for name, value in session.top_level()]
    for name, expr, value in targets:
        for inp in inputs:
            if not isinstance(value, (g.SOp, g.Selector)) and inp is not inputs[0]:
                continue
            result = session.result(value, inp, name, expr)
            if args.json:
                out.write(json.dumps(result.to_json()) + "\n")
            else:
                _print_result(result, name or expr or "out", out)
    return status


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    files = [_read(p) for p in args.files]
    status = 0
    for i, (path, text) in enumerate(files):
        if len(files) > 1 and not args.json:
            out.write(("\n" if i else "") + f"# {path}\n")
        status = max(status, _run_file(path, text, args, out))
    return status


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    status = 0
    for path, text in [_read(p) for p in args.files]:
        session = Session(text, path)
        for diagnostic in session.diagnostics():
            line, column = session.lines.position(diagnostic.span.start)
            out.write(
                f"{path}:{line + 1}:{column + 1}: {diagnostic.severity.value}"
                f"[{diagnostic.code}]: {diagnostic.message}\n"
            )
            if diagnostic.severity.value == "error":
                status = 1
    return status


def cmd_cost(args: argparse.Namespace, out: TextIO) -> int:
    from rasp.analysis.cost import Depths, cost

    path, text = _read(args.file)
    session = Session(text, path)
    for err in session.errors:
        sys.stderr.write(f"{_location(path, err)}: error[{err.code}]: {err.message}\n")
    top = dict(session.top_level())
    names = args.names or [n for n, v in top.items() if isinstance(v, g.SOp)]
    depths = Depths()
    report: dict[str, object] = {}
    status = 1 if session.errors else 0
    for name in names:
        node = top.get(name)
        if not isinstance(node, g.SOp):
            sys.stderr.write(f"rasp: {name} is not a top-level s-op of {path}\n")
            status = 1
            continue
        report[name] = cost(node, depths).to_json()
    if args.json:
        out.write(json.dumps(report) + "\n")
    else:
        for name, data in report.items():
            assert isinstance(data, dict)
            out.write(f"{name}: {fmt.cost_line(data)}\n")
    return status


def cmd_draw(args: argparse.Namespace, out: TextIO) -> int:
    from rasp.flow.layout import layout
    from rasp.flow.svg import html, render

    path, text = _read(args.file)
    session = Session(text, path)
    for err in session.errors:
        sys.stderr.write(f"{_location(path, err)}: error[{err.code}]: {err.message}\n")
    node = dict(session.top_level()).get(args.name)
    if not isinstance(node, g.SOp):
        raise _Usage(f"{args.name} is not a top-level s-op of {path}")
    try:
        inp = session.parse_input(args.input) if args.input else session.example
    except RaspError as exc:
        raise _Usage(f"bad --input {args.input!r}: {exc.message}") from None
    flow = layout(node, inp, {session.file: session.text}, args.name, session.file)
    target = Path(args.output)
    body = html(flow) if target.suffix.lower() in (".html", ".htm") else render(flow)
    try:
        target.write_text(body, encoding="utf-8")
    except OSError as exc:
        raise _Usage(f"cannot write {target}: {exc.strerror or exc}") from None
    out.write(f"{target}: {args.name} on {fmt.literal(inp)}, {fmt.cost_line(flow['cost'])}\n")
    return 1 if session.errors else 0


def cmd_repl(args: argparse.Namespace, out: TextIO) -> int:
    from rasp.repl import Repl

    return Repl(out).loop(sys.stdin)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rasp", description="The RASP language: run, check, REPL."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run files and print their s-ops and selectors")
    run.add_argument("files", nargs="+", metavar="FILE")
    run.add_argument(
        "--input",
        action="append",
        metavar="INPUT",
        help="a RASP literal such as '\"hello\"' or '[1, 2]' (repeatable)",
    )
    run.add_argument(
        "--expr",
        action="append",
        metavar="EXPR",
        help="an expression to evaluate after the file (repeatable)",
    )
    run.add_argument("--json", action="store_true", help="one JSON object per line")
    check = commands.add_parser("check", help="report diagnostics")
    check.add_argument("files", nargs="+", metavar="FILE")
    cost = commands.add_parser("cost", help="layers, heads per layer and MLP layers of s-ops")
    cost.add_argument("file", metavar="FILE")
    cost.add_argument("names", nargs="*", metavar="NAME")
    cost.add_argument("--json", action="store_true", help="one JSON object")
    draw = commands.add_parser("draw", help="draw the computation flow of an s-op (SVG/HTML)")
    draw.add_argument("file", metavar="FILE")
    draw.add_argument("name", metavar="NAME")
    draw.add_argument("--input", metavar="INPUT", help="a RASP literal (default: the example)")
    draw.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        required=True,
        help="out.svg, or out.html for a page with tooltips",
    )
    commands.add_parser("repl", help="an interactive REPL, like the reference's")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else 2
    out = sys.stdout
    handlers = {
        "run": cmd_run,
        "check": cmd_check,
        "cost": cmd_cost,
        "draw": cmd_draw,
        "repl": cmd_repl,
    }
    try:
        return handlers[args.command](args, out)
    except _Usage as exc:
        sys.stderr.write(f"rasp: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
