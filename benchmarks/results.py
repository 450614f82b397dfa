"""benchmarks/RESULTS.md, where every benchmark records its numbers: each script owns one
`## ` section and replaces only that one."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(heading: str, section: str, path: Path = RESULTS) -> None:
    """Replace the section under `heading` (a `## ` line, up to the next `## ` heading or
    the end) with `section`, or append it; everything else is left as it is."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    if start is None:
        head = old if not old or old.endswith("\n") else old + "\n"
        path.write_text(head + ("\n" if head else "") + section, encoding="utf-8")
        return
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
               len(lines))
    after = "".join(lines[end:])
    path.write_text("".join(lines[:start]) + section + ("\n" + after if after else ""),
                    encoding="utf-8")
