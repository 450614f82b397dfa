"""Static diagnostics: what the analysis finds without running the program on inputs.

Each check says what is wrong and what to write instead. Sources:
- the syntax tree: `precedence` (RASP's grouping is not Python's), `unused` private names,
  `duplicate-selector` (one select written twice costs two heads);
- the graph: `averages-non-numbers`, `default-type-mismatch`, `type-mismatch`,
  `always-false`, `encoding-conflict`; and, behind a setting, tracr compatibility;
- bodies of functions that are never called, run with unknown arguments.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rasp.analysis.live import program_encodings, program_nodes, program_types
from rasp.analysis.types import Types, always_selects, atom_type, may_select_several
from rasp.diagnostic import Diagnostic, Severity
from rasp.graph import nodes as g
from rasp.graph.builder import Builder, base_scope
from rasp.graph.values import Function
from rasp.syntax import ast
from rasp.syntax.document import ParsedFile
from rasp.text import Span

_NUMBERS = ("int", "float", "bool")
_EVIDENCE_MAX_LENGTH = 64
_MEMO_LIMIT = 400_000  # memoised nodes kept across runs before starting afresh


def walk(node: object) -> Iterator[object]:
    """Every sub-node of a statement or expression, the node itself first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(ast.children(current)))


def statement_nodes(parsed: ParsedFile) -> Iterator[tuple[ast.Statement, object]]:
    for statement in parsed.statements:
        if statement.tree is not None:
            for node in walk(statement.tree):
                yield statement, node


class Checker:
    def __init__(
        self,
        parsed: ParsedFile,
        builder: Builder,
        file: str | None,
        errors: list[Span],
        *,
        tracr: bool = False,
    ) -> None:
        self.parsed = parsed
        self.builder = builder
        self.file = file
        self.errors = errors
        self.tracr = tracr
        self.out: list[Diagnostic] = []
        self._said: set[tuple[str, Span, str]] = set()
        self._uncalled: list[Function] = []
        self._sample: Any = None
        # memos that stay valid across runs (nodes never change): kept on the builder
        if len(builder.memo.get("types", Types())._types) > _MEMO_LIMIT:  # noqa: SLF001
            builder.memo.clear()
        self.types: Types = program_types(builder)
        self.depths: Any = builder.memo.setdefault("depths", None)
        self.nodes = program_nodes(builder, builder.results)
        self.encodings = program_encodings(builder, self.nodes)

    def add(
        self,
        code: str,
        message: str,
        span: Span,
        severity: Severity,
        related: tuple[tuple[str, Span], ...] = (),
    ) -> None:
        key = (code, span, message)
        if key not in self._said:  # one node can be reached from several calls
            self._said.add(key)
            self.out.append(Diagnostic(code, message, span, severity, self.file, related))

    def run(self) -> list[Diagnostic]:
        self.uncalled()
        if self.builder.uncalled_results:  # check what bodies never called build, too
            self.nodes = program_nodes(
                self.builder, [*self.builder.results, *self.builder.uncalled_results]
            )
        self.syntax_tree()
        self.graph()
        self.conflicts()
        if self.tracr:
            self.tracr_checks()
        return self.out

    # ---- bodies never called --------------------------------------------------------------
    def _uncalled_note(self, span: Span) -> str:
        for fn in self._uncalled:
            body = fn.definition.span.shift(fn.base)
            if fn.file == self.file and body.start <= span.start and span.end <= body.end:
                return f" (in `{fn.name}`, checked with unknown arguments: it is never called)"
        return ""

    def uncalled(self) -> None:
        functions = [v for v in self.builder.scope.vars.values() if isinstance(v, Function)]
        self._uncalled = [
            f for f in functions if id(f) not in self.builder.called and f.file == self.file
        ]
        for fn, err in self.builder.check_uncalled():
            if err.origin is not None and err.origin.file == self.file:
                span = err.origin.span
                holder = next(
                    (
                        f
                        for f in functions
                        if f.file == self.file
                        and f.definition.span.shift(f.base).start <= span.start
                        and span.end <= f.definition.span.shift(f.base).end
                    ),
                    fn,
                )
                self.add(
                    err.code,
                    f"{err.message} (in `{holder.name}`, checked with unknown "
                    "arguments: it is never called)",
                    err.origin.span,
                    Severity.ERROR,
                )

    # ---- the syntax tree ------------------------------------------------------------------
    def syntax_tree(self) -> None:
        assigned: dict[str, Span] = {}
        used: set[str] = set()
        for statement in self.parsed.statements:
            if statement.tree is None:
                continue
            diagnostics, names, uses = self._statement_facts(statement)
            base = statement.offset
            for code, message, span, severity in diagnostics:
                self.add(code, message, span.shift(base), severity)
            for name, span in names:
                assigned.setdefault(name, span.shift(base))
            used |= uses
        for name, span in assigned.items():
            if name not in used:
                self.add(
                    "unused",
                    f"`{name}` is private (starts with `_`) and never used",
                    span,
                    Severity.HINT,
                )

    def _statement_facts(
        self, statement: ast.Statement
    ) -> tuple[list[tuple[str, str, Span, Severity]], list[tuple[str, Span]], frozenset[str]]:
        """A statement's own syntax diagnostics, private names bound and names used, with
        spans relative to it; memoised by the statement's text."""
        memo: dict[str, Any] = self.builder.memo.setdefault("statement-facts", {})
        text = self.parsed.text[statement.offset : statement.offset + statement.length]
        found = memo.get(text)
        if found is not None:
            return found  # type: ignore[no-any-return]
        saved = self.out, self._said
        self.out, self._said = [], set()
        assigned: list[tuple[str, Span]] = []
        used: set[str] = set()
        defining: set[int] = set()  # id() of Name nodes that bind rather than use a name
        for node in walk(statement.tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    defining.add(id(target))
                    if target.id.startswith("_"):
                        assigned.append((target.id, target.span))
            elif isinstance(node, ast.For):  # `for _i in ...`: unused on purpose
                defining.update(id(n) for n in node.names)
            elif isinstance(node, ast.Def):
                defining.update(id(n) for n in (node.name, *node.params))
                if node.name.id.startswith("_"):
                    assigned.append((node.name.id, node.name.span))
            elif isinstance(node, ast.ListComprehension | ast.DictComprehension):
                defining.update(id(n) for n in node.names)
            elif isinstance(node, ast.Name):
                if id(node) not in defining:
                    used.add(node.id)
            elif isinstance(node, ast.Binary | ast.Contains):
                self.precedence(node, 0)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.function, ast.Name)
                and node.function.id in ("numerical", "categorical")
            ):
                self.add(
                    "reference-incompatible",
                    f"`{node.function.id}(...)` is an encoding annotation of this tool "
                    "(tracr's vocabulary); the reference interpreter has no such function",
                    node.span,
                    Severity.INFORMATION,
                )
        diagnostics = [(d.code, d.message, d.span, d.severity) for d in self.out]
        self.out, self._said = saved
        facts = (diagnostics, assigned, frozenset(used))
        if len(memo) > 50_000:
            memo.clear()
        memo[text] = facts
        return facts

    def precedence(self, node: ast.Binary | ast.Contains, base: int) -> None:
        span = node.span.shift(base)
        if isinstance(node, ast.Contains):
            if isinstance(node.container, ast.Binary) and node.container.op in ("and", "or"):
                self.add(
                    "precedence",
                    "`in` binds loosest in RASP: this is `x in (L "
                    f"{node.container.op} ...)`; write `(x in L) {node.container.op} ...`",
                    span,
                    Severity.WARNING,
                )
            return
        if (
            node.op in ("==", "<", ">", "<=", ">=")
            and isinstance(node.left, ast.Unary)
            and (node.left.op == "not")
        ):
            self.add(
                "precedence",
                f"parsed as `(not a) {node.op} b`: `not` binds tighter than comparisons "
                f"in RASP; write `not (a {node.op} b)`",
                span,
                Severity.WARNING,
            )
        elif node.op == "and" and isinstance(node.left, ast.Binary) and node.left.op == "or":
            self.add(
                "precedence",
                f"`and` and `or` have equal precedence in RASP and group left: this is "
                f"`(a {node.left.op} b) {node.op} c`; add parentheses to say which you mean",
                span,
                Severity.WARNING,
            )
        elif node.op == "%" and isinstance(node.right, ast.Binary) and node.right.op in "*/":
            self.add(
                "precedence",
                f"`%` binds looser than `{node.right.op}` in RASP: this is "
                f"`a % (b {node.right.op} c)`; write `(a % b) {node.right.op} c` if that "
                "is what you mean",
                span,
                Severity.WARNING,
            )

    # ---- the graph ------------------------------------------------------------------------
    def _mine(self, node: g.Node) -> Span | None:
        if node.origin is None or node.origin.file != self.file:
            return None
        span = node.origin.span
        if any(
            e.start <= span.start
            and span.end <= e.end
            or span.start <= e.start
            and e.end <= span.end
            for e in self.errors
        ):
            return None  # the program already reports an error here
        return span

    def duplicate_selectors(self) -> None:
        """Two selects built separately over the very same keys, queries and comparison, whose
        aggregates sit in one layer of one s-op: one name bound once would save a head.

        One forward pass over the nodes (inputs before users) tells, for each node, which
        selects of this file reach it through aggregates, grouped by (layer, keys, queries,
        comparison); a node reached by two built in different places is a witness. What
        reaches a node depends on its ancestors only, so it is memoised across runs."""
        from rasp.analysis.cost import Depths

        if self.depths is None:
            self.depths = self.builder.memo["depths"] = Depths()
        depths = self.depths
        Key = tuple[int, int, int, str]
        memo = self.builder.memo
        # the groups built in two or more places (only they can have duplicates); a group
        # that becomes one restarts the memo, since nodes met before did not track it
        places: dict[Key, set[g.Origin]] = memo.setdefault("duplicate-places", {})
        multi: set[Key] = memo.setdefault("duplicate-multi", set())
        entries: dict[int, tuple[Key, g.Select]] = {}
        for node in self.nodes:
            if isinstance(node, g.Aggregate) and isinstance(node.selector, g.Select):
                select = node.selector
                if select.origin is not None and select.origin.file == self.file:
                    key = (depths.of(node), select.keys.id, select.queries.id, select.op)
                    entries[node.id] = (key, select)
                    seen = places.setdefault(key, set())
                    seen.add(select.origin)
                    if len(seen) > 1 and key not in multi:
                        multi.add(key)
                        memo.pop("duplicate-reached", None)
                        memo.pop("duplicate-witnesses", None)
        reached: dict[int, dict[Key, list[g.Select]]] = memo.setdefault("duplicate-reached", {})
        witnesses: dict[int, list[tuple[g.Select, g.Select]]] = memo.setdefault(
            "duplicate-witnesses", {}
        )
        empty: dict[Key, list[g.Select]] = {}
        for node in self.nodes:
            if node.id in reached:
                continue
            entry = entries.get(node.id)
            own = entry is not None and entry[0] in multi
            sources = list({id(r): r for p in node.inputs() if (r := reached.get(p.id))}.values())
            if not own and len(sources) <= 1:
                reached[node.id] = sources[0] if sources else empty  # shared, never changed
                continue
            merged: dict[Key, list[g.Select]] = {}
            for source in sources:
                for key, selects in source.items():
                    _join(merged.setdefault(key, []), selects)
            if own and entry is not None:
                _join(merged.setdefault(entry[0], []), [entry[1]])
            reached[node.id] = merged
            pairs: list[tuple[g.Select, g.Select]] = []
            for bucket in merged.values():
                if len(bucket) >= 2:
                    first, *others = sorted(bucket, key=lambda b: b.id)
                    pairs.extend((second, first) for second in others)
            if pairs:
                witnesses[node.id] = pairs
        done: set[int] = set()
        for node in self.nodes:
            for second, first in witnesses.get(node.id, ()):
                span = self._mine(second)
                if second.id in done or span is None or first.origin is None:
                    continue
                done.add(second.id)
                self.add(
                    "duplicate-selector",
                    "the same select is built again and used in the same layer: the "
                    "reference counts one head per select built; bind it to a name once "
                    "and reuse the name to save a head",
                    span,
                    Severity.HINT,
                    (("first built here", first.origin.span),),
                )

    def graph(self) -> None:
        self.duplicate_selectors()
        memo: dict[tuple[int, str], list[tuple[str, str, Severity]]] = self.builder.memo.setdefault(
            "node-checks", {}
        )
        example = repr(self.builder.example)
        for node in self.nodes:
            if not isinstance(node, g.Aggregate | g.Map):
                continue
            key = (node.id, example)
            found = memo.get(key)
            if found == []:
                continue  # nothing to say about it (most nodes)
            span = self._mine(node)
            if span is None:
                continue
            if found is None:  # a node's own checks never change: memoise them
                before = len(self.out)
                if isinstance(node, g.Aggregate):
                    self.aggregate(node, span)
                else:
                    self.elementwise(node, span)
                memo[key] = [(d.code, d.message, d.severity) for d in self.out[before:]]
            else:
                for code, message, severity in found:
                    self.add(code, message, span, severity)

    def _row_counts(self, selector: g.Selector) -> tuple[int, int] | None:
        """(fewest, most) keys a query selects on the running example, when it evaluates."""
        from rasp.runtime.errors import RaspError

        example = self.builder.example
        if not isinstance(example, (str, list)) or len(example) > _EVIDENCE_MAX_LENGTH:
            return None  # evidence only from short examples: it costs n x n per selector
        if self._sample is None:
            try:
                self._sample = self.builder.example_evaluation()
            except RaspError:
                return None
        try:
            counts = self._sample.selector(selector).sum(axis=2)
        except RaspError:
            return None
        return int(counts.min()), int(counts.max())

    def aggregate(self, node: g.Aggregate, span: Span) -> None:
        values = self.types.of(node.values)
        counts = self._row_counts(node.selector)
        # The running example is evidence: a selector that selects at most one key for every
        # query there (as in reverse or sort) is taken as one-to-one, to avoid false alarms.
        one_to_one = counts is not None and counts[1] <= 1
        several = may_select_several(node.selector) and not one_to_one
        if several and values in ("str", "bool"):
            hint = (
                "wrap the values: `indicator(...)`"
                if values == "bool"
                else "use a selector that selects one position"
            )
            self.add(
                "averages-non-numbers",
                f"this aggregate may select several positions and would average {values} "
                'values; the reference then fails with "asked to average multiple '
                f'values, but they are non-numbers"; {hint}',
                span,
                Severity.WARNING,
            )
        default = atom_type(node.default)
        never_empty = always_selects(node.selector) or (counts is not None and counts[0] >= 1)
        if (
            not never_empty
            and values in ("str", *_NUMBERS)
            and ((values == "str") != (default == "str"))
        ):
            suggestion = '"_"' if values == "str" else "0"
            self.add(
                "default-type-mismatch",
                f"rows that select nothing get the default {node.default!r} ({default}), "
                f"which mixes into {_a(values)} s-op and fails; give {_a(values)} default, "
                f"e.g. `aggregate(..., {suggestion})`",
                span,
                Severity.WARNING,
            )

    def elementwise(self, node: g.Map, span: Span) -> None:
        args = [self.types.of(a) for a in node.args]
        if (
            node.op == "=="
            and len(args) == 2
            and "str" in args
            and (args[0] in _NUMBERS or args[1] in _NUMBERS)
        ):
            self.add(
                "always-false",
                "comparing str with a number is always False: compare values of one type "
                '(e.g. `tokens == "1"`, or `tokens_int == 1` when the input holds numbers)',
                span,
                Severity.WARNING,
            )
        elif self.types.of(node) == "mixed":
            self.add(
                "type-mismatch",
                _mixed_message(node, args) + self._uncalled_note(span),
                span,
                Severity.ERROR,
            )

    def conflicts(self) -> None:
        for conflict in self.encodings.conflicts():
            # placed on the most telling member written in this file
            span = next((s for n in conflict.members if (s := self._mine(n)) is not None), None)
            if span is None:
                continue
            related = tuple(
                (
                    f"{r.encoding}: {r.text}",
                    r.origin.span
                    if r.origin is not None and r.origin.file == self.file
                    else span,  # an input (tokens, indices) has no place in the file
                )
                for r in (conflict.categorical, conflict.numerical)
            )
            self.add(
                "encoding-conflict",
                f"this s-op must be both categorical ({conflict.categorical.text}) and "
                f"numerical ({conflict.numerical.text}); a compiled transformer cannot "
                "carry it both ways: convert it first, e.g. `round(x)` for a categorical "
                "copy",
                span,
                Severity.WARNING if self.tracr else Severity.INFORMATION,
                related,
            )

    # ---- tracr ----------------------------------------------------------------------------
    def tracr_checks(self) -> None:
        # composite selectors of this file aggregated elsewhere (e.g. in selector_width)
        for node in self.nodes:
            if isinstance(node, g.Aggregate) and self._mine(node) is None:
                stack: list[g.Selector] = [node.selector]
                while stack:
                    current = stack.pop()
                    if isinstance(current, g.Combine):
                        span = self._mine(current)
                        if span is not None and not _one_select(current):
                            self.add(
                                "tracr-composite-selector",
                                "tracr: compiling composite selectors (and/or/not) is not "
                                "supported unless they reduce to one select over the same "
                                "keys and queries",
                                span,
                                Severity.INFORMATION,
                            )
                            continue
                        stack.extend(current.parts)
        length = base_scope().vars.get("length")
        for node in self.nodes:
            span = self._mine(node)
            if span is None:
                continue
            if length is not None and length in node.inputs():
                self.add(
                    "tracr-length",
                    "tracr has no compilable `length`; it would be a selector width of "
                    "an always-true select (1 head and 1 MLP)",
                    span,
                    Severity.INFORMATION,
                )
            if isinstance(node, g.Select):
                for part in (node.keys, node.queries):
                    if "numerical" in self.encodings.forced(part):
                        self.add(
                            "tracr-numerical-select",
                            "tracr: select keys and queries must be categorical, and this one "
                            "is numerical (an average); convert first, e.g. `round(x * 100)`",
                            span,
                            Severity.INFORMATION,
                        )
            elif isinstance(node, g.Aggregate):
                numerical = "numerical" in self.encodings.forced(node)
                if not _one_select(node.selector):
                    self.add(
                        "tracr-composite-selector",
                        "tracr: compiling composite selectors (and/or/not) is not supported "
                        "unless they reduce to one select over the same keys and queries",
                        span,
                        Severity.INFORMATION,
                    )
                if not numerical and may_select_several(node.selector):
                    self.add(
                        "tracr-categorical-average",
                        "tracr: a categorical aggregate must select one position; with "
                        "several the compiled model is silently wrong",
                        span,
                        Severity.INFORMATION,
                    )
                if numerical and not _zero_one(node.values):
                    self.add(
                        "tracr-numerical-values",
                        "tracr: a numerical aggregate only averages 0/1 values; wrap "
                        "them in `indicator(...)`",
                        span,
                        Severity.INFORMATION,
                    )


def _join(bucket: list[g.Select], selects: list[g.Select]) -> None:
    """Add selects built in places not in the bucket yet (a few are enough to tell)."""
    if len(bucket) >= 8:
        return
    for select in selects:
        if select in bucket:
            continue
        origin = select.origin
        if all(origin != b.origin for b in bucket):
            bucket.append(select)
            if len(bucket) >= 8:
                return


def _a(word: str) -> str:
    return ("an " if word[:1] in "aeiou" else "a ") + word


def _one_select(selector: g.Selector) -> bool:
    """A selector tracr can compile: a select, or and/or/not of selects over the very same
    keys and queries (they reduce to one select with a combined comparison)."""
    parts: list[g.Select] = []
    stack: list[g.Selector] = [selector]
    while stack:
        current = stack.pop()
        if isinstance(current, g.Select):
            parts.append(current)
        elif isinstance(current, g.Combine):
            stack.extend(current.parts)
    return all(p.keys is parts[0].keys and p.queries is parts[0].queries for p in parts)


_OP_WORDS = {"neg": "-", "pos": "+", "if": "if/else"}


def _mixed_message(node: g.Map, args: list[str]) -> str:
    """Say which values cannot live in one s-op, and what to write instead."""
    if node.op == "if":
        return (
            f"the branches give {args[0]} and {args[2]} values, but an s-op holds one type "
            "of value: make both branches the same type"
        )
    if node.op == "index":
        values = node.param.values() if isinstance(node.param, dict) else node.param
        kinds = list(dict.fromkeys(type(v).__name__ for v in values))  # in order of appearance
        return (
            f"the looked-up values mix {' and '.join(kinds)}, but an s-op holds one type of value"
        )
    word = _OP_WORDS.get(node.op, node.op)
    return f"`{word}` cannot combine {' and '.join(args)} values: an s-op holds one type of value"


def _zero_one(node: g.SOp) -> bool:
    while isinstance(node, g.Map) and node.op in ("numerical", "categorical"):
        node = node.args[0]
    if isinstance(node, g.Map) and node.op in (
        "indicator",
        "==",
        "<",
        ">",
        "<=",
        ">=",
        "and",
        "or",
        "not",
        "in",
    ):
        return True
    if isinstance(node, g.Constant):
        return node.value in (0, 1)
    return False


def _unique(nodes: Any) -> list[g.Node]:
    seen: set[int] = set()
    out = []
    for node in nodes:
        if node.id not in seen:
            seen.add(node.id)
            out.append(node)
    return out


def static_diagnostics(
    parsed: ParsedFile,
    builder: Builder,
    file: str | None,
    errors: list[Span],
    *,
    tracr: bool = False,
) -> list[Diagnostic]:
    return Checker(parsed, builder, file, errors, tracr=tracr).run()
