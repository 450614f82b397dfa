"""Run RASP statements in order, building values and the s-op/selector graph.

The builder owns scopes (functions get a new scope nested in their definition scope, read
late), loops and comprehensions, multiple assignment, `load` with privacy, `set example`
and the reference's check of every new definition on the running example. Every node it
creates records the source range that created it. A user's mistake is a `RaspError`,
reported per statement; the statements after it still run.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasp.graph import nodes as g
from rasp.graph.values import (
    UNKNOWN,
    UNKNOWN_SELECTOR,
    Annotation,
    Function,
    Scope,
    Unknown,
    UnknownSelector,
    describe,
    is_atom,
    short_name,
)
from rasp.runtime.errors import RaspError, from_python
from rasp.runtime.evaluate import Evaluation
from rasp.syntax import ast
from rasp.syntax.document import ParsedFile, StatementParser
from rasp.text import LineIndex, Span

DEFAULT_EXAMPLE = "hello"
MAX_CALL_DEPTH = 150
MAX_LIST_LENGTH = 1_000_000
MAX_LOAD_BYTES = 2_000_000
MAX_MEMO_NODES = 200_000
MAX_LOOP_ITERATIONS = 10_000
MAX_STEPS = 200_000
MAX_RECORDED_LIST = 10_000  # longer lists are not searched for s-ops
MAX_LOAD_SYNTAX_ERRORS = 3  # syntax errors of a loaded file reported at its `load`

KEYWORDS = frozenset(
    [
        "if",
        "else",
        "not",
        "and",
        "or",
        "out",
        "def",
        "return",
        "range",
        "for",
        "in",
        "zip",
        "len",
        "get",
        "True",
        "False",
    ]
)
BUILTIN_SOPS = ("tokens_str", "tokens_int", "tokens_float", "tokens_bool", "tokens_asis")
LIBRARY_NAMES = frozenset(
    [
        "full_s",
        "length",
        "selector_width",
        "has_focus",
        "count",
        "contains",
        "max",
        "min",
        "average",
        "load_from_location",
        "shift",
        "mark_last_instance",
        "mark_first_instance",
        "select_from_last",
        "select_from_first",
        "sort",
        "select_next_identical",
    ]
)
RESERVED = KEYWORDS | LIBRARY_NAMES | frozenset(BUILTIN_SOPS) | {"indices"}
LIBRARY_FILE = Path(__file__).resolve().parent.parent / "library.rasp"

_PY_ERRORS = (TypeError, ValueError, ZeroDivisionError, OverflowError, ArithmeticError)
_ATOM_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
    "^": lambda a, b: a**b,
    "==": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


@dataclass
class Failure:
    """A statement that failed: the error, the statement, and the file it is in."""

    error: RaspError
    statement: ast.Statement
    file: str | None


@dataclass
class Run:
    """What running a file produced."""

    scope: Scope
    failures: list[Failure] = field(default_factory=list)
    exited: bool = False


class _Exit(Exception):
    pass


@functools.cache
def _full_in_selector() -> g.Select:
    """The interpreter's own always-true selector, shared by every `atom in s-op`."""
    return g.Select(g.Constant(1), g.Constant(1), "==")


@functools.cache
def base_scope() -> Scope:
    """The start-up names: tokens, indices, True/False and the standard library."""
    scope = Scope()
    for name in BUILTIN_SOPS:
        node = g.Tokens(name.removeprefix("tokens_"))
        node.name = name
        scope.vars[name] = node
    indices = g.Indices()
    indices.name = "indices"
    scope.vars["indices"] = indices
    scope.vars["True"] = True
    scope.vars["False"] = False
    scope.vars["tokens"] = scope.vars["tokens_str"]
    scope.vars["numerical"] = Annotation("numerical")
    scope.vars["categorical"] = Annotation("categorical")
    builder = Builder(scope=scope, library=True)
    text = LIBRARY_FILE.read_text(encoding="utf-8")
    run = builder.run(StatementParser().parse(text), str(LIBRARY_FILE))
    if run.failures:  # pragma: no cover - the shipped library is tested
        raise RuntimeError(f"library failed: {run.failures[0].error.message}")
    return scope


class Builder:
    """Runs statements. One builder per program run (REPL session, file, editor document)."""

    def __init__(
        self,
        *,
        scope: Scope | None = None,
        check_on_example: bool = True,
        search_paths: tuple[Path, ...] = (),
        library: bool = False,
        parser: StatementParser | None = None,
    ) -> None:
        self.library = library
        self.scope = scope if scope is not None else Scope(base_scope())
        self.check_on_example = check_on_example
        self.search_paths = search_paths
        self.parser = parser or StatementParser()
        self.example: Any = DEFAULT_EXAMPLE
        self._evaluations: dict[tuple[type, str], Evaluation] = {}
        self._file: str | None = None
        self._anchor = g.Anchor(0)
        self._steps = 0  # statements executed for the current top-level statement
        self._depth = 0
        self._calls: list[Function] = []  # the functions being called, outermost first
        self._loading: list[Path] = []
        self.called: set[int] = set()  # id() of every Function called at least once
        self.called_now: set[int] = set()  # ... by the current top-level statement
        self.results: list[g.Node] = []  # every s-op/selector a statement produced
        self.memo: dict[str, Any] = {}  # analyses memoised per node, kept across runs
        self.uncalled_results: list[g.Node] = []  # what bodies never called return
        # where the current statement names an input s-op (tokens_int...), for error ranges
        self._name_origins: dict[int, g.Origin] = {}

    # ---- running statements ----------------------------------------------------------------

    def run(self, parsed: ParsedFile, file: str | None = None) -> Run:
        """Run every statement of a parsed file in this builder's scope."""
        run = Run(self.scope)
        for statement in parsed.statements:
            errors = self.run_statement(statement, file)
            run.failures.extend(Failure(e, statement, file) for e in errors)
            if errors and isinstance(errors[-1], _ExitMarker):
                run.failures.pop()
                run.exited = True
                break
        return run

    def run_statement(
        self, statement: ast.Statement, file: str | None = None, anchor: g.Anchor | None = None
    ) -> list[RaspError]:
        """Run one top-level statement; its errors (empty when it worked)."""
        if statement.tree is None:
            return []
        self._file, self._anchor = file, anchor or g.Anchor(statement.offset)
        self._name_origins.clear()
        self.called_now = set()
        self._steps = 0
        results_before = len(self.results)
        try:
            self._exec(statement.tree, self.scope, top=True)
        except _Exit:
            return [_ExitMarker()]
        except _LoadErrors as errs:
            return errs.errors
        except RaspError as err:
            del self.results[results_before:]  # a rejected statement defines nothing
            return [err.at(self._origin(statement.tree.span))]
        except RecursionError:
            return [
                RaspError(
                    "limit", "nesting or recursion too deep", self._origin(statement.tree.span)
                )
            ]
        return []

    def _origin(self, span: Span) -> g.Origin:
        return g.Origin(self._file, span, self._anchor)

    def _spend(self, steps: int, what: str, span: Span) -> None:
        """Count work against the top-level statement's budget (MAX_STEPS); stop it there."""
        self._steps += steps
        if self._steps > MAX_STEPS:
            raise RaspError(
                "limit",
                f"this statement {what.format(f'{MAX_STEPS:,}')}; the analysis stops here",
                self._origin(span),
            )

    def _exec(self, stmt: ast.Stmt, scope: Scope, top: bool = False) -> None:
        self._spend(1, "runs more than {} statements (loops and calls included)", stmt.span)
        if isinstance(stmt, ast.Assign):
            values = [self._eval(e, scope) for e in stmt.values]
            self._record(values)
            for value, expr in zip(values, stmt.values, strict=True):
                self._check(value, expr.span)
            if len(stmt.targets) > 1 and len(values) == 1:
                values = self._unpack(values[0], len(stmt.targets), stmt.span)
            if len(values) != len(stmt.targets):
                raise RaspError(
                    "type-mismatch",
                    f"expected {len(stmt.targets)} values, got {len(values)}",
                    self._origin(stmt.span),
                )
            for target, value in zip(stmt.targets, values, strict=True):
                self._bind(scope, target, value)
        elif isinstance(stmt, ast.ExprStatement):
            value = self._eval(stmt.expr, scope)
            self._record([value])
            self._check(value, stmt.expr.span)
            scope.set("out", value)
        elif isinstance(stmt, ast.Def):
            self._reserve(stmt.name)
            fn = Function(
                stmt.name.id,
                tuple(p.id for p in stmt.params),
                stmt.body,
                stmt.returns,
                scope,
                self._file,
                self._anchor,
                stmt,
            )
            scope.set(stmt.name.id, fn)
        elif isinstance(stmt, ast.For):
            items = self._iterable(self._eval(stmt.iterable, scope), stmt.iterable.span)
            if len(items) > MAX_LOOP_ITERATIONS:
                raise RaspError(
                    "limit",
                    f"a loop of {len(items)} iterations is more than this "
                    f"tool analyses ({MAX_LOOP_ITERATIONS})",
                    self._origin(stmt.iterable.span),
                )
            for item in items:
                values = (
                    [item]
                    if len(stmt.names) == 1
                    else self._unpack(item, len(stmt.names), stmt.iterable.span)
                )
                for name, value in zip(stmt.names, values, strict=True):
                    self._bind(scope, name, value)
                for inner in stmt.body:
                    self._exec(inner, scope)
        elif isinstance(stmt, ast.Load):
            self._load(stmt, scope)
        elif isinstance(stmt, ast.Draw):
            value = self._eval(stmt.expr, scope)
            self._record([value])
            self._check(value, stmt.expr.span)
            if stmt.input is not None:
                self._eval(stmt.input, scope)
        elif isinstance(stmt, ast.SetExample):
            example = self._eval(stmt.expr, scope)
            try:
                Evaluation([example])
            except RaspError as err:
                raise err.at(self._origin(stmt.expr.span)) from None
            self.example = example
        elif isinstance(stmt, ast.Directive):
            if stmt.kind == "exit":
                raise _Exit()
        else:  # pragma: no cover
            raise AssertionError(stmt)

    def _record(self, values: list[Any]) -> None:
        """Keep the s-ops and selectors statements produce: the roots of the analysis. Lists
        are looked into once each (they may be shared) and only while small."""
        seen: set[int] = set()
        stack = [values]
        while stack:
            items = stack.pop()
            if id(items) in seen or len(items) > MAX_RECORDED_LIST:
                continue
            seen.add(id(items))
            for value in items:
                if isinstance(value, (g.SOp, g.Selector)):
                    self.results.append(value)
                elif isinstance(value, list):
                    stack.append(value)

    def _bind(self, scope: Scope, target: ast.Name, value: Any) -> None:
        self._reserve(target)
        if isinstance(value, (g.SOp, g.Selector)) and value.name is None:
            value.name = target.id
        scope.set(target.id, value)

    def _reserve(self, name: ast.Name) -> None:
        if name.id in RESERVED and not self.library:
            raise RaspError(
                "reserved-name", f"Cannot set reserved name: {name.id}", self._origin(name.span)
            )

    def _unpack(self, value: Any, count: int, span: Span) -> list[Any]:
        if isinstance(value, Unknown):
            return [UNKNOWN] * count
        if isinstance(value, (tuple, list, str)) and len(value) == count:
            return list(value)
        got = len(value) if isinstance(value, (tuple, list, str)) else 1
        raise RaspError(
            "type-mismatch", f"expected {count} values to unpack, got {got}", self._origin(span)
        )

    def _iterable(self, value: Any, span: Span) -> list[Any]:
        if isinstance(value, Unknown):
            return [UNKNOWN]  # analyse the body once
        if isinstance(value, dict):
            return list(value.keys())
        if isinstance(value, (list, str)):
            return list(value)
        raise RaspError(
            "type-mismatch",
            f"can only iterate over a list or dict, got: {describe(value)}",
            self._origin(span),
        )

    def example_evaluation(self) -> Evaluation:
        """The memoised evaluation on the running example (kept across runs of a runner)."""
        key = (type(self.example), repr(self.example))
        evaluation = self._evaluations.get(key)
        if evaluation is None or evaluation.size() > MAX_MEMO_NODES:
            if len(self._evaluations) > 8:
                self._evaluations.clear()
            evaluation = self._evaluations[key] = Evaluation([self.example])
        return evaluation

    def _check(self, value: Any, span: Span) -> None:
        """The reference evaluates every new s-op/selector on the running example."""
        if not self.check_on_example or not isinstance(value, (g.SOp, g.Selector)):
            return
        evaluation = self.example_evaluation()
        try:
            if isinstance(value, g.SOp):
                evaluation.sop(value)
            else:
                evaluation.selector(value)
        except RaspError as err:
            err.evaluated = True
            if err.origin is None and err.node is not None:
                err.origin = self._name_origins.get(err.node.id)  # e.g. `tokens_int` itself
                err.evaluated = err.origin is None
            raise err.at(self._origin(span)) from None

    def check_uncalled(self) -> list[tuple[Function, RaspError]]:
        """Run the body of every top-level function never called, with unknown arguments, so
        that undefined names, arity and kind errors inside it are found."""
        found: list[tuple[Function, RaspError]] = []
        self.uncalled_results.clear()
        called = set(self.called)  # checking a body calls others: that does not count
        for value in list(self.scope.vars.values()):
            if not isinstance(value, Function) or id(value) in self.called:
                continue
            saved_check, self.check_on_example = self.check_on_example, False
            try:
                result = self._call_function(value, [UNKNOWN] * len(value.params), None)
                self.uncalled_results.extend(
                    r
                    for r in (result if isinstance(result, list) else [result])
                    if isinstance(r, g.Node)
                )
            except RaspError as err:
                found.append((value, err))
            except RecursionError:
                pass
            finally:
                self.check_on_example = saved_check
        self.called = called
        return found

    # ---- load -----------------------------------------------------------------------------

    def _find(self, name: str) -> Path | None:
        filename = f"{name}.rasp"
        if Path(filename).is_absolute() or ".." in Path(filename).parts:
            return None
        here = [Path(self._file).parent] if self._file else []
        for folder in [*here, *self.search_paths, Path.cwd()]:
            candidate = folder / filename
            if candidate.is_file():
                return candidate
        return None

    def _load(self, stmt: ast.Load, scope: Scope) -> None:
        origin = self._origin(stmt.span)
        if Path(stmt.path).is_absolute() or ".." in Path(stmt.path).parts:
            raise RaspError(
                "unknown-file",
                f"load reads files next to the loading file or in "
                f"the working directory, not {stmt.path}.rasp",
                origin,
            )
        path = self._find(stmt.path)
        if path is None:
            raise RaspError("unknown-file", f"could not find file: {stmt.path}.rasp", origin)
        resolved = path.resolve()
        # the files being loaded, outermost first: the file being run is the first of them
        loading = self._loading or ([Path(self._file).resolve()] if self._file else [])
        if resolved in loading:
            raise RaspError("unknown-file", _cycle_message(loading, resolved), origin)
        try:
            if resolved.stat().st_size > MAX_LOAD_BYTES:
                raise RaspError("unknown-file", f"{stmt.path}.rasp is too large to load", origin)
            text = resolved.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RaspError(
                "unknown-file", f"could not read {stmt.path}.rasp: {exc}", origin
            ) from None
        inner = Builder(
            scope=Scope(base_scope()),
            check_on_example=self.check_on_example,
            search_paths=self.search_paths,
            parser=self.parser,
        )
        inner.example = self.example
        inner._loading = [*loading, resolved]
        inner._depth = self._depth
        inner._calls = list(self._calls)
        saved = self._file, self._anchor
        parsed = inner.parser.parse(text)
        run = inner.run(parsed, str(path))
        problems = [(st, p) for st in parsed.statements for p in st.problems if not p.warning]
        self._file, self._anchor = saved
        self.example = inner.example
        for name, value in inner.scope.vars.items():
            if not name.startswith("_") and name != "out":
                scope.set(name, value)
        if run.failures or problems:
            errors = []
            lines = LineIndex(text)
            for statement, problem in problems[:MAX_LOAD_SYNTAX_ERRORS]:
                line, column = lines.position(problem.span.start + statement.offset)
                errors.append(
                    RaspError(
                        problem.code,
                        f"{stmt.path}.rasp:{line + 1}:{column + 1}: {problem.message}",
                        origin,
                    )
                )
            for failure in run.failures:
                err = failure.error
                errors.append(RaspError(err.code, err.message, origin, err.python_exception))
            raise _LoadErrors(errors)

    # ---- expressions ----------------------------------------------------------------------

    def _eval(self, expr: ast.Expr, scope: Scope) -> Any:
        try:
            return self._eval_inner(expr, scope)
        except RaspError as err:
            raise err.at(self._origin(expr.span)) from None
        except _PY_ERRORS as exc:
            raise from_python(exc, self._origin(expr.span)) from None

    def _lift(self, value: Any, span: Span) -> g.SOp:
        if isinstance(value, g.SOp):
            return value
        if is_atom(value):
            return g.Constant(value, self._origin(span))
        raise RaspError(
            "type-mismatch",
            f"expected an s-op or an atom, got: {describe(value)}",
            self._origin(span),
        )

    def _eval_inner(self, expr: ast.Expr, scope: Scope) -> Any:  # noqa: C901 - one dispatch
        origin = self._origin(expr.span)
        if isinstance(expr, ast.Name):
            found, value = scope.find(expr.id)
            if not found:
                raise RaspError("undefined-name", f"Undefined variable: {expr.id}", origin)
            if isinstance(value, g.Node) and value.origin is None:
                self._name_origins.setdefault(value.id, origin)
            return value
        if isinstance(expr, (ast.Number, ast.String)):
            return expr.value
        if isinstance(expr, ast.Paren):
            return self._eval(expr.expr, scope)
        if isinstance(expr, ast.ListLiteral):
            return [self._eval(e, scope) for e in expr.items]
        if isinstance(expr, ast.DictLiteral):
            out: dict[Any, Any] = {}
            for key_expr, value_expr in expr.items:
                key = self._eval(key_expr, scope)
                if isinstance(key, Unknown):
                    return UNKNOWN
                if not is_atom(key):
                    raise RaspError(
                        "type-mismatch", f"dict keys must be atoms, got: {describe(key)}", origin
                    )
                out[key] = self._eval(value_expr, scope)
            return out
        if isinstance(expr, ast.ListComprehension):
            items = [
                self._eval(expr.element, inner)
                for inner in self._comprehension_scopes(expr.names, expr.iterable, scope)
            ]
            return UNKNOWN if any(isinstance(i, Unknown) for i in items) else items
        if isinstance(expr, ast.DictComprehension):
            result: dict[Any, Any] = {}
            for inner in self._comprehension_scopes(expr.names, expr.iterable, scope):
                key = self._eval(expr.key, inner)
                if isinstance(key, Unknown):
                    return UNKNOWN
                if not is_atom(key):
                    raise RaspError(
                        "type-mismatch", f"dict keys must be atoms, got: {describe(key)}", origin
                    )
                result[key] = self._eval(expr.value, inner)
            return result
        if isinstance(expr, ast.Unary):
            return self._unary(expr, self._eval(expr.operand, scope), origin)
        if isinstance(expr, ast.Binary):
            return self._binary_chain(expr, scope)
        if isinstance(expr, ast.Conditional):
            condition = self._eval(expr.condition, scope)
            if isinstance(condition, Unknown):
                self._eval(expr.then, scope)
                self._eval(expr.otherwise, scope)
                return UNKNOWN
            if isinstance(condition, g.SOp):
                then = self._lift(self._eval(expr.then, scope), expr.then.span)
                otherwise = self._lift(self._eval(expr.otherwise, scope), expr.otherwise.span)
                return g.Map("if", (then, condition, otherwise), None, origin)
            if isinstance(condition, g.Selector):
                raise RaspError("selector-mixing", "a selector cannot be a condition", origin)
            return self._eval(expr.then if condition else expr.otherwise, scope)
        if isinstance(expr, ast.Contains):
            item = self._eval(expr.item, scope)
            container = self._eval(expr.container, scope)
            return self._contains(item, container, origin)
        if isinstance(expr, ast.Index):
            target = self._eval(expr.target, scope)
            index = self._eval(expr.index, scope)
            return self._index(target, index, origin)
        if isinstance(expr, ast.Call):
            function = self._eval(expr.function, scope)
            args = [self._eval(a, scope) for a in expr.args]
            return self._call(function, args, expr, origin)
        if isinstance(expr, ast.Select):
            keys = self._eval(expr.keys, scope)
            queries = self._eval(expr.queries, scope)
            if isinstance(keys, Unknown) or isinstance(queries, Unknown):
                return UNKNOWN_SELECTOR
            for value in (keys, queries):
                if not (isinstance(value, g.SOp) or is_atom(value)):
                    raise RaspError(
                        "type-mismatch",
                        f"select expects s-ops or atoms, got: {describe(value)}",
                        origin,
                    )
            return g.Select(
                self._lift(keys, expr.keys.span),
                self._lift(queries, expr.queries.span),
                expr.op,
                origin,
            )
        if isinstance(expr, ast.Aggregate):
            selector = self._eval(expr.selector, scope)
            values = self._eval(expr.values, scope)
            default = 0 if expr.default is None else self._eval(expr.default, scope)
            if any(isinstance(v, Unknown) for v in (selector, values, default)):
                # still check the parts that are known
                if not isinstance(selector, g.Selector | Unknown):
                    raise RaspError(
                        "not-a-selector", f"Expected selector, got: {describe(selector)}", origin
                    )
                if not is_atom(default) and not isinstance(default, Unknown):
                    raise RaspError(
                        "not-an-atom", f"Expected atom, got: {describe(default)}", origin
                    )
                return UNKNOWN
            if not isinstance(selector, g.Selector):
                raise RaspError(
                    "not-a-selector", f"Expected selector, got: {describe(selector)}", origin
                )
            if not is_atom(default):
                raise RaspError("not-an-atom", f"Expected atom, got: {describe(default)}", origin)
            if isinstance(values, g.Selector):
                raise RaspError(
                    "type-mismatch",
                    "attempted to create sequence with illegal val "
                    f"types: aggregate values must be an s-op or an atom, got: "
                    f"{describe(values)}",
                    self._origin(expr.values.span),
                )
            return g.Aggregate(selector, self._lift(values, expr.values.span), default, origin)
        if isinstance(expr, ast.Builtin):
            args = [self._eval(a, scope) for a in expr.args]
            if any(isinstance(a, Unknown) for a in args):
                return UNKNOWN
            return self._builtin(expr.function, args, origin)
        raise AssertionError(expr)  # pragma: no cover

    def _binary_chain(self, expr: ast.Binary, scope: Scope) -> Any:
        """`a + b - c ...`: a left-deep chain of binary operators, followed by iteration (a
        flat sum of thousands of terms must not exhaust the Python stack). Order and error
        places are those of evaluating each operator on its own."""
        chain = [expr]
        while isinstance(chain[-1].left, ast.Binary):
            chain.append(chain[-1].left)
        value = self._eval(chain[-1].left, scope)
        for node in reversed(chain):
            origin = self._origin(node.span)
            try:
                value = self._binary(node, value, self._eval(node.right, scope), origin)
            except RaspError as err:
                raise err.at(origin) from None
            except _PY_ERRORS as exc:
                raise from_python(exc, origin) from None
        return value

    def _comprehension_scopes(
        self, names: tuple[ast.Name, ...], iterable: ast.Expr, scope: Scope
    ) -> list[Scope]:
        items = self._iterable(self._eval(iterable, scope), iterable.span)
        self._spend(
            len(items), "builds more than {} elements (comprehensions included)", iterable.span
        )
        scopes = []
        for item in items:
            inner = Scope(scope)
            values = [item] if len(names) == 1 else self._unpack(item, len(names), iterable.span)
            for name, value in zip(names, values, strict=True):
                self._reserve(name)
                inner.vars[name.id] = value
            scopes.append(inner)
        return scopes

    def _unary(self, expr: ast.Unary, value: Any, origin: g.Origin) -> Any:
        op = expr.op
        if isinstance(value, Unknown):
            return UNKNOWN
        if isinstance(value, g.Selector):
            if op == "not":
                return g.Combine("not", (value,), origin)
            raise RaspError(
                "runtime-error", f"Cannot apply {op} to selector(s)", origin, "TypeError"
            )
        if isinstance(value, g.SOp):
            return g.Map({"not": "not", "-": "neg", "+": "pos"}[op], (value,), None, origin)
        if isinstance(value, Function):
            raise RaspError("type-mismatch", f"Cannot apply {op} to a function", origin)
        if op == "not":
            return not value
        return -value if op == "-" else +value

    def _binary(self, expr: ast.Binary, left: Any, right: Any, origin: g.Origin) -> Any:
        op = expr.op
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            maybe = [isinstance(v, g.Selector | UnknownSelector) for v in (left, right)]
            knowns = [
                not isinstance(v, Unknown) or isinstance(v, UnknownSelector) for v in (left, right)
            ]
            if op not in ("and", "or") and any(maybe):
                raise RaspError("selector-mixing", f"Cannot apply {op} to selector(s)", origin)
            if op in ("and", "or") and any(maybe) and all(knowns) and not all(maybe):
                raise RaspError(
                    "selector-mixing",
                    "Cannot apply and/or between selector and non-selector",
                    origin,
                )
            return UNKNOWN_SELECTOR if all(maybe) else UNKNOWN
        if op in ("and", "or"):
            selectors = isinstance(left, g.Selector), isinstance(right, g.Selector)
            if all(selectors):
                return g.Combine(op, (left, right), origin)
            if any(selectors):
                raise RaspError(
                    "selector-mixing",
                    "Cannot apply and/or between selector and non-selector",
                    origin,
                )
            if isinstance(left, g.SOp) or isinstance(right, g.SOp):
                return g.Map(
                    op,
                    (self._lift(left, expr.left.span), self._lift(right, expr.right.span)),
                    None,
                    origin,
                )
            if isinstance(left, Function) or isinstance(right, Function):
                raise RaspError("type-mismatch", f"Cannot apply {op} to a function", origin)
            return (left and right) if op == "and" else (left or right)
        if isinstance(left, g.Selector) or isinstance(right, g.Selector):
            raise RaspError("selector-mixing", f"Cannot apply {op} to selector(s)", origin)
        if isinstance(left, g.SOp) or isinstance(right, g.SOp):
            return g.Map(
                op,
                (self._lift(left, expr.left.span), self._lift(right, expr.right.span)),
                None,
                origin,
            )
        if isinstance(left, Function) or isinstance(right, Function):
            raise RaspError("type-mismatch", f"Cannot apply {op} to a function", origin)
        if (
            op == "^"
            and isinstance(left, int)
            and isinstance(right, int)
            and (abs(right) > 10_000 and abs(left) > 1)
        ):
            raise RaspError("limit", "power too large to compute", origin)
        if op == "*" and isinstance(left, (list, str)) and isinstance(right, int):
            self._check_size(len(left) * right, origin, isinstance(left, str))
        if op == "*" and isinstance(right, (list, str)) and isinstance(left, int):
            self._check_size(len(right) * left, origin, isinstance(right, str))
        return _ATOM_OPS[op](left, right)

    def _check_size(self, size: int, origin: g.Origin, string: bool = False) -> None:
        if size <= MAX_LIST_LENGTH:
            return
        if string:
            message = (
                f"string of {size:,} characters is too long (limit {MAX_LIST_LENGTH:,} "
                "characters)"
            )
        else:
            message = f"list of {size:,} elements is too large (limit {MAX_LIST_LENGTH:,})"
        raise RaspError("limit", message, origin)

    def _contains(self, item: Any, container: Any, origin: g.Origin) -> Any:
        if isinstance(item, Unknown) or isinstance(container, Unknown):
            return UNKNOWN
        if isinstance(item, g.Selector) or isinstance(container, g.Selector):
            raise RaspError("type-mismatch", "`in` does not apply to selectors", origin)
        if isinstance(container, g.SOp):
            if not is_atom(item):
                raise RaspError(
                    "type-mismatch",
                    f"`in` an s-op needs an atom on the left, got: {describe(item)}",
                    origin,
                )
            same = g.Map("==", (container, g.Constant(item, origin)), None, origin)
            flag = g.Map("indicator", (same,), None, origin)
            mean = g.Aggregate(_full_in_selector(), flag, 0, origin)
            return g.Map(">", (mean, g.Constant(0, origin)), None, origin)
        if isinstance(item, g.SOp):
            if not isinstance(container, list) or not all(is_atom(v) for v in container):
                raise RaspError(
                    "type-mismatch",
                    f'"[s-op] in X" expects X to be a list of atoms, got: {describe(container)}',
                    origin,
                )
            return g.Map("in", (item,), container, origin)
        if not is_atom(item):
            raise RaspError(
                "type-mismatch",
                f'"A in X" expects A to be an s-op or an atom, got: {describe(item)}',
                origin,
            )
        if isinstance(container, Function) or isinstance(item, Function):
            raise RaspError("type-mismatch", "`in` does not apply to functions", origin)
        if not isinstance(container, (list, dict, str)):
            raise RaspError(
                "type-mismatch",
                f"`in` needs a list, dict or string, got: {describe(container)}",
                origin,
            )
        return item in container

    def _index(self, target: Any, index: Any, origin: g.Origin) -> Any:
        if isinstance(target, Unknown) or isinstance(index, Unknown):
            return UNKNOWN
        if isinstance(target, g.SOp):
            if isinstance(index, int) and not isinstance(index, bool):
                indices = base_scope().vars["indices"]
                if index >= 0:
                    where: g.SOp = g.Constant(index, origin)
                else:
                    length = base_scope().vars["length"]
                    where = g.Map("+", (length, g.Constant(index, origin)), None, origin)
                selector = g.Select(indices, where, "==", origin)
                return g.Aggregate(selector, target, 0, origin)
            raise RaspError(
                "bad-index",
                f"index into sequence has to be integer, got: {describe(index)}",
                origin,
            )
        if isinstance(target, g.Selector):
            raise RaspError("type-mismatch", "a selector cannot be indexed", origin)
        if isinstance(index, g.SOp):
            if not isinstance(target, (list, dict, str)):
                raise RaspError(
                    "type-mismatch", f"cannot index {describe(target)} with an s-op", origin
                )
            return g.Map("index", (index,), target, origin)
        if isinstance(target, dict):
            if not is_atom(index):
                raise RaspError(
                    "type-mismatch", f"dict keys are atoms, got: {describe(index)}", origin
                )
            if index not in target:
                raise RaspError("bad-value", f"index [ {index} ] not in dict.", origin)
            return target[index]
        if isinstance(target, (list, str)):
            if not isinstance(index, int):
                raise RaspError(
                    "type-mismatch",
                    f"list index must be an integer, got: {describe(index)}",
                    origin,
                )
            if not -len(target) <= index < len(target):
                raise RaspError(
                    "bad-value",
                    f"index {index} out of range for "
                    f"{'string' if isinstance(target, str) else 'list'} of length {len(target)}",
                    origin,
                )
            return target[index]
        raise RaspError("type-mismatch", f"cannot index {describe(target)}", origin)

    def _call(self, function: Any, args: list[Any], expr: ast.Call, origin: g.Origin) -> Any:
        if isinstance(function, Unknown):
            return UNKNOWN
        if isinstance(function, Function):
            return self._call_function(function, args, origin)
        if isinstance(function, Annotation):
            if len(args) != 1 or not isinstance(args[0], g.SOp):
                raise RaspError(
                    "type-mismatch", f"{function.encoding}(...) expects one s-op", origin
                )
            return g.Map(function.encoding, (args[0],), None, origin)
        if isinstance(function, (g.SOp, g.Selector)):
            if args and isinstance(args[0], Unknown) and len(args) == 1:
                return UNKNOWN
            if len(args) != 1:
                raise RaspError(
                    "wrong-arity",
                    f"wrong number of args for {short_name(function)}- expected: 1, "
                    f"got: {len(args)}.",
                    origin,
                )
            evaluation = Evaluation([args[0]])
            if isinstance(function, g.SOp):
                return evaluation.sop(function)[0].tolist()
            return evaluation.selector(function)[0].tolist()
        raise RaspError(
            "not-implemented",
            f"{describe(function)} is not a function: it cannot be applied",
            origin,
        )

    def _call_function(self, fn: Function, args: list[Any], origin: g.Origin | None) -> Any:
        self.called.add(id(fn))
        self.called_now.add(id(fn))
        if len(args) != len(fn.params):
            raise RaspError(
                "wrong-arity",
                f"wrong number of args for {fn.name}- expected: {len(fn.params)}, "
                f"got: {len(args)}.",
                origin,
            )
        if self._depth >= MAX_CALL_DEPTH:
            raise RaspError("limit", self._too_deep_message(fn), origin)
        scope = Scope(fn.scope)
        for param, value in zip(fn.params, args, strict=True):
            scope.vars[param] = value
        saved = self._file, self._anchor
        self._file, self._anchor = fn.file, fn.anchor
        self._depth += 1
        self._calls.append(fn)
        try:
            for stmt in fn.body:
                self._exec(stmt, scope)
            results = [self._eval(e, scope) for e in fn.returns.values]
            for value, e in zip(results, fn.returns.values, strict=True):
                self._check(value, e.span)
        except RaspError as err:
            # a failure on the running example belongs to the call (the body works for other
            # arguments); a mistake in the body's own code stays in the body
            if (
                err.origin is None
                or err.origin.file != saved[0]
                or (err.evaluated and origin is not None)
            ):
                err.origin = origin
            raise
        finally:
            self._depth -= 1
            self._calls.pop()
            self._file, self._anchor = saved
        return results[0] if len(results) == 1 else results

    def _too_deep_message(self, fn: Function) -> str:
        """Why a call is refused at the depth limit: recursion without a base case when a
        function is called again inside itself, a long chain of distinct functions if not."""
        stack = [*self._calls, fn]
        for i, called in enumerate(stack):
            again = next((j for j in range(i + 1, len(stack)) if stack[j] is called), None)
            if again is not None:
                through = ", ".join(f.name for f in stack[i + 1 : again])
                how = f"calls itself through {through}" if through else "calls itself"
                return (
                    f"calls nested deeper than {MAX_CALL_DEPTH}: {called.name} {how}; "
                    "is the recursion missing a base case?"
                )
        return (
            f"calls nested deeper than {MAX_CALL_DEPTH} ({stack[0].name} calls "
            f"{stack[1].name}, which calls ... {fn.name}), without recursion: this tool "
            f"follows at most {MAX_CALL_DEPTH} nested calls; flatten the chain, e.g. compute "
            "intermediate results in top-level statements"
        )

    def _builtin(self, name: str, args: list[Any], origin: g.Origin) -> Any:
        if name == "round":
            value = args[0]
            if isinstance(value, g.SOp):
                return g.Map("round", (value,), None, origin)
            if isinstance(value, g.Selector):
                raise RaspError("selector-mixing", "Cannot apply round to selector(s)", origin)
            return round(value)
        if name == "indicator":
            value = args[0]
            if not isinstance(value, g.SOp):
                raise RaspError(
                    "not-an-s-op",
                    f"indicator operator expects s-op, got: {describe(value)}",
                    origin,
                )
            return g.Map("indicator", (value,), None, origin)
        if name == "range":
            if not 1 <= len(args) <= 3 or not all(
                isinstance(a, int) and not isinstance(a, bool) for a in args
            ):
                raise RaspError(
                    "type-mismatch",
                    f"range expects 1 to 3 ints, got: {', '.join(map(describe, args))}",
                    origin,
                )
            numbers = range(*args)
            self._check_size(len(numbers), origin)
            return list(numbers)
        if name == "zip":
            if not args or not all(isinstance(a, list) for a in args):
                raise RaspError("type-mismatch", "zip expects lists", origin)
            if len({len(a) for a in args}) > 1:
                raise RaspError("type-mismatch", "zip expects lists of equal length", origin)
            return [list(t) for t in zip(*args, strict=True)]
        if name == "len":
            if not isinstance(args[0], list):
                raise RaspError(
                    "type-mismatch", f"len expects a list, got: {describe(args[0])}", origin
                )
            return len(args[0])
        raise AssertionError(name)  # pragma: no cover


def _cycle_message(loading: list[Path], again: Path) -> str:
    """`load cycle: a.rasp loads b.rasp, which loads a.rasp again`: the files from the one
    loaded again back to itself."""
    cycle = [p.name for p in loading[loading.index(again) :]]
    if len(cycle) == 1:
        return (
            f"load cycle: {cycle[0]} loads itself; remove this `load` (a file's own names "
            "are already defined in it)"
        )
    steps = ", which loads ".join([*cycle[1:], f"{cycle[0]} again"])
    return (
        f"load cycle: {cycle[0]} loads {steps}; a file cannot load a file that loads it: "
        "move what both need into a third file and load that from each"
    )


class _ExitMarker(RaspError):
    def __init__(self) -> None:
        super().__init__("exit", "exit")


class _LoadErrors(Exception):
    def __init__(self, errors: list[RaspError]) -> None:
        super().__init__("load errors")
        self.errors = errors


sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
