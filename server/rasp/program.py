"""Run a RASP file the way the reference REPL does, and evaluate names and expressions after
it on inputs. This is the one entry point behind `rasp run`, `rasp check`, the REPL and the
conformance tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasp.diagnostic import Diagnostic, Severity
from rasp.graph import nodes as g
from rasp.graph.builder import Builder
from rasp.graph.incremental import Runner
from rasp.graph.values import Function
from rasp.runtime.errors import RaspError
from rasp.runtime.evaluate import Evaluation
from rasp.runtime.sequences import row_type
from rasp.syntax import ast
from rasp.syntax.document import ParsedFile, StatementParser
from rasp.text import LineIndex, Span

TYPE_WORDS = {"int": "ints", "float": "floats", "bool": "bools", "string": "strings"}


@dataclass(frozen=True)
class ProgramError:
    """An error of the program, located in its file (line and column 1-based)."""

    code: str
    kind: str
    message: str
    line: int
    column: int
    span: Span
    statement: Span
    python_exception: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }


@dataclass
class Result:
    """One name or expression evaluated on one input."""

    name: str | None
    expr: str | None
    input: Any
    kind: str  # "s-op" | "selector" | "value"
    type: str | None = None
    values: list[Any] | None = None
    matrix: list[list[bool]] | None = None
    value: Any = None
    error: ProgramError | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "stage": "result",
            "name": self.name,
            "expr": self.expr,
            "input": self.input,
            "kind": self.kind,
        }
        if self.error is not None:
            out["error"] = self.error.to_json()
            return out
        if self.kind == "s-op":
            out["type"] = TYPE_WORDS.get(self.type or "", self.type)
            out["values"] = self.values
        elif self.kind == "selector":
            out["matrix"] = self.matrix
        else:
            out["value"] = json_value(self.value)
        out["error"] = None
        return out


def json_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {"dict": [[json_value(k), json_value(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, Function):
        return f"<function {value.name}>"
    return value


@dataclass
class Session:
    """A program run: its statements, the errors they raised, and the scope they left."""

    text: str
    path: Path | None = None
    check_on_example: bool = True
    parser: StatementParser = field(default_factory=StatementParser)
    runner: Runner | None = None
    previous: ParsedFile | None = None

    def __post_init__(self) -> None:
        if self.previous is not None:
            self.parsed: ParsedFile = self.parser.reparse(self.previous, self.text)
        else:
            self.parsed = self.parser.parse(self.text)
        self.file = str(self.path) if self.path else None
        if self.runner is None:
            search = (self.path.resolve().parent,) if self.path else ()
            builder = Builder(
                check_on_example=self.check_on_example, search_paths=search, parser=self.parser
            )
            self.runner = Runner(builder, self.file)
        self.builder = self.runner.builder
        self.lines = LineIndex(self.text)
        self.errors: list[ProgramError] = []
        self.warnings: list[Diagnostic] = []
        self.exited = False
        self.runs = self.runner.run(self.parsed)
        for run in self.runs:
            statement = run.statement
            for problem in statement.problems:
                span = problem.span.shift(statement.offset)
                if problem.warning:
                    self.warnings.append(
                        Diagnostic(
                            problem.code, problem.message, span, Severity.INFORMATION, self.file
                        )
                    )
                else:
                    self.errors.append(
                        self._error(problem.code, problem.message, span, statement.span)
                    )
            for err in run.errors:
                span = statement.span
                if err.origin is not None and err.origin.file == self.file:
                    span = err.origin.span
                self.errors.append(
                    self._error(err.code, err.message, span, statement.span, err.python_exception)
                )
            if run.exited:
                self.exited = True
                break

    def edit(self, text: str) -> Session:
        """The session of an edited version of this text: only changed statements are parsed
        again, and only statements whose inputs changed run again. This session is
        superseded (its scope now belongs to the new one)."""
        return Session(
            text, self.path, self.check_on_example, self.parser, self.runner, self.parsed
        )

    def _error(
        self,
        code: str,
        message: str,
        span: Span,
        statement: Span,
        python_exception: str | None = None,
    ) -> ProgramError:
        from rasp.runtime.errors import KIND_OF_CODE

        line, column = self.lines.position(span.start)
        return ProgramError(
            code,
            KIND_OF_CODE.get(code, "runtime"),
            message,
            line + 1,
            column + 1,
            span,
            statement,
            python_exception,
        )

    @property
    def example(self) -> Any:
        return self.builder.example

    def diagnostics(self, *, tracr: bool = False) -> list[Diagnostic]:
        """Every diagnostic: syntax, program errors, and the static analysis."""
        return _in_order(self.program_diagnostics() + self.analysis_diagnostics(tracr=tracr))

    def run_diagnostics(self) -> list[Diagnostic]:
        """The errors running the program raised (not syntax problems)."""
        syntax = {(d.code, d.span) for d in syntax_diagnostics(self.parsed, self.file)}
        return [d for d in self.program_diagnostics() if (d.code, d.span) not in syntax]

    def program_diagnostics(self) -> list[Diagnostic]:
        """Syntax problems and the errors running the program raised (cheap: already known)."""
        out = [
            Diagnostic(e.code, e.message, e.span, Severity.ERROR, self.file) for e in self.errors
        ]
        return _in_order(out + self.warnings)

    def analysis_diagnostics(self, *, tracr: bool = False) -> list[Diagnostic]:
        """What the static analysis finds (types, encodings, precedence, duplicates...)."""
        from rasp.analysis.check import static_diagnostics

        return static_diagnostics(
            self.parsed, self.builder, self.file, [e.statement for e in self.errors], tracr=tracr
        )

    def top_level(self) -> list[tuple[str, g.SOp | g.Selector]]:
        """The top-level s-ops and selectors, in the order their names were first bound."""
        return [
            (name, value)
            for name, value in self.builder.scope.vars.items()
            if isinstance(value, (g.SOp, g.Selector)) and name != "out"
        ]

    def evaluate(self, expr_text: str) -> Any:
        """Evaluate an expression in the program's scope (raises RaspError)."""
        statement = self.parser.parse(expr_text.strip().rstrip(";") + ";").statements
        if len(statement) != 1 or statement[0].tree is None:
            problem = statement[0].problems[0] if statement and statement[0].problems else None
            raise RaspError("syntax-error", problem.message if problem else "empty expression")
        tree = statement[0].tree
        if not isinstance(tree, ast.ExprStatement):
            raise RaspError("syntax-error", "expected an expression")
        builder = self.builder
        builder._file, builder._anchor = None, g.Anchor(0)  # noqa: SLF001 - no file
        return builder._eval(tree.expr, builder.scope)  # noqa: SLF001

    def parse_input(self, text: str) -> Any:
        """An input given on the command line: a RASP literal, or a bare word as a string."""
        stripped = text.strip()
        if stripped and stripped[0] not in '"[(' and not stripped[0].isdigit():
            return stripped
        return self.evaluate(stripped)

    def result(self, value: Any, inp: Any, name: str | None, expr: str | None) -> Result:
        """`value` (from a name or expression) applied to one input."""
        if isinstance(value, (g.SOp, g.Selector)):
            kind = "s-op" if isinstance(value, g.SOp) else "selector"
            try:
                evaluation = Evaluation([inp])
                if isinstance(value, g.SOp):
                    row = evaluation.sop(value)[0]
                    return Result(name, expr, inp, kind, row_type(row), row.tolist())
                matrix = evaluation.selector(value)[0]
                return Result(name, expr, inp, kind, matrix=matrix.tolist())
            except RaspError as err:
                return Result(name, expr, inp, kind, error=self.located(err))
        return Result(name, expr, inp, "value", value=value)

    def located(self, err: RaspError) -> ProgramError:
        span = Span(0, 0)
        if err.origin is not None and err.origin.file == self.file:
            span = err.origin.span
        return self._error(err.code, err.message, span, span, err.python_exception)


def syntax_diagnostics(parsed: ParsedFile, file: str | None) -> list[Diagnostic]:
    """The syntax problems of a parsed file (errors, and reference-incompatible notes)."""
    out = []
    for statement in parsed.statements:
        for problem in statement.problems:
            severity = Severity.INFORMATION if problem.warning else Severity.ERROR
            out.append(
                Diagnostic(
                    problem.code,
                    problem.message,
                    problem.span.shift(statement.offset),
                    severity,
                    file,
                )
            )
    return out


def _in_order(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=lambda d: (d.span.start, d.span.end))
