"""Generate a large, realistic RASP file deterministically, for the parser benchmark.

The file mixes what real RASP programs contain: comments, assignments of s-ops built from
maps, selects and aggregates, library calls, conditionals, list/dict literals and
comprehensions, `def`s with bodies and `for` loops (block bodies indented, as the scanner
requires). The same seed always gives the same text.

    python benchmarks/generate.py 5000 > big.rasp
"""

from __future__ import annotations

import argparse
import random

_COMPARISONS = ["==", "!=", "<", ">", "<=", ">="]  # select operators
_MAP_COMPARISONS = ["==", "<", ">", "<=", ">="]  # `!=` is select-only in RASP
_ARITH = ["+", "-", "*"]
_BASE_SOPS = ["tokens", "tokens_int", "indices", "length"]
_WORDS = [
    "depth", "count", "prefix", "score", "shift", "mask", "width", "rank", "flag", "level",
    "total", "left", "right", "pair", "hist", "target", "key", "value", "open", "close",
]
_COMMENTS = [
    "# attend to the previous position",
    "# count the selected keys with the two-head trick",
    "# numerical mean over the prefix, then scale back up",
    "# tie-break equal keys by position so the sort is stable",
    "# the partner of a closer sits one level deeper",
    "# --- helpers ---------------------------------------------------------",
    "# broken once, broken for good",
    "# TODO: check this on longer inputs",
]


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.sops: list[str] = list(_BASE_SOPS)
        self.selectors: list[str] = []
        self.counter = 0
        self.funcs: list[tuple[str, int]] = []  # (name, arity) of generated functions

    def fresh(self, stem: str | None = None) -> str:
        self.counter += 1
        return f"{stem or self.rng.choice(_WORDS)}_{self.counter}"

    def sop(self) -> str:
        # favour recent names, like a real program building on what it just defined
        recent = self.sops[-12:]
        return self.rng.choice(recent if self.rng.random() < 0.7 else self.sops)

    def number(self) -> str:
        return str(self.rng.randint(0, 9))

    def select_expr(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return f"select(indices, indices {self.rng.choice('+-')} {self.rng.randint(1, 3)}, ==)"
        if r < 0.8:
            return f"select({self.sop()}, {self.sop()}, {self.rng.choice(_COMPARISONS)})"
        if self.selectors:
            other = self.rng.choice(self.selectors)
            return f"{other} {self.rng.choice(['and', 'or'])} select(indices, indices, <)"
        return "select(indices, indices, <=)"

    def sop_expr(self, depth: int = 0) -> str:
        r = self.rng.random()
        if depth > 1 or r < 0.25:
            return f"{self.sop()} {self.rng.choice(_ARITH)} {self.number()}"
        if r < 0.45:
            sel = self.rng.choice(self.selectors) if self.selectors else self.select_expr()
            default = self.rng.choice(["", ", 0", ', "-"'])
            return f"aggregate({sel}, {self.sop()}{default})"
        if r < 0.55:
            return f"round(aggregate({self.select_expr()}, indicator({self.sop()} == 0)) * length)"
        if r < 0.65:
            return (f'"{self.rng.choice("abc")}" if {self.sop()} '
                    f"{self.rng.choice(_MAP_COMPARISONS)} "
                    f"{self.number()} else {self.sop()}")
        if r < 0.75:
            return f"selector_width({self.select_expr()})"
        if r < 0.82:
            return f"sort({self.sop()}, {self.sop()})"
        if r < 0.9 and self.funcs:
            name, arity = self.rng.choice(self.funcs)
            return f"{name}({', '.join(self.sop() for _ in range(arity))})"
        return f"({self.sop_expr(depth + 1)}) {self.rng.choice(_ARITH)} {self.sop()}"

    def value_expr(self) -> str:
        r = self.rng.random()
        if r < 0.3:
            items = ", ".join(self.number() for _ in range(self.rng.randint(2, 6)))
            return f"[{items}]"
        if r < 0.5:
            return f"[i * {self.number()} for i in range({self.rng.randint(2, 9)})]"
        if r < 0.7:
            keys = self.rng.sample("abcdefgh", self.rng.randint(2, 4))
            return "{" + ", ".join(f'"{k}": {self.number()}' for k in keys) + "}"
        if r < 0.85:
            return f'{{w: w + "!" for w in ["{self.rng.choice(_WORDS)}", "x"]}}'
        return f"{self.number()} * {self.number()} + {self.number()}"

    # ---- units: each is a list of lines -----------------------------------------------

    def assignment(self) -> list[str]:
        name = self.fresh()
        if self.rng.random() < 0.25:
            line = f"{name} = {self.select_expr()};"
            self.selectors.append(name)
        elif self.rng.random() < 0.15:
            line = f"{name} = {self.value_expr()};"
        else:
            line = f"{name} = {self.sop_expr()};"
            self.sops.append(name)
        out = [line]
        if self.rng.random() < 0.15:
            out.insert(0, self.rng.choice(_COMMENTS))
        return out

    def definition(self) -> list[str]:
        name = self.fresh("fn")
        arity = self.rng.randint(1, 3)
        params = [f"p{i}" for i in range(arity)]
        lines = [self.rng.choice(_COMMENTS), f"def {name}({', '.join(params)}) {{"]
        saved = self.sops
        self.sops = list(params) + ["indices", "length"]
        for _ in range(self.rng.randint(1, 6)):
            local = self.fresh("t")
            if self.rng.random() < 0.3:
                lines.append(f"    {local} = {self.select_expr()};")
            else:
                lines.append(f"    {local} = {self.sop_expr()};")
                self.sops.append(local)
        if self.rng.random() < 0.3:
            lines.append(f"    # combine {self.sop()} with the input")
        lines.append(f"    return {self.sop()} {self.rng.choice(_ARITH)} {self.sop()};")
        lines.append("}")
        self.sops = saved
        self.funcs.append((name, arity))
        return lines

    def loop(self) -> list[str]:
        acc = self.fresh("acc")
        var = self.rng.choice(["i", "k", "step"])
        lines = [f"{acc} = {self.sop()};", f"for {var} in range({self.rng.randint(2, 6)}) {{"]
        for _ in range(self.rng.randint(1, 3)):
            lines.append(f"    {acc} = {acc} {self.rng.choice(_ARITH)} {var};")
        if self.rng.random() < 0.3:
            lines.append(f"    for j in [{self.number()}, {self.number()}] {{")
            lines.append(f"        {acc} = {acc} + j;")
            lines.append("    }")
        lines.append("}")
        self.sops.append(acc)
        return lines

    def multiline(self) -> list[str]:
        name = self.fresh()
        lines = [
            f"{name} = aggregate(",
            f"    {self.select_expr()},",
            f"    {self.sop()}",
            ");",
        ]
        self.sops.append(name)
        return lines

    def unit(self) -> list[str]:
        r = self.rng.random()
        if r < 0.55:
            return self.assignment()
        if r < 0.7:
            return self.definition()
        if r < 0.8:
            return self.loop()
        if r < 0.88:
            return self.multiline()
        if r < 0.94:
            return [self.rng.choice(_COMMENTS)]
        return [""]


def generate(lines: int = 5000, seed: int = 2021) -> str:
    """A RASP program of exactly `lines` lines (plus the final newline)."""
    gen = _Generator(seed)
    out = ["# Generated by benchmarks/generate.py: a synthetic program for parser timing."]
    while True:
        unit = gen.unit()
        if len(out) + len(unit) > lines:
            break
        out.extend(unit)
    while len(out) < lines:
        out.extend(gen.assignment()[-1:])
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lines", type=int, nargs="?", default=5000)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    print(generate(args.lines, args.seed), end="")


if __name__ == "__main__":
    main()
