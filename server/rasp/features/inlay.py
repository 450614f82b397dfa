"""Inlay hints: the type and encoding of a top-level assignment, after its name.

    reverse = aggregate(flip, tokens);     shows    reverse: s-op · str · categorical = ...
    flip = select(indices, opp, ==);       shows    flip: selector = ...

Owns one hint per target of every top-level assignment (directly at the top level, also
multiple assignment) whose statement overlaps the requested span and bound a
value: s-ops as `: s-op · TYPE · ENCODING` (types from `rasp.analysis.types`, encodings
from `rasp.analysis.encodings`, through a `Describer`), selectors as `: selector`, other
values as `: int`, `: list`, `: function`... unless the assigned expression is a literal
(`n = 3;` gets no hint). The tooltip repeats the name and, for a numerical s-op, gives the
reason. Each hint is (offset just after the name, label, tooltip).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from rasp.analysis.types import atom_type
from rasp.describe import Describer
from rasp.features.kinds import MISSING, Kinds
from rasp.features.names import index_of
from rasp.graph import nodes as g
from rasp.graph.values import kind_of
from rasp.program import Session
from rasp.syntax import ast
from rasp.text import Span

_LITERALS = (ast.Number, ast.String, ast.ListLiteral, ast.DictLiteral)


class InlayHint(NamedTuple):
    offset: int
    label: str
    tooltip: str


def _literal(expr: ast.Expr | None) -> bool:
    while isinstance(expr, ast.Paren):
        expr = expr.expr
    if isinstance(expr, ast.Unary) and isinstance(expr.operand, ast.Number):
        return True
    return isinstance(expr, _LITERALS)


def inlay_hints(session: Session, span: Span) -> list[InlayHint]:
    """The hints of top-level assignments whose statement overlaps `span`."""
    index = index_of(session)
    kinds = Kinds(session, index)
    describer: Describer | None = None
    out: list[InlayHint] = []
    for statement in session.parsed.statements:
        if statement.offset + statement.length < span.start:
            continue
        if statement.offset > span.end:
            break
        tree = statement.tree
        if not isinstance(tree, ast.Assign):
            continue
        single = len(tree.targets) == len(tree.values)
        for i, target in enumerate(tree.targets):
            name_span = target.span.shift(statement.offset)
            occ = index.occurrence_at(name_span.start)
            if occ is None or occ.target is None or not occ.write:
                continue
            value: Any = kinds.value(occ.target)
            if value is MISSING:
                continue
            if single and _literal(tree.values[i]) and not isinstance(value, g.Node):
                continue
            if describer is None:
                describer = Describer(session.builder, [], source=session.text)
            label, tooltip = _describe(target.id, value, describer)
            out.append(InlayHint(name_span.end, label, tooltip))
    return out


def _describe(name: str, value: Any, describer: Describer) -> tuple[str, str]:
    if isinstance(value, g.SOp):
        value_type = describer.types.of(value)
        encoding, reason = describer.encodings.of(value)
        label = f": s-op · {value_type} · {encoding}"
        tooltip = f"{name}: s-op · {value_type} · {encoding}"
        if reason is not None and encoding == "numerical":
            tooltip += f" ({reason.text})"
        return label, tooltip
    if isinstance(value, g.Selector):
        return ": selector", f"{name}: selector"
    kind = kind_of(value)
    word = atom_type(value) if kind == "atom" else kind
    return f": {word}", f"{name}: {word}"
