"""Semantic tokens: every token of a document, classified by what it means.

Legend (`TOKEN_TYPES`, `TOKEN_MODIFIERS`; the LSP layer sends them in this order and encodes
a token's type as its index and its modifiers as a bit set of their indices):

types
    function    a `def` name and its uses, library functions, the builtins `select`,
                `aggregate`, `range`, `zip`, `len`, `round`, `indicator`, and the
                annotations `numerical`, `categorical`
    parameter   a function's parameter and its uses
    variable    a name bound to anything else (atom, list, dict, unknown, undefined)
    keyword     `def`, `return`, `for`, `in`, `if`, `else`, `and`, `or`, `not`, `load`,
                `draw`, `True`, `False`, and the words of directives (`set example`...)
    number      `3`, `0.5`
    string      `"abc"` (an unclosed string up to its line's end)
    operator    `==`, `!=`, `<`, `>`, `<=`, `>=`, `=`, `+`, `-`, `*`, `/`, `%`, `^`
    comment     `# ...`
    sop         (custom) a name bound to an s-op: `tokens`, `indices`, `length`, yours
    selector    (custom) a name bound to a selector: `full_s`, yours
modifiers
    declaration     the name is being defined here (assignment target, `def` name,
                    parameter, `for` / comprehension variable)
    readonly        a reserved name, which a program cannot bind (`indices`, `length`...)
    defaultLibrary  defined by the interpreter or the standard library

Names are classified by the definition they resolve to (`features.names`) and the value it
binds (`features.kinds`); names in a statement that does not parse are classified by what
the same name would read there. Tokens are sorted, never overlap and never span lines.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rasp.features.kinds import Kinds
from rasp.features.names import Definition, NameIndex, index_of
from rasp.graph.builder import RESERVED
from rasp.program import Session

TOKEN_TYPES: tuple[str, ...] = (
    "function",
    "parameter",
    "variable",
    "keyword",
    "number",
    "string",
    "operator",
    "comment",
    "sop",
    "selector",
)
TOKEN_MODIFIERS: tuple[str, ...] = ("declaration", "readonly", "defaultLibrary")


class SemanticToken(NamedTuple):
    start: int  # absolute code-point offset
    length: int  # code points
    type: str  # one of TOKEN_TYPES
    modifiers: tuple[str, ...]  # a subset of TOKEN_MODIFIERS, in legend order


_LEXER = re.compile(
    r"(?P<comment>#[^\r\n]*)"
    r'|(?P<string>"[^"\r\n]*"?)'
    r"|(?P<number>[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<operator>==|!=|<=|>=|[-+*/%^<>=])"
)
# the words of a directive, at the start of its statement (also while it does not parse)
_DIRECTIVE = re.compile(
    r"(?:set|show)[ \t]+(?:(?:s-op|selector)[ \t]+)?example(?![\w-])"
    r"|(?:(?:s-op|selector)[ \t]+)?examples[ \t]+(?:on|off)(?!\w)"
    r"|full[ \t]+seq[ \t]+display(?:[ \t]+(?:on|off))?(?!\w)"
    r"|(?:exit|quit)(?!\w)"
)
KEYWORDS = frozenset(
    {
        "def",
        "return",
        "for",
        "in",
        "if",
        "else",
        "and",
        "or",
        "not",
        "load",
        "draw",
        "True",
        "False",
    }
)
BUILTIN_FUNCTIONS = frozenset({"select", "aggregate", "range", "zip", "len", "round", "indicator"})
_ANNOTATIONS = frozenset({"numerical", "categorical"})
_BY_KIND = {"s-op": "sop", "selector": "selector", "function": "function"}


def _modifiers(*flags: tuple[str, bool]) -> tuple[str, ...]:
    on = {name for name, flag in flags if flag}
    return tuple(m for m in TOKEN_MODIFIERS if m in on)


class _Classifier:
    def __init__(self, session: Session, index: NameIndex) -> None:
        self.index = index
        self.kinds = Kinds(session, index)
        self._types: dict[int, str] = {}

    def definition(
        self, d: Definition | None, name: str, write: bool
    ) -> tuple[str, tuple[str, ...]]:
        if d is None:
            return "variable", ()
        if d.role == "builtin" and name in ("True", "False"):
            return "keyword", ()
        library = d.role in ("library", "builtin")
        readonly = name in RESERVED
        if d.role == "builtin" and name in _ANNOTATIONS:
            kind = "function"
        elif d.role == "parameter":
            kind = "parameter"
        elif d.role == "function":
            kind = "function"
        else:
            cached = self._types.get(id(d))
            if cached is None:
                cached = self._types[id(d)] = _BY_KIND.get(self.kinds.kind(d), "variable")
            kind = cached
        mods = _modifiers(
            ("declaration", write), ("readonly", readonly), ("defaultLibrary", library)
        )
        return kind, mods


def tokens(session: Session) -> list[SemanticToken]:
    """Every token of the session's document, in order."""
    index = index_of(session)
    classifier = _Classifier(session, index)
    text = session.text
    by_start = {o.span.start: o for o in index.occurrences}
    out: list[SemanticToken] = []
    statements = session.parsed.statements
    bounds = [(st.offset, st.offset + st.length, st.tree) for st in statements]
    directives = [
        (st.offset, m.end()) for st in statements if (m := _DIRECTIVE.match(text, st.offset))
    ]
    current = 0
    directive = 0
    for match in _LEXER.finditer(text):
        start, end = match.span()
        while current < len(bounds) and bounds[current][1] <= start:
            current += 1
        parsed = current < len(bounds) and bounds[current][0] <= start and bounds[current][2]
        while directive < len(directives) and directives[directive][1] <= start:
            directive += 1
        group = match.lastgroup
        if directive < len(directives) and directives[directive][0] <= start:
            if text.startswith("s-op", start):
                end = start + 4
            out.append(SemanticToken(start, end - start, "keyword", ()))
            continue
        if group != "word":
            out.append(SemanticToken(start, end - start, group or "operator", ()))
            continue
        word = match.group()
        occurrence = by_start.get(start)
        if occurrence is not None and occurrence.span.end == end:
            kind, mods = classifier.definition(occurrence.target, word, occurrence.write)
        elif word in KEYWORDS:
            kind, mods = "keyword", ()
        elif word in BUILTIN_FUNCTIONS:
            kind, mods = "function", ("defaultLibrary",)
        elif parsed:
            kind, mods = "variable", ()
        else:  # a statement being typed: what the word would read here
            kind, mods = classifier.definition(index.resolve(word, start), word, False)
        out.append(SemanticToken(start, end - start, kind, mods))
    return _without_overlaps(out)


def _without_overlaps(found: list[SemanticToken]) -> list[SemanticToken]:
    out: list[SemanticToken] = []
    end = -1
    for token in found:
        if token.start >= end and token.length > 0:
            out.append(token)
            end = token.start + token.length
    return out
