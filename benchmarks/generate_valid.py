"""Generate a large, VALID RASP program deterministically, for the analysis benchmark.

Unlike `generate.py` (syntax only, for the parser), every statement of this program runs: each
definition evaluates without error on the running example "hello", so `Session(text, None)`
reports no errors. The program has what a long real RASP file has:

- one name defined near the top, `base = indices + 1;`, that almost every later s-op depends on,
  directly or through the names built from it (function bodies also read it as a free name, so
  late binding is exercised too);
- `def`s with bodies of several statements (comments inside, sometimes a local `for`), each
  called several times with different arguments;
- `for` loops over `range(...)`, over literal lists and over `zip(...)` that define names used
  after the loop;
- deep aggregate chains, each level aggregating the previous level over a select;
- selectors, booleans and strings, library calls (`shift`, `sort`, `has_focus`, `max`, ...),
  comments (own-line and trailing) and blank lines;
- a short tail whose constant `END_CONSTANT` the benchmark edits (see `END_LINE`).

Values stay small (sums are taken modulo small numbers), numeric aggregates average only numbers,
and nothing divides, so the program also stays valid when `base` becomes `indices + 2`.

    python benchmarks/generate_valid.py 5000 > valid.rasp   # checks `errors == []` first
    python benchmarks/generate_valid.py --no-check > valid.rasp  # text only, no Session
"""

from __future__ import annotations

import argparse
import copy
import random
from dataclasses import dataclass, field

BASE_LINE = "base = indices + 1;"
END_CONSTANT = 3
END_LINE = "final_score = round(aggregate(select(indices, indices, <=), {name}) * 10) + {c};"

_WORDS = [
    "depth", "count", "prefix", "score", "mask", "width", "rank", "level", "total", "left",
    "right", "pair", "hist", "target", "key", "value", "gap", "peak", "mean", "tally",
]
_LETTERS = ["h", "e", "l", "o", "x"]
_OPS = ["==", "!=", "<", ">", "<=", ">="]
_MAP_CMP = ["==", "<", ">", "<=", ">="]
_THEMES = [
    "running counts over the prefix",
    "neighbours and shifted copies",
    "ranks and sorting keys",
    "histograms of derived values",
    "flags and their prefix means",
    "window statistics",
]
_COMMENTS = [
    "# attend to the previous position",
    "# mean over the prefix, then scale back up",
    "# tie-break equal keys by position so the order is stable",
    "# keep the values small: everything is taken modulo a small number",
    "# one head per select; the same select written twice costs two heads",
    "# this depends on `base`, like almost everything below it",
    "# TODO: check this on longer inputs",
]


@dataclass
class Pool:
    """Names available to expressions, by kind; the most recent names are favoured."""

    nums: list[str] = field(default_factory=list)  # numeric s-ops (ints or floats)
    bools: list[str] = field(default_factory=list)  # boolean s-ops
    strs: list[str] = field(default_factory=list)  # string s-ops
    sels: list[str] = field(default_factory=list)  # selectors
    atoms: list[str] = field(default_factory=list)  # int atoms (function parameters)


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.top = Pool(nums=["base"])
        self.pool = self.top
        self.funcs: list[tuple[str, tuple[str, ...]]] = []  # name, parameter kinds
        self.counter = 0
        self.chains = 0

    # ---- names and small pieces --------------------------------------------------------

    def fresh(self, stem: str | None = None) -> str:
        self.counter += 1
        return f"{stem or self.rng.choice(_WORDS)}_{self.counter}"

    def pick(self, names: list[str]) -> str:
        recent = names[-10:]
        return self.rng.choice(recent if self.rng.random() < 0.75 else names)

    def num(self) -> str:
        return self.pick(self.pool.nums)

    def small(self) -> str:
        """An int atom: a literal, or an int parameter of the function being generated."""
        if self.pool.atoms and self.rng.random() < 0.5:
            return self.rng.choice(self.pool.atoms)
        return str(self.rng.randint(1, 4))

    def modulus(self) -> str:
        return str(self.rng.randint(5, 13))

    def sel(self) -> str:
        if self.pool.sels and self.rng.random() < 0.7:
            return self.pick(self.pool.sels)
        return self.sel_expr()

    def boolean(self) -> str:
        if self.pool.bools and self.rng.random() < 0.6:
            return self.pick(self.pool.bools)
        return f"{self.num()} > {self.rng.randint(1, 6)}"

    # ---- expressions ---------------------------------------------------------------------

    def sel_expr(self) -> str:
        r = self.rng.random()
        if r < 0.3:
            return f"select({self.num()}, {self.num()}, {self.rng.choice(_OPS)})"
        if r < 0.5:
            return f"select(indices, indices {self.rng.choice('+-')} {self.small()}, ==)"
        if r < 0.6:
            return f"select(indices, indices, {self.rng.choice(['<', '<=', '>', '>='])})"
        if r < 0.7 and self.pool.bools:
            return f"select({self.pick(self.pool.bools)}, True, ==)"
        if r < 0.8 and self.pool.strs:
            return f"select({self.pick(self.pool.strs)}, tokens, ==)"
        if self.pool.sels:
            other = self.pick(self.pool.sels)
            return f"{other} {self.rng.choice(['and', 'or'])} select(indices, indices, <=)"
        return f"select(indices, {self.num()}, <=)"

    def call(self) -> str | None:
        if not self.funcs or self.pool is not self.top:
            return None
        name, kinds = self.rng.choice(self.funcs)
        return f"{name}({', '.join(self.argument(kind) for kind in kinds)})"

    def argument(self, kind: str) -> str:
        if kind == "seq":
            return self.num()
        if kind == "k":
            return str(self.rng.randint(1, 4))
        if kind == "sel":
            return self.sel()
        return self.boolean()

    def num_expr(self) -> str:
        rng = self.rng
        r = rng.random()
        n, m = self.num(), self.modulus()
        if r < 0.08:
            return f"{n} + {self.small()}"
        if r < 0.18:
            return f"({n} + {self.num()}) % {m}"
        if r < 0.24:
            return f"({n} - {self.num()}) % {m}"
        if r < 0.30:
            return f"round({n} * {self.small()}) % {m}"
        if r < 0.42:
            return f"aggregate({self.sel()}, {n})"
        if r < 0.46:
            return f"aggregate({self.sel()}, {n}, {rng.randint(0, 3)})"
        if r < 0.52:
            return f"selector_width({self.sel()})"
        if r < 0.58:
            return f"shift({n}, {self.small()}, 0)"
        if r < 0.62:
            return f"{rng.choice(['max', 'min'])}({n}, {self.num()})"
        if r < 0.68:
            return f"indicator({self.boolean()})"
        if r < 0.72:
            return f"sort({n}, {self.num()})"
        if r < 0.75:
            return f'({n} + count(tokens, "{rng.choice(_LETTERS)}")) % {m}'
        if r < 0.80:
            return f"round(aggregate({self.sel()}, {n}) * {self.small()}) % {m}"
        if r < 0.84:
            return f"{n} if {self.boolean()} else {self.num()} + 1"
        if r < 0.86:
            return f"load_from_location({n}, length - indices - 1)"
        call = self.call() if r < 0.95 else None
        return call or f"indicator({n} {rng.choice(_MAP_CMP)} {self.num()}) + {n}"

    def bool_expr(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            return f"{self.num()} {rng.choice(_MAP_CMP)} {rng.randint(1, 6)}"
        if r < 0.5:
            return f"{self.num()} {rng.choice(_MAP_CMP)} {self.num()}"
        if r < 0.7:
            return f"has_focus({self.sel()})"
        if r < 0.85 and self.pool.bools:
            return f"{self.pick(self.pool.bools)} {rng.choice(['and', 'or'])} {self.num()} > 2"
        if self.pool.bools:
            return f"not {self.pick(self.pool.bools)}"
        return f"{self.num()} == {rng.randint(1, 5)}"

    def str_expr(self) -> str:
        rng = self.rng
        r = rng.random()
        a, b = rng.sample(["a", "b", "c", "lo", "hi", "mid"], 2)
        if r < 0.4 or not self.pool.strs:
            return f'"{a}" if {self.boolean()} else "{b}"'
        s = self.pick(self.pool.strs)
        if r < 0.6:
            return f"{s} if {self.boolean()} else tokens"
        if r < 0.8:
            return f'aggregate(select(indices, indices - 1, ==), {s}, "-")'
        return f'"{a}" if {s} == tokens else {s}'

    # ---- statements: each unit returns its lines and how many top-level statements ------

    def assignment(self, indent: str = "") -> str:
        r = self.rng.random()
        if r < 0.62:
            name, expr, into = self.fresh(), self.num_expr(), self.pool.nums
        elif r < 0.78:
            name, expr, into = self.fresh("sel"), self.sel_expr(), self.pool.sels
        elif r < 0.9:
            name, expr, into = self.fresh("flag"), self.bool_expr(), self.pool.bools
        else:
            name, expr, into = self.fresh("label"), self.str_expr(), self.pool.strs
        into.append(name)
        line = f"{indent}{name} = {expr};"
        if self.rng.random() < 0.08:
            line += "  " + self.rng.choice(_COMMENTS)
        return line

    def simple(self) -> tuple[list[str], int]:
        count = self.rng.randint(1, 3)
        lines = []
        for _ in range(count):
            if self.rng.random() < 0.7:
                lines.append(self.rng.choice(_COMMENTS))
            lines.append(self.assignment())
        return lines, count

    def multiline(self) -> tuple[list[str], int]:
        name = self.fresh()
        lines = [
            self.rng.choice(_COMMENTS),
            f"{name} = aggregate(",
            f"    {self.sel()},",
            f"    {self.num()},",
            f"    {self.rng.randint(0, 3)}",
            ");",
        ]
        self.top.nums.append(name)
        return lines, 1

    def definition(self) -> tuple[list[str], int]:
        rng = self.rng
        kinds = rng.choice([("seq", "k"), ("seq", "sel"), ("seq", "seq", "k"), ("seq", "flag"),
                            ("seq", "sel", "k")])
        local = Pool(nums=["base"])  # `base` is read as a free name: late binding
        into = {"seq": local.nums, "k": local.atoms, "sel": local.sels, "flag": local.bools}
        names: list[str] = []
        for kind in kinds:
            pname = "other" if kind == "seq" and "seq" in names else kind
            names.append(pname)
            into[kind].append(pname)
        name = self.fresh("fn")
        lines = [f"# `{name}`: {rng.choice(_THEMES)}, from {' and '.join(names)}",
                 rng.choice(_COMMENTS), f"def {name}({', '.join(names)}) {{"]
        self.pool = local
        for _ in range(rng.randint(5, 9)):
            if rng.random() < 0.4:
                lines.append("    " + rng.choice(_COMMENTS))
            lines.append(self.assignment("    "))
        if rng.random() < 0.25:
            acc = self.fresh("acc")
            lines += [f"    {acc} = {self.num()};",
                      f"    for j in range({rng.randint(2, 3)}) {{",
                      f"        {acc} = ({acc} + j) % {self.modulus()};",
                      "    }"]
            local.nums.append(acc)
        result = f"({self.num()} + {self.num()}) % {self.modulus()}"
        lines += [f"    return {result};", "}"]
        self.pool = self.top
        self.funcs.append((name, kinds))
        # called right away with different arguments, twice
        out = self.fresh("use")
        self.funcs, saved = [(name, kinds)], self.funcs
        lines += [f"{out}_a = {self.call()};", f"{out}_b = {self.call()};"]
        self.funcs = saved
        self.top.nums += [f"{out}_a", f"{out}_b"]
        return lines, 3

    def loop(self) -> tuple[list[str], int]:
        rng = self.rng
        r = rng.random()
        head = [rng.choice(_COMMENTS)] if rng.random() < 0.7 else []
        lines, count = self._loop(r)
        return head + lines, count

    def _loop(self, r: float) -> tuple[list[str], int]:
        rng = self.rng
        with_k = [(n, k) for n, k in self.funcs if "k" in k]
        if r < 0.35 and with_k:
            # call one function with each value of the loop variable
            name, kinds = rng.choice(with_k)
            out = self.fresh("each")
            values = ", ".join(str(v) for v in sorted(rng.sample(range(1, 6), 3)))
            args = ", ".join("k" if kind == "k" else self.argument(kind) for kind in kinds)
            lines = [f"for k in [{values}] {{",
                     f"    {out} = {name}({args});",
                     f"    {out}_flag = {out} > k;",
                     "}"]
            self.top.nums.append(out)
            self.top.bools.append(f"{out}_flag")
            return lines, 1
        if r < 0.55:
            # one name per letter, the last one survives the loop
            hits = self.fresh("hits")
            letters = ", ".join(f'"{c}"' for c in rng.sample(_LETTERS, 3))
            lines = [f"for w in [{letters}] {{",
                     f"    {hits} = (count(tokens, w) + {self.num()}) % {self.modulus()};",
                     f"    {hits}_seen = contains(tokens, w) or {hits} > 3;",
                     "}"]
            self.top.nums.append(hits)
            self.top.bools.append(f"{hits}_seen")
            return lines, 1
        if r < 0.7:
            mix = self.fresh("mix")
            moduli = ", ".join(str(v) for v in rng.sample(range(5, 12), 3))
            lines = [f"for a, b in zip([1, 2, 3], [{moduli}]) {{",
                     f"    {mix} = ({self.num()} + a) % b;",
                     f"    {mix}_near = select({mix}, {mix} + a, <=);",
                     "}"]
            self.top.sels.append(f"{mix}_near")
            self.top.nums.append(mix)
            return lines, 1
        acc, peak = self.fresh("acc"), self.fresh("peak")
        lines = [f"{acc} = {self.num()};",
                 f"for i in range({rng.randint(2, 5)}) {{",
                 f"    {acc} = ({acc} + i) % {self.modulus()};",
                 f"    {peak} = max({acc}, {self.num()});"]
        if rng.random() < 0.3:
            lines += ["    # a nested loop over a literal list",
                      f"    for j in [{rng.randint(1, 3)}, {rng.randint(4, 6)}] {{",
                      f"        {acc} = ({acc} + j) % {self.modulus()};",
                      "    }"]
        lines.append("}")
        self.top.nums += [acc, peak]
        return lines, 2

    def chain(self) -> tuple[list[str], int]:
        rng = self.rng
        self.chains += 1
        depth = rng.randint(8, 16)
        stem = f"chain{self.chains}"
        lines = [f"# aggregate chain {self.chains}: each of its {depth} levels aggregates "
                 "the previous level over a select"]
        previous = self.num()
        for level in range(depth):
            name = f"{stem}_{level}"
            select = rng.choice([
                "select(indices, indices, <=)",
                "select(indices, indices, >=)",
                "select(indices, indices - 1, ==)",
                "select(indices, indices + 1, ==)",
                f"select({previous}, {previous}, <=)",
                f"select({previous}, base, <)",
            ])
            default = rng.choice(["", ", 0", ", 1"])
            if level and level % 4 == 0:
                lines.append(f"# level {level} of chain {self.chains}")
            if rng.random() < 0.6:
                lines += [f"{name} = aggregate(", f"    {select},",
                          f"    {previous}{default}", ");"]
            else:
                lines.append(f"{name} = aggregate({select}, {previous}{default});")
            previous = name
        self.top.nums.append(previous)
        return lines, depth

    def unit(self) -> tuple[list[str], int]:
        r = self.rng.random()
        if r < 0.25:
            return self.simple()
        if r < 0.52:
            return self.definition()
        if r < 0.75:
            return self.loop()
        if r < 0.80:
            return self.chain()
        return self.multiline()


def generate(lines: int = 5000, seed: int = 2021) -> str:
    """A valid RASP program of about `lines` lines (exactly `lines` when it is large enough)."""
    gen = _Generator(seed)
    out = [
        "# Generated by benchmarks/generate_valid.py: a synthetic VALID program for timing the",
        "# analysis. Every definition evaluates on the running example \"hello\".",
        "",
        "# the name almost everything below depends on",
        BASE_LINE,
        "",
    ]
    section = 0
    tail_size = 7
    while True:
        section += 1
        header = ["", f"# ---- section {section}: {_THEMES[section % len(_THEMES)]} " + "-" * 30]
        saved = copy.deepcopy((gen.top, gen.funcs))
        body: list[str] = []
        for _ in range(gen.rng.randint(3, 7)):
            unit, _count = gen.unit()
            body += unit + ([""] if gen.rng.random() < 0.4 else [])
        if len(out) + len(header) + len(body) + tail_size > lines:
            gen.top, gen.funcs = saved  # forget the names of the section left out
            gen.pool = gen.top
            break
        out += header + body
    last = gen.top.nums[-1]
    tail = [
        "",
        "# ---- the end: the benchmark edits the constant of `final_score` " + "-" * 20,
        END_LINE.format(name=last, c=END_CONSTANT),
        "final_flag = final_score > 20;",
        'final_label = "big" if final_flag else "small";',
    ]
    while len(out) + len(tail) < lines:  # pad with valid one-liners
        out.append(gen.assignment())
    return "\n".join(out + tail) + "\n"


def end_edit(text: str, constant: int) -> str:
    """`text` with the constant of `final_score` (near the end) replaced by `constant`."""
    head, sep, rest = text.rpartition("final_score = ")
    assert sep, "no final_score statement"
    line, newline, after = rest.partition("\n")
    body, plus, _old = line.rpartition(" + ")
    assert plus and _old.endswith(";"), line
    return f"{head}{sep}{body} + {constant};{newline}{after}"


def top_edit(text: str, offset: int) -> str:
    """`text` with `base = indices + 1;` replaced by `base = indices + offset;`."""
    assert text.count(BASE_LINE) == 1
    return text.replace(BASE_LINE, f"base = indices + {offset};")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", type=int, nargs="?", default=5000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--no-check", dest="check", action="store_false",
                        help="skip running the program (by default a Session asserts that it "
                             "has no errors and statistics go to stderr)")
    args = parser.parse_args()
    text = generate(args.lines, args.seed)
    if args.check:
        import sys

        from rasp.program import Session

        session = Session(text, None)
        assert session.errors == [], session.errors[:3]
        print(f"{text.count(chr(10))} lines, {len(session.parsed.statements)} statements, "
              f"{len(text):,} chars, no errors", file=sys.stderr)
    print(text, end="")


if __name__ == "__main__":
    main()
