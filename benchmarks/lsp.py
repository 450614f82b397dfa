"""Keystroke latency through the real protocol: the language server over stdio, a generated
5,000-line program open, 200 single-keystroke edits spread over it; for each, the time from
sending `didChange` to receiving the first `publishDiagnostics` for that version.

    .venv/bin/python benchmarks/lsp.py [--edits 200] [--write]

Targets (issue 4): median under 20 ms, 95th percentile under 50 ms. With --write, the
`## Language server` section of benchmarks/RESULTS.md is replaced (the rest is kept).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_valid import generate  # noqa: E402
from results import write_section  # noqa: E402
from run import machine  # noqa: E402

URI = "file:///benchmark/generated.rasp"


async def measure(edits: int, seed: int) -> tuple[list[float], int]:
    text = generate(5000)
    client = LanguageClient("rasp-benchmark", "1")
    published: dict[int, asyncio.Future[float]] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        future = published.get(params.version or -1)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def on_refresh(params: object) -> None:
        return None

    await client.start_io(sys.executable, "-m", "rasp.lsp")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    loop = asyncio.get_running_loop()
    published[1] = loop.create_future()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=URI, language_id="rasp", version=1, text=text)
        )
    )
    await asyncio.wait_for(published[1], 120)
    lines = text.splitlines()
    rng = random.Random(seed)
    latencies = []
    inserted: tuple[int, int] | None = None
    for version in range(2, edits + 2):
        if inserted is None:  # type a space at the end of a random code line ...
            line = rng.randrange(len(lines))
            column = len(lines[line])
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line, column), types.Position(line, column)),
                text=" ",
            )
            inserted = (line, column)
        else:  # ... then delete it again
            line, column = inserted
            change = types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(line, column), types.Position(line, column + 1)),
                text="",
            )
            inserted = None
        published[version] = loop.create_future()
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
                content_changes=[change],
            )
        )
        received = await asyncio.wait_for(published[version], 60)
        latencies.append((received - sent) * 1000)
        await asyncio.sleep(0.02)  # a fast typist: 50 keystrokes a second
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return latencies, len(lines)


def report(latencies: list[float], lines: int, command: str) -> str:
    ordered = sorted(latencies)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    median = statistics.median(ordered)
    verdict = lambda value, target: "met" if value < target else "MISSED"  # noqa: E731
    return "\n".join(
        [
            "## Language server",
            "",
            f"Command: `{command}`",
            "",
            *(f"- {key}: {value}" for key, value in machine(os.getloadavg()[0]).items()),
            f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            "",
            f"{len(latencies)} single-keystroke edits (a space typed at the end of a random line, "
            f"then deleted) over a generated {lines:,}-line program, 20 ms apart; time from "
            "`didChange` sent to the first `publishDiagnostics` of that version.",
            "",
            "| measure | value | target | verdict |",
            "|---|--:|---|---|",
            f"| median | {median:.1f} ms | < 20 ms | {verdict(median, 20)} |",
            f"| 95th percentile | {p95:.1f} ms | < 50 ms | {verdict(p95, 50)} |",
            f"| max | {ordered[-1]:.1f} ms | — | info |",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    latencies, lines = asyncio.run(measure(args.edits, args.seed))
    section = report(
        latencies, lines, "python benchmarks/lsp.py" + (" --write" if args.write else "")
    )
    print(section)
    if args.write:
        write_section("## Language server", section)


if __name__ == "__main__":
    main()
