"""Parse the text of one statement into a syntax tree plus syntax problems. Never raises.

This module and `scanner` are the only users of lark. The grammar is `grammar/rasp.lark`
(shipped inside the package as `rasp/syntax/rasp.lark`).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any

import lark
from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from rasp.syntax import ast
from rasp.text import Span

_TOKEN_WORDS = {
    "SEMICOLON": "`;`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "COMMA": "`,`",
    "COLON": "`:`",
    "EQUAL": "`=`",
    "NAME": "a name",
    "INT": "a number",
    "FLOAT": "a number",
    "STRING": "a string",
    "RETURN": "`return`",
    "ELSE": "`else`",
    "IF": "`if`",
    "IN": "`in`",
    "FOR": "`for`",
    "EQ": "`==`",
    "NE": "`!=`",
    "LE": "`<=`",
    "GE": "`>=`",
    "LT": "`<`",
    "GT": "`>`",
    "$END": "end of statement",
}


def grammar_path() -> Path:
    """The grammar file: inside the installed package, or in the repository's grammar/."""
    packaged = Path(__file__).with_name("rasp.lark")
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[3] / "grammar" / "rasp.lark"


@functools.cache
def _lark() -> lark.Lark:
    return lark.Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        cache=False,
    )


def _span(meta: Any) -> Span:
    return Span(meta.start_pos, meta.end_pos)


def _tok_span(token: Token) -> Span:
    return Span(token.start_pos or 0, token.end_pos or 0)


def _is_spaced(opener: Token) -> bool:
    return not str(opener).endswith(
        tuple(f"{w}(" for w in ("select", "aggregate", "range", "zip", "len"))
    )


# How deeply a statement may nest brackets, calls and prefix operators. The builder follows a
# tree by recursion, so nesting has a limit; a chain of binary operators (`1 + 1 + ... + 1`)
# is flat, however long: it does not count (the builder follows chains by iteration).
MAX_NESTING = 1000
# rules that only group the parts of their parent: no nesting of their own
_GROUPS = frozenset(("exprs", "names", "pairs", "pair"))
# left-associative rules whose first child continues the same chain
_CHAINS = frozenset(("binary",))


class _TooDeep(Exception):
    pass


class _ToAst:
    """Turns lark's parse tree into `ast` nodes. Spans are offsets into the statement text.

    The conversion is iterative (no recursion per level of the tree) and refuses trees nested
    more than `MAX_NESTING` deep (`_TooDeep`)."""

    def __init__(self) -> None:
        self.warnings: list[ast.SyntaxProblem] = []
        self.errors: list[ast.SyntaxProblem] = []

    def transform(self, tree: Tree[Token]) -> Any:
        # entries: (a tree to expand, its nesting), (a tree whose children are done, -1) or
        # (a leaf: token or missing optional part, -2)
        stack: list[tuple[Any, int]] = [(tree, 0)]
        done: list[Any] = []
        while stack:
            item, depth = stack.pop()
            if depth == -2:
                done.append(item)
            elif depth == -1:
                size = len(item.children)
                args = done[len(done) - size :]
                del done[len(done) - size :]
                done.append(getattr(self, item.data)(item.meta, args))
            else:
                if depth > MAX_NESTING:
                    raise _TooDeep()
                stack.append((item, -1))
                chain = item.data in _CHAINS
                for i in range(len(item.children) - 1, -1, -1):
                    child = item.children[i]
                    if isinstance(child, Tree):
                        flat = (chain and i == 0) or child.data in _GROUPS
                        stack.append((child, depth if flat else depth + 1))
                    else:
                        stack.append((child, -2))
        (result,) = done
        return result

    def _check_name(self, name: ast.Name) -> ast.Name:
        if name.id in KEYWORDS:
            self.errors.append(
                ast.SyntaxProblem(
                    "syntax-error", f"`{name.id}` is a keyword, not a name", name.span
                )
            )
        return name

    def _spaced(self, opener: Token) -> bool:
        spaced = _is_spaced(opener)
        if spaced:
            word = str(opener).rstrip("( \t\r\n")
            self.warnings.append(
                ast.SyntaxProblem(
                    "reference-incompatible",
                    f"`{word} (` with a space: the reference interpreter rejects this; "
                    f"write `{word}(` without a space",
                    _tok_span(opener),
                    warning=True,
                )
            )
        return spaced

    # statements
    def start(self, meta: Any, c: list[Any]) -> Any:
        return c[0]

    def expr_statement(self, meta: Any, c: list[Any]) -> ast.ExprStatement:
        return ast.ExprStatement(_span(meta), c[0])

    def assign(self, meta: Any, c: list[Any]) -> ast.Assign:
        return ast.Assign(_span(meta), c[0], c[1])

    def load(self, meta: Any, c: list[Any]) -> ast.Load:
        tok = c[0]
        return ast.Load(_span(meta), str(tok)[1:-1], _tok_span(tok))

    def draw(self, meta: Any, c: list[Any]) -> ast.Draw:
        return ast.Draw(_span(meta), c[0], c[1])

    def def_statement(self, meta: Any, c: list[Any]) -> ast.Def:
        name_tok = c[0]
        params = c[1] or ()
        return ast.Def(
            _span(meta),
            ast.Name(_tok_span(name_tok), str(name_tok)),
            params,
            tuple(c[2:-1]),
            c[-1],
        )

    def return_statement(self, meta: Any, c: list[Any]) -> ast.Return:
        return ast.Return(_span(meta), c[0])

    def for_statement(self, meta: Any, c: list[Any]) -> ast.For:
        return ast.For(_span(meta), c[0], c[2], tuple(c[3:]))

    def names(self, meta: Any, c: list[Token]) -> tuple[ast.Name, ...]:
        return tuple(self._check_name(ast.Name(_tok_span(t), str(t))) for t in c)

    def exprs(self, meta: Any, c: list[Any]) -> tuple[Any, ...]:
        return tuple(c)

    def directive(self, meta: Any, c: list[Any]) -> Any:
        return c[0]

    def subset(self, meta: Any, c: list[Token]) -> str:
        return str(c[0])

    def switch(self, meta: Any, c: list[Token]) -> bool:
        return str(c[0]) == "on"

    def set_example(self, meta: Any, c: list[Any]) -> ast.SetExample:
        return ast.SetExample(_span(meta), c[0], c[1])

    def show_example(self, meta: Any, c: list[Any]) -> ast.Directive:
        return ast.Directive(_span(meta), "show_example", c[0])

    def toggle_examples(self, meta: Any, c: list[Any]) -> ast.Directive:
        return ast.Directive(_span(meta), "toggle_examples", c[0], c[1])

    def toggle_seq_display(self, meta: Any, c: list[Any]) -> ast.Directive:
        return ast.Directive(_span(meta), "toggle_seq_display", None, c[1])

    def exit(self, meta: Any, c: list[Any]) -> ast.Directive:
        return ast.Directive(_span(meta), "exit")

    # expressions
    def contains(self, meta: Any, c: list[Any]) -> ast.Contains:
        return ast.Contains(_span(meta), c[0], c[2])

    def conditional(self, meta: Any, c: list[Any]) -> ast.Conditional:
        return ast.Conditional(_span(meta), c[0], c[1], c[2])

    def binary(self, meta: Any, c: list[Any]) -> ast.Binary:
        return ast.Binary(_span(meta), str(c[1]), c[0], c[2], _tok_span(c[1]))

    def unary(self, meta: Any, c: list[Any]) -> ast.Unary:
        return ast.Unary(_span(meta), str(c[0]), c[1], _tok_span(c[0]))

    def index(self, meta: Any, c: list[Any]) -> ast.Index:
        return ast.Index(_span(meta), c[0], c[1])

    def call(self, meta: Any, c: list[Any]) -> ast.Call:
        return ast.Call(_span(meta), c[0], c[1] or ())

    def name(self, meta: Any, c: list[Token]) -> ast.Name:
        return self._check_name(ast.Name(_span(meta), str(c[0])))

    def int_literal(self, meta: Any, c: list[Token]) -> ast.Number:
        try:
            value = int(c[0])
        except ValueError:  # Python refuses to convert more than 4,300 digits
            self.errors.append(
                ast.SyntaxProblem(
                    "syntax-error",
                    f"this number has {len(c[0]):,} digits, more than this tool reads "
                    f"({sys.get_int_max_str_digits():,}); write a shorter number",
                    _span(meta),
                )
            )
            value = 0
        return ast.Number(_span(meta), value)

    def float_literal(self, meta: Any, c: list[Token]) -> ast.Number:
        return ast.Number(_span(meta), float(c[0]))

    def string_literal(self, meta: Any, c: list[Token]) -> ast.String:
        return ast.String(_span(meta), str(c[0])[1:-1])

    def paren(self, meta: Any, c: list[Any]) -> ast.Paren:
        return ast.Paren(_span(meta), c[0])

    def list_literal(self, meta: Any, c: list[Any]) -> ast.ListLiteral:
        return ast.ListLiteral(_span(meta), c[0] or ())

    def dict_literal(self, meta: Any, c: list[Any]) -> ast.DictLiteral:
        return ast.DictLiteral(_span(meta), c[0] or ())

    def pairs(self, meta: Any, c: list[Any]) -> tuple[Any, ...]:
        return tuple(c)

    def pair(self, meta: Any, c: list[Any]) -> tuple[Any, Any]:
        return (c[0], c[1])

    def list_comprehension(self, meta: Any, c: list[Any]) -> ast.ListComprehension:
        return ast.ListComprehension(_span(meta), c[0], c[1], c[3])

    def dict_comprehension(self, meta: Any, c: list[Any]) -> ast.DictComprehension:
        return ast.DictComprehension(_span(meta), c[0], c[1], c[2], c[4])

    def select(self, meta: Any, c: list[Any]) -> ast.Select:
        return ast.Select(_span(meta), c[1], c[2], str(c[3]), self._spaced(c[0]))

    def aggregate(self, meta: Any, c: list[Any]) -> ast.Aggregate:
        return ast.Aggregate(_span(meta), c[1], c[2], c[3], self._spaced(c[0]))

    def _builtin(self, meta: Any, word: str, c: list[Any]) -> ast.Builtin:
        args = c[1] if isinstance(c[1], tuple) else (c[1],)
        return ast.Builtin(_span(meta), word, args, self._spaced(c[0]))

    def range_call(self, meta: Any, c: list[Any]) -> ast.Builtin:
        return self._builtin(meta, "range", c)

    def zip_call(self, meta: Any, c: list[Any]) -> ast.Builtin:
        return self._builtin(meta, "zip", c)

    def len_call(self, meta: Any, c: list[Any]) -> ast.Builtin:
        return self._builtin(meta, "len", c)

    def round_call(self, meta: Any, c: list[Any]) -> ast.Builtin:
        return ast.Builtin(_span(meta), "round", (c[1],), False)

    def indicator_call(self, meta: Any, c: list[Any]) -> ast.Builtin:
        return ast.Builtin(_span(meta), "indicator", (c[1],), False)


def _describe(token_type: str) -> str:
    if token_type in _TOKEN_WORDS:
        return _TOKEN_WORDS[token_type]
    if token_type.isupper() and token_type.isalpha():
        return f"`{token_type.lower()}`"
    return token_type


def _expected(expected: Any) -> str:
    words = sorted({_describe(t) for t in expected if not t.startswith("__")})
    if len(words) > 8:
        return ""
    return " (expected " + ", ".join(words) + ")" if words else ""


def _problem_from(err: UnexpectedInput, text: str) -> ast.SyntaxProblem:
    if isinstance(err, UnexpectedCharacters):
        pos = err.pos_in_stream or 0
        ch = text[pos : pos + 1]
        if ch == '"':
            return ast.SyntaxProblem(
                "syntax-error",
                'unclosed string: `"` has no closing `"` on its line',
                Span(pos, pos + 1),
            )
        if ch == ".":
            msg = "unexpected `.`: a float is written `digits.digits` (`0.5`, `3.0`)"
        elif ch.isprintable():
            msg = f"unexpected character `{ch}`"
        else:
            msg = f"unexpected character U+{ord(ch):04X}"
        return ast.SyntaxProblem("syntax-error", msg, Span(pos, pos + 1))
    if isinstance(err, UnexpectedEOF):
        end = len(text.rstrip())
        return ast.SyntaxProblem(
            "syntax-error", "unexpected end of statement" + _expected(err.expected), Span(end, end)
        )
    if isinstance(err, UnexpectedToken):
        tok = err.token
        if tok.type == "$END":
            end = len(text.rstrip())
            expected = set(err.expected)
            opener = _unclosed_opener(text)
            if opener is not None:
                return _unclosed_problem(text, opener)
            if "SEMICOLON" in expected:
                msg = "missing `;` at the end of the statement"
            else:
                msg = "unexpected end of statement" + _expected(expected)
            return ast.SyntaxProblem("syntax-error", msg, Span(max(end - 1, 0), end))
        span = _tok_span(tok)
        value = str(tok)
        if tok.type == "NE":
            msg = "`!=` exists only as a select operator; write `not (a == b)`"
        elif tok.type == "RBRACE" and (
            "RETURN" in err.expected or (text.lstrip().startswith("def") and "return" not in text)
        ):
            return ast.SyntaxProblem(
                "missing-return", "a function body must end with `return ...;`", span
            )
        elif tok.type == "EQUAL" and {"EQ", "NE"} & set(err.expected):
            msg = "`=` is not a comparison: write `==`"
        elif "SEMICOLON" in err.expected and len(err.expected) > 3:
            msg = f"unexpected `{value}`: missing `;` before it?"
        else:
            msg = f"unexpected `{value}`" + _expected(err.expected)
        opener = _unclosed_opener(text)
        if opener is not None and tok.type in ("SEMICOLON", "RBRACE", "RPAR", "RSQB"):
            return _unclosed_problem(text, opener)
        return ast.SyntaxProblem("syntax-error", msg, span)
    return ast.SyntaxProblem("syntax-error", "syntax error", Span(0, len(text)))  # pragma: no cover


_PAIRS = {"(": ")", "[": "]", "{": "}"}


def _unclosed_opener(text: str) -> int | None:
    """The offset of the first bracket in `text` that is never closed, if any."""
    stack: list[int] = []
    in_string = False
    in_comment = False
    for i, ch in enumerate(text):
        if in_comment:
            in_comment = ch not in "\r\n"
        elif in_string:
            in_string = ch not in '"\r\n'
        elif ch == '"':
            in_string = True
        elif ch == "#":
            in_comment = True
        elif ch in _PAIRS:
            stack.append(i)
        elif ch in ")]}" and stack and _PAIRS[text[stack[-1]]] == ch:
            stack.pop()
    return stack[0] if stack else None


def _unclosed_problem(text: str, opener: int) -> ast.SyntaxProblem:
    ch = text[opener]
    return ast.SyntaxProblem(
        "syntax-error", f"`{ch}` is never closed: add `{_PAIRS[ch]}`", Span(opener, opener + 1)
    )


KEYWORDS = frozenset(
    (
        "if",
        "else",
        "for",
        "in",
        "def",
        "return",
        "and",
        "or",
        "not",
        "round",
        "indicator",
        "load",
        "draw",
    )
)


def _too_deep(text: str) -> ast.SyntaxProblem:
    return ast.SyntaxProblem(
        "syntax-error",
        "this statement is nested too deeply to analyse (brackets, calls or prefix operators "
        f"more than {MAX_NESTING:,} deep); split it into several statements",
        Span(0, len(text)),
    )


def parse_statement(text: str) -> tuple[ast.Stmt | None, tuple[ast.SyntaxProblem, ...]]:
    """Parse one statement's text. Returns its tree (None on a syntax error) and problems."""
    try:
        tree = _lark().parse(text)
    except RecursionError:
        return None, (_too_deep(text),)
    except UnexpectedInput as err:
        return None, (_problem_from(err, text),)
    except lark.exceptions.LarkError as err:  # pragma: no cover - defensive
        problem = ast.SyntaxProblem("syntax-error", f"syntax error: {err}", Span(0, len(text)))
        return None, (problem,)
    to_ast = _ToAst()
    try:
        node = to_ast.transform(tree)
    except (_TooDeep, RecursionError):
        return None, (_too_deep(text),)
    if to_ast.errors:
        return None, tuple(to_ast.errors)
    return node, tuple(to_ast.warnings)


def expected_tokens(text: str) -> set[str]:
    """The token types the parser would accept after `text` (for completion)."""
    try:
        _lark().parse(text)
    except UnexpectedToken as err:
        return set(err.expected)
    except UnexpectedInput:
        return set()
    return set()
