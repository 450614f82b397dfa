"""`rasp repl`: an interactive session that reads statements line by line and prints each
definition the way the reference REPL prints it."""

from __future__ import annotations

from typing import Any, TextIO

from rasp import format as fmt
from rasp.graph import nodes as g
from rasp.graph.builder import Builder
from rasp.graph.values import Function
from rasp.runtime.errors import RaspError
from rasp.runtime.evaluate import Evaluation
from rasp.syntax import ast, scanner
from rasp.syntax.document import StatementParser


class Repl:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.parser = StatementParser()
        self.builder = Builder(parser=self.parser)
        self.show_examples = {"s-op": True, "selector": True}

    def loop(self, lines: Any) -> int:
        self.out.write(f"RASP 0.1\nrunning example is: {fmt.literal(self.builder.example)}\n")
        buffer = ""
        self._prompt(">> ")
        for line in lines:
            buffer += line if line.endswith("\n") else line + "\n"
            if self._incomplete(buffer):
                self._prompt(".. ")
                continue
            done = self.feed(buffer)
            buffer = ""
            if done:
                return 0
            self._prompt(">> ")
        self.out.write("\n")
        return 0

    def _prompt(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def _incomplete(self, buffer: str) -> bool:
        spans = list(scanner.scan(buffer))
        if not spans:
            return False
        start, end = spans[-1]
        text = buffer[start:end]
        statement = self.parser.statement(buffer, start, end)
        if statement.tree is not None or buffer[end:].strip():
            return False
        return any(
            not p.warning and (p.span.end >= len(text.rstrip()) or "never closed" in p.message)
            for p in statement.problems
        )

    def feed(self, text: str) -> bool:
        """Run the statements in `text`; True when one of them is `exit`."""
        parsed = self.parser.parse(text)
        for statement in parsed.statements:
            errors = [p for p in statement.problems if not p.warning]
            if errors:
                self.out.write(f"!! syntax error: {errors[0].message} \t-- ignoring input\n")
                continue
            failures = self.builder.run_statement(statement)
            if failures and failures[0].code == "exit":
                return True
            if failures:
                self._error(failures[0])
                continue
            self._report(statement.tree)
        return False

    def _error(self, err: RaspError) -> None:
        if err.code == "runtime-error":
            self.out.write(f"\t something went wrong: {err.message}\n")
        else:
            self.out.write(f"!!ignoring input:\n\t Error: {err.message}\n")

    def _report(self, tree: ast.Stmt | None) -> None:
        scope = self.builder.scope.vars
        if isinstance(tree, ast.Assign):
            for target in tree.targets:
                self._show(target.id, scope.get(target.id))
        elif isinstance(tree, ast.ExprStatement):
            self._show("out", scope.get("out"))
        elif isinstance(tree, ast.Def):
            fn = scope.get(tree.name.id)
            if isinstance(fn, Function):
                self.out.write(f"\t console function: {fn.name}({', '.join(fn.params)})\n")
        elif isinstance(tree, ast.SetExample):
            self.out.write(f"\t example set to: {fmt.literal(self.builder.example)}\n")
        elif isinstance(tree, ast.Directive):
            if tree.kind == "show_example":
                self.out.write(f"\t running example is: {fmt.literal(self.builder.example)}\n")
            elif tree.kind == "toggle_examples":
                for subset in [tree.subset] if tree.subset else ["s-op", "selector"]:
                    self.show_examples[subset] = bool(tree.on)

    def _show(self, name: str, value: Any) -> None:
        example = self.builder.example
        if isinstance(value, g.SOp):
            self.out.write(f"\t s-op: {name}\n")
            if self.show_examples["s-op"]:
                row = Evaluation([example]).sop(value)[0]
                from rasp.runtime.sequences import row_type

                self.out.write(
                    f" \t Example: {name}({fmt.literal(example)}) = "
                    f"{fmt.sop(row.tolist(), row_type(row))}\n"
                )
        elif isinstance(value, g.Selector):
            self.out.write(f"\t selector: {name}\n")
            if self.show_examples["selector"]:
                matrix = Evaluation([example]).selector(value)[0].tolist()
                self.out.write(f" \t Example:\n{fmt.selector(matrix, example)}\n")
        elif isinstance(value, Function):
            self.out.write(f"\t console function: {value.name}({', '.join(value.params)})\n")
        elif isinstance(value, list):
            self.out.write(f"\t list: {name} = {fmt.value(value)}\n")
        elif isinstance(value, dict):
            self.out.write(f"\t dict: {name} = {fmt.value(value)}\n")
        else:
            self.out.write(f"\t value: {name} =  {fmt.value(value)}\n")
