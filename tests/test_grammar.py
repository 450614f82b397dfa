"""The RASP grammar, construct by construct (language.md sections 2-4 and the REPL directives).

Each table row is one construct or one precedence rule. Trees are compared through `shape`,
a compact prefix notation (`(% a (* 3 2))`); where a rule differs from Python, the value of
the expression is checked too, by running it through `Session`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rasp.program import Session
from rasp.runtime.errors import RaspError
from rasp.syntax import ast
from rasp.syntax.document import parse_file
from rasp.syntax.parser import parse_statement

# ---- helpers ---------------------------------------------------------------------------------


def shape(node: Any) -> str:
    """A compact prefix rendering of an expression tree."""
    match node:
        case ast.Name(id=name):
            return name
        case ast.Number(value=value):
            return repr(value)
        case ast.String(value=value):
            return f'"{value}"'
        case ast.Paren(expr=inner):
            return f"(paren {shape(inner)})"
        case ast.ListLiteral(items=items):
            return "[" + " ".join(shape(i) for i in items) + "]"
        case ast.DictLiteral(items=items):
            return "{" + ", ".join(f"{shape(k)}: {shape(v)}" for k, v in items) + "}"
        case ast.ListComprehension(element=element, names=names, iterable=iterable):
            return f"[{shape(element)} for {_names(names)} in {shape(iterable)}]"
        case ast.DictComprehension(key=key, value=value, names=names, iterable=iterable):
            return f"{{{shape(key)}: {shape(value)} for {_names(names)} in {shape(iterable)}}}"
        case ast.Unary(op=op, operand=operand):
            return f"({op} {shape(operand)})"
        case ast.Binary(op=op, left=left, right=right):
            return f"({op} {shape(left)} {shape(right)})"
        case ast.Conditional(then=then, condition=condition, otherwise=otherwise):
            return f"(if {shape(condition)} {shape(then)} {shape(otherwise)})"
        case ast.Contains(item=item, container=container):
            return f"(in {shape(item)} {shape(container)})"
        case ast.Index(target=target, index=index):
            return f"(index {shape(target)} {shape(index)})"
        case ast.Call(function=function, args=args):
            return "(call " + " ".join(shape(a) for a in (function, *args)) + ")"
        case ast.Select(keys=keys, queries=queries, op=op):
            return f"(select {shape(keys)} {shape(queries)} {op})"
        case ast.Aggregate(selector=selector, values=values, default=default):
            parts = [shape(selector), shape(values)] + ([shape(default)] if default else [])
            return "(aggregate " + " ".join(parts) + ")"
        case ast.Builtin(function=function, args=args):
            return f"({function} " + " ".join(shape(a) for a in args) + ")"
    raise AssertionError(f"not an expression: {node!r}")


def _names(names: tuple[ast.Name, ...]) -> str:
    return ", ".join(n.id for n in names)


def parse_ok(source: str) -> ast.Stmt:
    tree, problems = parse_statement(source)
    assert tree is not None, f"{source!r} did not parse: {problems}"
    assert not [p for p in problems if not p.warning], problems
    return tree


def expr(source: str) -> ast.Expr:
    """The tree of one expression, parsed as the right-hand side of an assignment."""
    tree = parse_ok(f"x = {source};")
    assert isinstance(tree, ast.Assign) and len(tree.values) == 1
    return tree.values[0]


def value_of(program: str, name: str = "x") -> Any:
    """Run `program` (which must not fail) and evaluate `name` after it."""
    session = Session(program, None)
    assert not session.errors, [(e.code, e.message) for e in session.errors]
    return session.evaluate(name)


def value(source: str) -> Any:
    return value_of(f"x = {source};")


def typed(v: Any) -> tuple[type, Any]:
    return type(v), v


def rejected(source: str) -> ast.SyntaxProblem:
    tree, problems = parse_statement(source)
    errors = [p for p in problems if not p.warning]
    assert tree is None and errors, f"{source!r} was accepted: {tree}"
    return errors[0]


# ---- section 2: lexical rules --------------------------------------------------------------

LITERALS = [
    # (id, source, shape, value with its type)
    ("int", "42", "42", (int, 42)),
    ("int with leading zeros", "007", "7", (int, 7)),
    ("zero", "0", "0", (int, 0)),
    ("float", "3.25", "3.25", (float, 3.25)),
    ("float with trailing zero", "2.50", "2.5", (float, 2.5)),
    ("float zero point", "0.5", "0.5", (float, 0.5)),
    ("negative int is unary minus", "-3", "(- 3)", (int, -3)),
    ("negative float is unary minus", "-1.5", "(- 1.5)", (float, -1.5)),
    ("string", '"a b"', '"a b"', (str, "a b")),
    ("empty string", '""', '""', (str, "")),
    ("hash inside a string is not a comment", '"a#b"', '"a#b"', (str, "a#b")),
    ("no escapes in strings", '"a\\"', '"a\\"', (str, "a\\")),
    ("True is a name bound to a bool", "True", "True", (bool, True)),
    ("False is a name bound to a bool", "False", "False", (bool, False)),
]


@pytest.mark.parametrize(("source", "tree", "expected"),
                         [r[1:] for r in LITERALS], ids=[r[0] for r in LITERALS])
def test_literal(source: str, tree: str, expected: tuple[type, Any]) -> None:
    assert shape(expr(source)) == tree
    assert typed(value(source)) == expected


NAMES = ["a", "_", "_a1", "A_b_2", "x9", "notable", "orange", "android", "iffy", "indices_2",
         "selection", "aggregated", "ranges", "zipper", "length2", "define", "format", "int"]


@pytest.mark.parametrize("name", NAMES)
def test_names(name: str) -> None:
    """Identifiers `[A-Za-z_][A-Za-z_0-9]*`, including ones that start with a keyword."""
    tree = parse_ok(f"{name} = 1;")
    assert isinstance(tree, ast.Assign)
    assert [t.id for t in tree.targets] == [name]
    assert value_of(f"{name} = 1;", name) == 1


COMMENTS = [
    ("after a statement", "x = 1; # a comment\n", 1),
    ("on its own line", "# first\nx = 2;\n# last", 2),
    ("inside an expression", "x = [1, # one\n  2];", [1, 2]),
    ("with code-like text", "# x = 5;\nx = 3;", 3),
    ("hash in string then comment", 'x = "#"; # "not a string', "#"),
    ("comment without final newline", "x = 4; #", 4),
]


@pytest.mark.parametrize(("program", "expected"), [r[1:] for r in COMMENTS],
                         ids=[r[0] for r in COMMENTS])
def test_comments(program: str, expected: Any) -> None:
    assert value_of(program) == expected


def test_comment_only_file_has_no_statements() -> None:
    assert parse_file("# nothing here\n   # nor here\n").statements == ()
    assert parse_file("").statements == ()


REJECTED_LEXEMES = [
    # (id, statement, message fragment, text the error points at)
    ("float without integer part", "x = .5;", "digits.digits", "."),
    ("float without fraction", "x = 3.;", "digits.digits", "."),
    ("float with exponent", "x = 1.5e3;", "", "e3"),
    ("single-quoted string", "x = 'a';", "unexpected character", "'"),
    ("unclosed string", 'x = "abc;', "unclosed string", '"'),
    ("string over two lines", 'x = "a\nb";', "unclosed string", '"'),
    ("name starting with a digit", "1a = 2;", "", "a"),
    ("keyword as a name", "if = 2;", "keyword", "if"),
    ("keyword as a value", "x = return;", "", "return"),
]


@pytest.mark.parametrize(("source", "fragment", "at"), [r[1:] for r in REJECTED_LEXEMES],
                         ids=[r[0] for r in REJECTED_LEXEMES])
def test_rejected_lexeme(source: str, fragment: str, at: str) -> None:
    problem = rejected(source)
    assert problem.code == "syntax-error"
    assert fragment in problem.message
    assert source[problem.span.start:problem.span.end] == at


# ---- section 4: every expression construct ------------------------------------------------

CONSTRUCTS = [
    # (id, source, shape, value or None when it is an s-op / not comparable)
    ("paren", "(1)", "(paren 1)", 1),
    ("empty list", "[]", "[]", []),
    ("list", "[1, 2.5, \"a\"]", '[1 2.5 "a"]', [1, 2.5, "a"]),
    ("nested list", "[[1], []]", "[[1] []]", [[1], []]),
    ("empty dict", "{}", "{}", {}),
    ("dict", '{"a": 1, 2: "b"}', '{"a": 1, 2: "b"}', {"a": 1, 2: "b"}),
    ("list comprehension", "[a * 2 for a in [1, 2]]", "[(* a 2) for a in [1 2]]", [2, 4]),
    ("list comprehension, two names", "[a + b for a, b in [[1, 2], [3, 4]]]",
     "[(+ a b) for a, b in [[1 2] [3 4]]]", [3, 7]),
    ("dict comprehension", "{a: a * a for a in [1, 2]}", "{a: (* a a) for a in [1 2]}",
     {1: 1, 2: 4}),
    ("comprehension over dict keys", '[k for k in {"p": 1, "q": 2}]',
     '[k for k in {"p": 1, "q": 2}]', ["p", "q"]),
    ("plus", "7 + 2", "(+ 7 2)", 9),
    ("minus", "7 - 2", "(- 7 2)", 5),
    ("times", "7 * 2", "(* 7 2)", 14),
    ("divide is float division", "7 / 2", "(/ 7 2)", 3.5),
    ("modulo takes the divisor's sign", "-7 % 3", "(% (- 7) 3)", 2),
    ("power", "7 ^ 2", "(^ 7 2)", 49),
    ("string repetition", '"ab" * 2', '(* "ab" 2)', "abab"),
    ("list concatenation", "[1] + [2]", "(+ [1] [2])", [1, 2]),
    ("equal", "2 == 2", "(== 2 2)", True),
    ("less", "1 < 2", "(< 1 2)", True),
    ("greater", "1 > 2", "(> 1 2)", False),
    ("less or equal", "2 <= 2", "(<= 2 2)", True),
    ("greater or equal", "1 >= 2", "(>= 1 2)", False),
    ("and", "True and False", "(and True False)", False),
    ("or", "False or True", "(or False True)", True),
    ("and returns an operand", "2 and 3", "(and 2 3)", 3),
    ("not", "not True", "(not True)", False),
    ("unary minus", "-(2)", "(- (paren 2))", -2),
    ("unary plus", "+3", "(+ 3)", 3),
    ("double unary", "- - 2", "(- (- 2))", 2),
    ("double not", "not not 0", "(not (not 0))", False),
    ("in list", "2 in [1, 2]", "(in 2 [1 2])", True),
    ("in string", '"a" in "cat"', '(in "a" "cat")', True),
    ("in dict", '"k" in {"k": 1}', '(in "k" {"k": 1})', True),
    ("conditional", "1 if True else 2", "(if True 1 2)", 1),
    ("conditional is lazy", "1 if True else 1 / 0", "(if True 1 (/ 1 0))", 1),
    ("index list", "[1, 2, 3][1]", "(index [1 2 3] 1)", 2),
    ("negative index", "[1, 2, 3][-1]", "(index [1 2 3] (- 1))", 3),
    ("index string", '"abc"[0]', '(index "abc" 0)', "a"),
    ("index dict", '{"a": 1}["a"]', '(index {"a": 1} "a")', 1),
    ("index a parenthesised expression", "([10, 20])[0]", "(index (paren [10 20]) 0)", 10),
    ("parenthesised index", "[10, 20][(1)]", "(index [10 20] (paren 1))", 20),
    ("index chain", "[[1, 2], [3, 4]][1][0]", "(index (index [[1 2] [3 4]] 1) 0)", 3),
    ("range 1", "range(3)", "(range 3)", [0, 1, 2]),
    ("range 2", "range(1, 3)", "(range 1 3)", [1, 2]),
    ("range 3", "range(0, 10, 4)", "(range 0 10 4)", [0, 4, 8]),
    ("zip", "zip([1, 2], [3, 4])", "(zip [1 2] [3 4])", [[1, 3], [2, 4]]),
    ("zip three", "zip([1], [2], [3])", "(zip [1] [2] [3])", [[1, 2, 3]]),
    ("len", "len([1, 2])", "(len [1 2])", 2),
    ("round half to even", "round(2.5)", "(round 2.5)", 2),
    ("round", "round(3.7)", "(round 3.7)", 4),
    ("round with a space", "round (3.5)", "(round 3.5)", 4),
    ("indicator", 'indicator(tokens == "l")', '(indicator (== tokens "l"))', None),
    ("indicator with a space", "indicator (indices)", "(indicator indices)", None),
    ("select", "select(indices, indices, ==)", "(select indices indices ==)", None),
    ("aggregate", "aggregate(select(indices, 0, ==), tokens)",
     "(aggregate (select indices 0 ==) tokens)", None),
    ("aggregate with default", 'aggregate(select(indices, 9, ==), tokens, "z")',
     '(aggregate (select indices 9 ==) tokens "z")', None),
    ("call", "max(indices, 2)", "(call max indices 2)", None),
    ("call without arguments", "f()", "(call f)", None),
    ("apply an s-op to an input", 'tokens("hey")', '(call tokens "hey")', ["h", "e", "y"]),
    ("apply an s-op to a list", "(indices + 1)([5, 5])",
     "(call (paren (+ indices 1)) [5 5])", [1, 2]),
    ("call then index", 'tokens("hey")[1]', '(index (call tokens "hey") 1)', "e"),
    ("index then call", "[indices][0](\"ab\")", '(call (index [indices] 0) "ab")', [0, 1]),
    ("call then call", "f(1)(2)", "(call (call f 1) 2)", None),
]


@pytest.mark.parametrize(("source", "tree", "expected"), [r[1:] for r in CONSTRUCTS],
                         ids=[r[0] for r in CONSTRUCTS])
def test_construct(source: str, tree: str, expected: Any) -> None:
    assert shape(expr(source)) == tree
    if expected is not None:
        result = value(source)
        assert typed(result) == typed(expected)


SELECT_OPS = [
    # op, matrix on "abc" for select(indices, indices, op): row q, column k = k op q
    ("==", [[1, 0, 0], [0, 1, 0], [0, 0, 1]]),
    ("!=", [[0, 1, 1], [1, 0, 1], [1, 1, 0]]),
    ("<", [[0, 0, 0], [1, 0, 0], [1, 1, 0]]),
    (">", [[0, 1, 1], [0, 0, 1], [0, 0, 0]]),
    ("<=", [[1, 0, 0], [1, 1, 0], [1, 1, 1]]),
    (">=", [[1, 1, 1], [0, 1, 1], [0, 0, 1]]),
]


@pytest.mark.parametrize(("op", "matrix"), SELECT_OPS, ids=[o for o, _ in SELECT_OPS])
def test_select_operator(op: str, matrix: list[list[int]]) -> None:
    node = expr(f"select(indices, indices, {op})")
    assert isinstance(node, ast.Select) and node.op == op and not node.spaced
    got = value_of(f"s = select(indices, indices, {op});", 's("abc")')
    assert got == [[bool(v) for v in row] for row in matrix]


AGGREGATES = [
    # (id, definition, input, expected)
    ("one key selected: that value", "aggregate(select(indices, 0, ==), tokens)", "abc",
     ["a", "a", "a"]),
    ("no key selected: default 0", "aggregate(select(indices, 9, ==), indices)", "abc",
     [0, 0, 0]),
    ("no key selected: given default", 'aggregate(select(indices, 9, ==), tokens, "-")', "ab",
     ["-", "-"]),
    ("several keys: the mean", "aggregate(select(indices, indices, <=), indices)", "abcd",
     [0, 0.5, 1, 1.5]),
    ("indicator idiom", 'aggregate(select(indices, indices, <=), indicator(tokens == "a"))',
     "aab", [1, 1, 2 / 3]),
]


@pytest.mark.parametrize(("definition", "inp", "expected"), [r[1:] for r in AGGREGATES],
                         ids=[r[0] for r in AGGREGATES])
def test_aggregate(definition: str, inp: str, expected: list[Any]) -> None:
    got = value_of(f"a = {definition};", f'a("{inp}")')
    assert got == pytest.approx(expected)


def test_elementwise_on_sops() -> None:
    session = Session(
        'n = indices * 2 + 1;\nb = not (tokens == "a");\nr = round(indices / 2);\n'
        'i = indicator(tokens == "b");\nc = "y" if tokens == "a" else "n";\n'
        "m = tokens in [\"a\", \"b\"];\nd = {0: 5, 1: 6, 2: 7, 3: 8, 4: 9}[indices];\n", None)
    assert not session.errors
    assert session.evaluate('n("abc")') == [1, 3, 5]
    assert session.evaluate('b("aba")') == [False, True, False]
    assert session.evaluate('r("abcd")') == [0, 0, 1, 2]
    assert session.evaluate('i("abb")') == [0, 1, 1]
    assert session.evaluate('c("ab")') == ["y", "n"]
    assert session.evaluate('m("acb")') == [True, False, True]
    assert session.evaluate('d("abc")') == [5, 6, 7]


def test_sop_literal_index_loads_a_position() -> None:
    session = Session("first = tokens[0];\nlast = tokens[-1];\nfar = indices[7];", None)
    assert not session.errors
    assert session.evaluate('first("abc")') == ["a", "a", "a"]
    assert session.evaluate('last("abc")') == ["c", "c", "c"]
    assert session.evaluate('far("abc")') == [0, 0, 0]


# ---- section 4: precedence --------------------------------------------------------------

PRECEDENCE = [
    # (id, source, shape, value here, Python's value where it differs, else None)
    # 1-3: atoms, then indexing and calls (postfix, chained left to right)
    ("parens override", "(1 + 2) * 3", "(* (paren (+ 1 2)) 3)", 9, None),
    ("index binds tighter than prefix minus", "-[1, 2][1]", "(- (index [1 2] 1))", -2, None),
    ("index binds tighter than not", "not [0, 1][0]", "(not (index [0 1] 0))", True, None),
    ("call binds tighter than prefix", "- len([1])", "(- (len [1]))", -1, None),
    # 4: prefix binds tighter than ^ (not Python)
    ("prefix minus binds tighter than ^", "-2 ^ 2", "(^ (- 2) 2)", 4, -4),
    ("not binds tighter than ^", "not 0 ^ 2", "(^ (not 0) 2)", 1, None),
    # 5: round and indicator
    ("round then power", "round(2.4) ^ 2", "(^ (round 2.4) 2)", 4, None),
    ("minus of round", "-round(2.6)", "(- (round 2.6))", -3, None),
    # 6: ^ tighter than * and /
    ("^ binds tighter than *", "2 * 3 ^ 2", "(* 2 (^ 3 2))", 18, None),
    ("^ binds tighter than * (left)", "3 ^ 2 * 2", "(* (^ 3 2) 2)", 18, None),
    ("^ binds tighter than /", "18 / 3 ^ 2", "(/ 18 (^ 3 2))", 2.0, None),
    ("^ groups left", "2 ^ 3 ^ 2", "(^ (^ 2 3) 2)", 64, 512),
    # 7-8: * and / bind tighter than % (not Python)
    ("% is looser than *", "7 % 4 * 2", "(% 7 (* 4 2))", 7, 6),
    ("% is looser than /", "20 % 7 / 2", "(% 20 (/ 7 2))", 2.5, 3.0),
    ("* then %", "2 * 7 % 4", "(% (* 2 7) 4)", 2, None),
    ("% groups left", "100 % 7 % 3", "(% (% 100 7) 3)", 2, None),
    # 9: % tighter than + and -
    ("% binds tighter than +", "5 + 7 % 4", "(+ 5 (% 7 4))", 8, None),
    ("% binds tighter than -", "7 - 5 % 3", "(- 7 (% 5 3))", 5, None),
    ("% then +", "10 % 3 + 1", "(+ (% 10 3) 1)", 2, None),
    ("- groups left", "10 - 4 - 3", "(- (- 10 4) 3)", 3, None),
    ("+ and - group left", "2 - 3 + 4", "(+ (- 2 3) 4)", 3, None),
    ("/ groups left", "8 / 2 / 2", "(/ (/ 8 2) 2)", 2.0, None),
    ("* tighter than +", "2 + 3 * 4", "(+ 2 (* 3 4))", 14, None),
    # 10: comparisons, looser than arithmetic, no chaining
    ("arithmetic binds tighter than ==", "1 + 2 == 3", "(== (+ 1 2) 3)", True, None),
    ("no chained comparison", "3 > 2 > 1", "(> (> 3 2) 1)", False, True),
    ("no chained comparison (2)", "1 < 3 < 2", "(< (< 1 3) 2)", True, False),
    ("not a == b is (not a) == b", "not 0 == 2", "(== (not 0) 2)", False, True),
    ("not a == b with names", "not a == b", "(== (not a) b)", None, None),
    # 11: and / or: one level, grouping left
    ("comparison binds tighter than and", "1 < 2 and 3 < 2", "(and (< 1 2) (< 3 2))", False,
     None),
    ("a or b and c is (a or b) and c", "True or False and False",
     "(and (or True False) False)", False, True),
    ("a and b or c is (a and b) or c", "False and True or True",
     "(or (and False True) True)", True, None),
    ("not binds tighter than and", "not True and False", "(and (not True) False)", False,
     None),
    # 12: conditional
    ("condition takes a whole or", "1 if True or False else 2", "(if (or True False) 1 2)", 1,
     None),
    ("then-branch takes an or", "0 or 5 if True else 2", "(if True (or 0 5) 2)", 5, None),
    ("else-branch takes an or", "1 if False else 0 or 7", "(if False 1 (or 0 7))", 7, None),
    ("conditionals group left", "1 if True else 2 if False else 3",
     "(if False (if True 1 2) 3)", 3, 1),
    # 13: in is the loosest
    ("in is looser than or", "1 in [] or [1]", "(in 1 (or [] [1]))", True, [1]),
    ("in is looser than and", "t in L and c", "(in t (and L c))", None, None),
    ("in is looser than the conditional", "3 if 1 else 2 in [3]",
     "(in (if 1 3 2) [3])", True, 3),
    ("in is looser than arithmetic", "1 + 1 in [2]", "(in (+ 1 1) [2])", True, None),
    ("in is looser than not", "not 1 in [1]", "(in (not 1) [1])", False, None),
    ("in groups left", "1 in [1] in [True]", "(in (in 1 [1]) [True])", True, None),
]


@pytest.mark.parametrize(("source", "tree", "expected", "python"),
                         [r[1:] for r in PRECEDENCE], ids=[r[0] for r in PRECEDENCE])
def test_precedence(source: str, tree: str, expected: Any, python: Any) -> None:
    assert shape(expr(source)) == tree
    if expected is not None:
        assert typed(value(source)) == typed(expected)
    if python is not None:  # the row documents a real difference from Python
        assert python != expected or type(python) is not type(expected)


def test_precedence_on_sops() -> None:
    """The same rules on s-ops: `indices % 3 * 2` is `indices % 6`."""
    session = Session("a = indices % 3 * 2;\nb = not indices == 0;\n"
                      "c = indices == 1 or indices == 2 and indices == 3;\n", None)
    assert not session.errors
    assert session.evaluate('a("abcdefg")') == [0, 1, 2, 3, 4, 5, 0]
    # (not indices) == 0: not 0 is True == 0 -> False; not k is False == 0 -> True
    assert session.evaluate('b("abc")') == [False, True, True]
    # (indices == 1 or indices == 2) and indices == 3: never
    assert session.evaluate('c("abcd")') == [False, False, False, False]


def test_binary_not_equal_is_rejected() -> None:
    problem = rejected("x = indices != 1;")
    assert problem.code == "syntax-error"
    assert "!=" in problem.message
    assert "x = indices != 1;"[problem.span.start:problem.span.end] == "!="


@pytest.mark.parametrize("source", ["x = 3 > ;", "x = (1 +) 2;", "x = 1 2;", "x = * 2;",
                                    "x = [1, 2,];", "x = {1: 2,};", "x = ();",
                                    "x = select(indices, indices, =);",
                                    "x = select(indices, indices);",
                                    "x = aggregate(select(indices, indices, ==));",
                                    "x = range();", "x = len();", "x = round();",
                                    "x = a if b;", "x = [a for in b];"])
def test_malformed_expression_is_rejected(source: str) -> None:
    assert rejected(source).code == "syntax-error"


# ---- spans ------------------------------------------------------------------------------------


def _walk(node: Any) -> list[Any]:
    out = [node]
    for child in ast.children(node):
        out.extend(_walk(child))
    return out


@pytest.mark.parametrize("source", [
    'x = aggregate(select(indices, 0, ==), tokens, "z") + -round(2.5) ^ 2 % 3;',
    "x = [a * 2 for a in range(3)][1] if not f(1)(2) else {1: len([2])}[1] in [0];",
    "a, b = zip([1], [2]), tokens[0];",
    "def f(a, b) {\n  # body\n  c = a;\n  return c, b;\n}",
])
def test_spans_nest_and_cover_their_text(source: str) -> None:
    tree = parse_ok(source)
    for node in _walk(tree):
        text = source[node.span.start:node.span.end]
        assert text, node
        assert text == text.strip(), (node, text)
        for child in ast.children(node):
            assert node.span.start <= child.span.start <= child.span.end <= node.span.end
        if isinstance(node, ast.Name):
            assert text == node.id
        if isinstance(node, (ast.Binary, ast.Unary)):
            assert source[node.op_span.start:node.op_span.end] == node.op


# ---- section 3: statements --------------------------------------------------------------------


def test_expression_statement_binds_out() -> None:
    tree = parse_ok("indices + 1;")
    assert isinstance(tree, ast.ExprStatement) and shape(tree.expr) == "(+ indices 1)"
    assert value_of("3 * 4;", "out") == 12


def test_assignment() -> None:
    tree = parse_ok("x = 1 + 2;")
    assert isinstance(tree, ast.Assign)
    assert [t.id for t in tree.targets] == ["x"] and [shape(v) for v in tree.values] == [
        "(+ 1 2)"]
    assert value_of("x = 1 + 2;") == 3


def test_assignment_rebinding_keeps_built_nodes() -> None:
    session = Session("a = tokens;\nb = a;\na = indices;", None)
    assert session.evaluate('b("hi")') == ["h", "i"]
    assert session.evaluate('a("hi")') == [0, 1]


def test_multiple_assignment() -> None:
    tree = parse_ok("a, b = 1, 2;")
    assert isinstance(tree, ast.Assign)
    assert [t.id for t in tree.targets] == ["a", "b"]
    assert [shape(v) for v in tree.values] == ["1", "2"]
    session = Session("a, b = 1, 2;", None)
    assert (session.evaluate("a"), session.evaluate("b")) == (1, 2)


def test_multiple_assignment_from_a_function() -> None:
    tree = parse_ok("p, q = f(1);")
    assert isinstance(tree, ast.Assign) and len(tree.targets) == 2 and len(tree.values) == 1
    session = Session("def f(a) {\n  return a, a + 1;\n}\np, q = f(1);", None)
    assert not session.errors
    assert (session.evaluate("p"), session.evaluate("q")) == (1, 2)


def test_multiple_assignment_unpacks_a_list() -> None:
    session = Session("u, v = [7, 8];", None)
    assert not session.errors
    assert (session.evaluate("u"), session.evaluate("v")) == (7, 8)


def test_two_statements_on_one_line() -> None:
    """Differs on purpose (language.md 10.4): any number of statements per line."""
    statements = parse_file("x = 1; y = 2;").statements
    assert [type(s.tree) for s in statements] == [ast.Assign, ast.Assign]
    assert value_of("x = 1; y = x + 1;", "y") == 2


def test_missing_final_semicolon_is_an_error() -> None:
    """Differs on purpose (language.md 10.4): a missing `;` is reported."""
    problem = rejected("x = 1")
    assert problem.code == "syntax-error" and "`;`" in problem.message
    session = Session("x = 1;\ny = 2", None)
    assert [e.code for e in session.errors] == ["syntax-error"]
    assert session.errors[0].line == 2


def test_load(tmp_path: Path) -> None:
    tree = parse_ok('load "lib";')
    assert isinstance(tree, ast.Load) and tree.path == "lib"
    assert 'load "lib";'[tree.path_span.start:tree.path_span.end] == '"lib"'
    (tmp_path / "lib.rasp").write_text("shared = 5;\n_private = 6;\nout_of = 7;\n7;\n")
    main = tmp_path / "main.rasp"
    main.write_text('load "lib";\nx = shared + out_of;\n')
    session = Session(main.read_text(), main)
    assert not session.errors
    assert session.evaluate("x") == 12
    with pytest.raises(RaspError, match="Undefined variable: _private"):
        session.evaluate("_private")
    with pytest.raises(RaspError, match="Undefined variable: out"):
        session.evaluate("out")


@pytest.mark.parametrize(("source", "has_input"), [("draw(tokens);", False),
                                                   ('draw(tokens == "a", "abc");', True),
                                                   ("draw (indices);", False)])
def test_draw(source: str, has_input: bool) -> None:
    tree = parse_ok(source)
    assert isinstance(tree, ast.Draw) and (tree.input is not None) == has_input
    assert not Session(source, None).errors


def test_def_with_several_returns_and_comments() -> None:
    source = (
        "def f(a, b) # before the body\n"
        "{\n"
        "  # first\n"
        "  c = a + b;  # after a statement\n"
        "  # between\n"
        "  return c, a;  # after return\n"
        "  # after return too\n"
        "}"
    )
    tree = parse_ok(source)
    assert isinstance(tree, ast.Def)
    assert tree.name.id == "f" and [p.id for p in tree.params] == ["a", "b"]
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign)
    assert [shape(v) for v in tree.returns.values] == ["c", "a"]
    assert value_of(source + "\nx = f(1, 2);") == [3, 1]


def test_def_without_parameters_and_body() -> None:
    tree = parse_ok("def one() { return 1; }")
    assert isinstance(tree, ast.Def) and tree.params == () and tree.body == ()
    assert value_of("def one() { return 1; }\nx = one();") == 1


def test_def_with_nested_def_and_for() -> None:
    source = (
        "def f(a) {\n"
        "  def g(b) {\n"
        "    return b * 10;\n"
        "  }\n"
        "  for i in [1, 2] {\n"
        "    a = a + i;\n"
        "  }\n"
        "  return g(a);\n"
        "}\n"
        "x = f(0);"
    )
    assert value_of(source) == 30


@pytest.mark.parametrize("source", [
    "def f(a) {\n  b = a;\n}",
    "def f(a) {\n  # only a comment\n}",
    "def f() { }",
])
def test_def_missing_return_is_rejected(source: str) -> None:
    problem = rejected(source)
    assert problem.code == "missing-return"
    assert source[problem.span.start:problem.span.end] == "}"


def test_def_return_must_be_last() -> None:
    assert rejected("def f(a) {\n  return a;\n  b = a;\n}").code == "syntax-error"


def test_for_one_name() -> None:
    source = "x = 0;\nfor i in [1, 2, 3] {\n  x = x + i;\n}"
    tree = parse_file(source).statements[1].tree
    assert isinstance(tree, ast.For)
    assert [n.id for n in tree.names] == ["i"] and shape(tree.iterable) == "[1 2 3]"
    session = Session(source, None)
    assert session.evaluate("x") == 6
    assert session.evaluate("i") == 3  # loop variables stay bound after the loop


def test_for_two_names() -> None:
    source = "x = [];\nfor k, v in zip([1, 2], [3, 4]) {\n  x = x + [k * v];\n}"
    tree = parse_file(source).statements[1].tree
    assert isinstance(tree, ast.For)
    assert [n.id for n in tree.names] == ["k", "v"]
    assert shape(tree.iterable) == "(zip [1 2] [3 4])"
    assert value_of(source) == [3, 8]


def test_for_over_dict_keys_and_range() -> None:
    assert value_of('x = 0;\nfor k in {"a": 1, "b": 2} {\n  x = x + 1;\n}') == 2
    assert value_of("x = 0;\nfor k in range(4) {\n  # comment\n  x = x + k;\n}") == 6


def test_for_body_assignments_visible_after() -> None:
    assert value_of("for i in [1] {\n  inner = i * 5;\n}\nx = inner;") == 5


# ---- REPL directives ---------------------------------------------------------------------

DIRECTIVES = [
    # (source, node type, fields)
    ('set example "abc"', ast.SetExample, {"subset": None}),
    ("set example [1, 2]", ast.SetExample, {"subset": None}),
    ('set s-op example "ab"', ast.SetExample, {"subset": "s-op"}),
    ('set selector example "ab"', ast.SetExample, {"subset": "selector"}),
    ("show example", ast.Directive, {"kind": "show_example", "subset": None}),
    ("show s-op example", ast.Directive, {"kind": "show_example", "subset": "s-op"}),
    ("show selector example", ast.Directive, {"kind": "show_example", "subset": "selector"}),
    ("examples on", ast.Directive, {"kind": "toggle_examples", "subset": None, "on": True}),
    ("examples off", ast.Directive, {"kind": "toggle_examples", "subset": None, "on": False}),
    ("s-op examples on", ast.Directive,
     {"kind": "toggle_examples", "subset": "s-op", "on": True}),
    ("s-op examples off", ast.Directive,
     {"kind": "toggle_examples", "subset": "s-op", "on": False}),
    ("selector examples on", ast.Directive,
     {"kind": "toggle_examples", "subset": "selector", "on": True}),
    ("selector examples off", ast.Directive,
     {"kind": "toggle_examples", "subset": "selector", "on": False}),
    ("full seq display on", ast.Directive, {"kind": "toggle_seq_display", "on": True}),
    ("full seq display off", ast.Directive, {"kind": "toggle_seq_display", "on": False}),
    ("exit", ast.Directive, {"kind": "exit"}),
    ("quit", ast.Directive, {"kind": "exit"}),
    ("exit()", ast.Directive, {"kind": "exit"}),
    ("quit()", ast.Directive, {"kind": "exit"}),
    ("examples on;", ast.Directive, {"kind": "toggle_examples", "on": True}),
    ('set example "x";', ast.SetExample, {"subset": None}),
]


@pytest.mark.parametrize(("source", "node_type", "fields"), DIRECTIVES,
                         ids=[d[0] for d in DIRECTIVES])
def test_directive(source: str, node_type: type, fields: dict[str, Any]) -> None:
    tree = parse_ok(source)
    assert isinstance(tree, node_type)
    for name, expected in fields.items():
        assert getattr(tree, name) == expected, name


@pytest.mark.parametrize("source", [d[0] for d in DIRECTIVES],
                         ids=[d[0] for d in DIRECTIVES])
def test_directive_in_a_file(source: str) -> None:
    """Directives end at the end of their line; the file goes on after them."""
    program = f"a = 1;\n{source}\nb = 2;\n"
    statements = parse_file(program).statements
    assert len(statements) == 3, statements
    assert all(s.tree is not None for s in statements), statements
    session = Session(program, None)
    assert not session.errors, session.errors


@pytest.mark.parametrize(("source", "example"), [('set example "abc"', "abc"),
                                                 ("set example [1, 2]", [1, 2]),
                                                 ('set s-op example "ab"', "ab")])
def test_set_example_changes_the_running_example(source: str, example: Any) -> None:
    assert Session(source, None).example == example
    assert Session("", None).example == "hello"


def test_set_example_allows_numeric_definitions() -> None:
    session = Session("set example [1, 2]\nx = tokens_int + 1;", None)
    assert not session.errors
    assert session.evaluate("x([5, 6])") == [6, 7]


@pytest.mark.parametrize("word", ["exit", "quit", "exit()", "quit()"])
def test_exit_stops_the_file(word: str) -> None:
    session = Session(f"x = 1;\n{word}\nx = 2;\ny = 3;", None)
    assert not session.errors
    assert session.evaluate("x") == 1
    with pytest.raises(RaspError, match="Undefined variable: y"):
        session.evaluate("y")


def test_exit_prefix_is_a_name() -> None:
    assert value_of("exits = 4; quitter = exits;", "quitter") == 4


# ---- select( / aggregate( with a space --------------------------------------------------------

SPACED = ["select (indices, indices, ==)", "aggregate (select(indices, 0, ==), tokens)",
          "range (3)", "zip ([1], [2])", "len ([1])", "select\t(indices, indices, <)",
          "select\n  (indices, indices, <)"]


@pytest.mark.parametrize("source", SPACED)
def test_spaced_builtin_is_accepted_with_a_warning(source: str) -> None:
    tree, problems = parse_statement(f"x = {source};")
    assert tree is not None
    assert [(p.code, p.warning) for p in problems] == [("reference-incompatible", True)]
    word = source.split("(")[0].strip()
    assert word in problems[0].message and "reference" in problems[0].message
    session = Session(f"x = {source};", None)
    assert not session.errors
    assert [(d.code, d.severity.value) for d in session.diagnostics()] == [
        ("reference-incompatible", "information")]


def test_spaced_select_gives_the_same_tree() -> None:
    spaced = expr("select (indices, indices, ==)")
    tight = expr("select(indices, indices, ==)")
    assert shape(spaced) == shape(tight)
    assert isinstance(spaced, ast.Select) and spaced.spaced and isinstance(tight, ast.Select)
    assert not tight.spaced
