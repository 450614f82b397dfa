"""The RASP syntax tree: frozen dataclasses, one per construct of the grammar.

Spans in a tree are relative to the start of its top-level statement (see `Statement`), so a
statement's tree can be reused unchanged when text before it is edited. `Statement.offset`
anchors a tree in its file: absolute span = `span.shift(statement.offset)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rasp.text import Span

# ---- expressions --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Name:
    span: Span
    id: str


@dataclass(frozen=True, slots=True)
class Number:
    span: Span
    value: int | float


@dataclass(frozen=True, slots=True)
class String:
    span: Span
    value: str


@dataclass(frozen=True, slots=True)
class Paren:
    span: Span
    expr: Expr


@dataclass(frozen=True, slots=True)
class ListLiteral:
    span: Span
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class DictLiteral:
    span: Span
    items: tuple[tuple[Expr, Expr], ...]


@dataclass(frozen=True, slots=True)
class ListComprehension:
    span: Span
    element: Expr
    names: tuple[Name, ...]
    iterable: Expr


@dataclass(frozen=True, slots=True)
class DictComprehension:
    span: Span
    key: Expr
    value: Expr
    names: tuple[Name, ...]
    iterable: Expr


@dataclass(frozen=True, slots=True)
class Unary:
    """`not e`, `-e`, `+e`."""

    span: Span
    op: str
    operand: Expr
    op_span: Span


@dataclass(frozen=True, slots=True)
class Binary:
    """Arithmetic, comparison and `and`/`or`."""

    span: Span
    op: str
    left: Expr
    right: Expr
    op_span: Span


@dataclass(frozen=True, slots=True)
class Conditional:
    """`then if condition else otherwise`."""

    span: Span
    then: Expr
    condition: Expr
    otherwise: Expr


@dataclass(frozen=True, slots=True)
class Contains:
    """`item in container`."""

    span: Span
    item: Expr
    container: Expr


@dataclass(frozen=True, slots=True)
class Index:
    span: Span
    target: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Call:
    """A function call, or an s-op / selector applied to an input."""

    span: Span
    function: Expr
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Select:
    span: Span
    keys: Expr
    queries: Expr
    op: str
    spaced: bool  # `select (` with whitespace: the reference rejects it


@dataclass(frozen=True, slots=True)
class Aggregate:
    span: Span
    selector: Expr
    values: Expr
    default: Expr | None
    spaced: bool


@dataclass(frozen=True, slots=True)
class Builtin:
    """`range(...)`, `zip(...)`, `len(...)`, `round(...)`, `indicator(...)`."""

    span: Span
    function: str
    args: tuple[Expr, ...]
    spaced: bool


Expr = (
    Name
    | Number
    | String
    | Paren
    | ListLiteral
    | DictLiteral
    | ListComprehension
    | DictComprehension
    | Unary
    | Binary
    | Conditional
    | Contains
    | Index
    | Call
    | Select
    | Aggregate
    | Builtin
)

# ---- statements ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExprStatement:
    span: Span
    expr: Expr


@dataclass(frozen=True, slots=True)
class Assign:
    span: Span
    targets: tuple[Name, ...]
    values: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Load:
    span: Span
    path: str
    path_span: Span


@dataclass(frozen=True, slots=True)
class Draw:
    span: Span
    expr: Expr
    input: Expr | None


@dataclass(frozen=True, slots=True)
class Return:
    span: Span
    values: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Def:
    span: Span
    name: Name
    params: tuple[Name, ...]
    body: tuple[Stmt, ...]
    returns: Return


@dataclass(frozen=True, slots=True)
class For:
    span: Span
    names: tuple[Name, ...]
    iterable: Expr
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class SetExample:
    """`set example e`, `set s-op example e`, `set selector example e`."""

    span: Span
    subset: str | None
    expr: Expr


@dataclass(frozen=True, slots=True)
class Directive:
    """REPL display directives: `show example`, `examples on`, `full seq display off`, `exit`."""

    span: Span
    kind: str  # "show_example" | "toggle_examples" | "toggle_seq_display" | "exit"
    subset: str | None = None
    on: bool | None = None


Stmt = ExprStatement | Assign | Load | Draw | Def | For | SetExample | Directive


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A syntax error or warning inside one statement; span relative to the statement."""

    code: str
    message: str
    span: Span
    warning: bool = False


@dataclass(frozen=True, slots=True)
class Statement:
    """One top-level statement of a file: its place, its tree (None if it did not parse) and
    its syntax problems. `tree` and `problems` carry spans relative to `offset`."""

    offset: int
    length: int
    tree: Stmt | None
    problems: tuple[SyntaxProblem, ...]

    @property
    def span(self) -> Span:
        return Span(self.offset, self.offset + self.length)


def children(node: object) -> list[object]:
    """The direct sub-nodes of an expression or statement, in source order."""
    out: list[object] = []
    for name in node.__dataclass_fields__:  # type: ignore[attr-defined]
        value = getattr(node, name)
        if isinstance(value, tuple):
            for item in value:
                if isinstance(item, tuple):
                    out.extend(item)
                elif hasattr(item, "__dataclass_fields__") and not isinstance(item, Span):
                    out.append(item)
        elif hasattr(value, "__dataclass_fields__") and not isinstance(value, Span):
            out.append(value)
    return out
