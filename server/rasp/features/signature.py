"""Signature help: the signature of the call the cursor is in, with the argument it is at.

Owns the signatures of user functions (`def`, also nested and loaded), library functions,
the builtins (`select(keys, queries, op)`, `aggregate(selector, values, default=0)`,
`range`, `zip`, `len`, `round`, `indicator`, `draw`), the annotations (`numerical(s)`,
`categorical(s)`) and s-ops / selectors applied to an input (`reverse(input)`).

A function whose `def` does not parse yet (being typed) is found by its header.
The call and the argument are read from the text (`features.context.open_call`: commas at
the call's bracket depth), so half-typed calls work. `active_parameter` is the argument
index; it may be past the last parameter when there are too many arguments (the LSP layer
decides how to show that), except for `zip`, whose last parameter `...` takes the rest.
Parameter spans are code-point offsets into the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rasp.describe import BUILTIN_DOCS
from rasp.features import context
from rasp.features.docs import doc_comment, file_text
from rasp.features.kinds import MISSING, Kinds
from rasp.features.names import Definition, index_of
from rasp.graph import nodes as g
from rasp.graph.values import Annotation, Function
from rasp.program import Session


@dataclass(frozen=True, slots=True)
class Parameter:
    label: str
    span: tuple[int, int]  # where `label` is in the signature's label (code points)
    documentation: str | None = None


@dataclass(frozen=True, slots=True)
class Signature:
    label: str
    parameters: tuple[Parameter, ...]
    active_parameter: int | None
    documentation: str | None


# builtins: parameter labels and their docs (the label and doc come from BUILTIN_DOCS)
BUILTIN_PARAMETERS: dict[str, tuple[tuple[str, str], ...]] = {
    "select": (
        ("keys", "compared at every key position (an s-op or an atom)"),
        ("queries", "compared at every query position (an s-op or an atom)"),
        ("op", "one of == != < > <= >=: query q selects key k when `keys[k] op queries[q]`"),
    ),
    "aggregate": (
        ("selector", "which keys each query averages over"),
        ("values", "the s-op (or atom) averaged"),
        ("default=0", "the value of a query that selects nothing (an atom)"),
    ),
    "range": (("a", "start (or the end if alone)"), ("b", "end"), ("c", "step")),
    "zip": (("l1", "a list"), ("l2", "a list of the same length"), ("...", "more lists")),
    "len": (("list", "a list"),),
    "round": (("x", "an s-op or a number"),),
    "indicator": (("s", "an s-op"),),
}
EXTRA_DOCS: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    "draw": (
        "draw(s, input)",
        "Draws the computation of `s` on an input (the reference REPL's drawing).",
        (("s", "an s-op"), ("input", "the input, default the running example")),
    ),
    "numerical": (
        "numerical(s)",
        "Annotation: a transformer carries `s` numerically (tracr). Identity at run time.",
        (("s", "an s-op"),),
    ),
    "categorical": (
        "categorical(s)",
        "Annotation: a transformer carries `s` categorically (tracr). Identity at run time.",
        (("s", "an s-op"),),
    ),
}
VARIADIC = frozenset({"zip"})


def _parameters(label: str, names: list[tuple[str, str | None]]) -> tuple[Parameter, ...]:
    out = []
    position = label.find("(") + 1
    for name, doc in names:
        start = label.find(name, position)
        if start < 0:
            start = position
        out.append(Parameter(name, (start, start + len(name)), doc))
        position = start + len(name)
    return tuple(out)


def builtin_signature(name: str) -> tuple[str, tuple[Parameter, ...], str] | None:
    """(label, parameters, doc) of a builtin, `draw` or an annotation."""
    if name in BUILTIN_PARAMETERS:
        label, doc = BUILTIN_DOCS[name]
        params = [(p, d) for p, d in BUILTIN_PARAMETERS[name]]
        return label, _parameters(label, list(params)), doc
    if name in EXTRA_DOCS:
        label, doc, extra = EXTRA_DOCS[name]
        return label, _parameters(label, [(p, d) for p, d in extra]), doc
    return None


def function_doc(fn: Function, source: str | None, here: str | None) -> str | None:
    """The comment above a function's `def` (or its `doc`)."""
    if fn.doc:
        return fn.doc
    text = source if fn.file == here else file_text(fn.file)
    if text is None:
        return None
    return doc_comment(text, fn.base + fn.definition.span.start)


def _label(name: str, params: list[str]) -> str:
    return f"{name}({', '.join(params)})"


def callable_signature(
    session: Session, name: str, d: Definition | None, kinds: Kinds
) -> tuple[str, tuple[Parameter, ...], str | None] | None:
    """(label, parameters, doc) of what `name` means where `d` is its definition."""
    if d is None or d.role == "builtin":
        builtin = builtin_signature(name)
        if builtin is not None:
            return builtin
        if d is None:
            return None
    assert d is not None
    if d.role == "function" and d.node is not None:
        params = [p.id for p in d.node.params]
        label = _label(name, params)
        doc = doc_comment(session.text, d.base + d.node.span.start)
        return label, _parameters(label, [(p, None) for p in params]), doc
    value: Any = kinds.value(d)
    if isinstance(value, Function):
        label = _label(name, list(value.params))
        doc = function_doc(value, session.text, session.file)
        return label, _parameters(label, [(p, None) for p in value.params]), doc
    if isinstance(value, Annotation):
        return builtin_signature(value.encoding)
    if isinstance(value, g.SOp | g.Selector) or (
        value is MISSING and kinds.kind(d) in ("s-op", "selector")
    ):
        kind = "selector" if kinds.kind(d) == "selector" else "s-op"
        label = f"{name}(input)"
        doc = f"The {kind} `{name}` applied to an input: its value on that input."
        return label, _parameters(label, [("input", "a list or a string")]), doc
    return None


def _unparsed_def(text: str, name: str) -> tuple[str, tuple[Parameter, ...], str | None] | None:
    """The header of a `def name(...)` that does not parse yet (being typed)."""
    match = re.search(rf"(?<![\w])def[ \t\r\n]+{re.escape(name)}[ \t\r\n]*\(([^)]*)\)", text)
    if match is None:
        return None
    params = re.findall(r"[A-Za-z_]\w*", match.group(1))
    label = _label(name, params)
    return label, _parameters(label, [(p, None) for p in params]), None


def signature_help(session: Session, offset: int) -> Signature | None:
    """The signature of the call open at `offset`, or None (no call, unknown function)."""
    text = session.text
    if context.clamp(text, offset) is None or context.inside(text, offset) is not None:
        return None
    start = context.statement_start(session.parsed, offset)
    call = context.open_call(text, start, offset)
    if call is None:
        return None
    index = index_of(session)
    if call.callee in BUILTIN_PARAMETERS or call.callee == "draw":
        d = None
    else:
        d = index.resolve(call.callee, call.callee_span.start)
    found = callable_signature(session, call.callee, d, Kinds(session, index))
    if found is None:
        found = _unparsed_def(session.text, call.callee)
    if found is None:
        return None
    label, params, doc = found
    active = call.active
    if call.callee in VARIADIC and d is None:
        active = min(active, len(params) - 1)
    return Signature(label, params, active, doc)
