"""Is the language server's event loop ever blocked under load? Through the real protocol:
the server over stdio (`python -m rasp.lsp`), 20 documents open (the examples and generated
programs of several sizes), each edited a few times a second (a digit changed in a random
statement, or a space typed at the end of a random line, then undone), the server's own
evaluation of every edited document in the background (its worker process), plus a
`rasp/evaluate` request every half second. Meanwhile a probe sends a cheap request every
50 ms (hover on a fixed position of a small document) and records its round trip: a blocked
loop shows as a slow probe.

    .venv/bin/python benchmarks/load.py [--seconds 30] [--seed 7] [--write]

Target: the loop never blocks for more than 100 ms, i.e. the probe's maximum round trip stays
under 100 ms. With --write, the `## Load` section of benchmarks/RESULTS.md is replaced (the
rest of the file is kept).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate_valid import generate  # noqa: E402
from results import write_section  # noqa: E402
from run import machine  # noqa: E402

DOCUMENTS = 20
GENERATED_LINES = [100, 200, 400, 800]  # sizes of the generated documents, in turn
PROBE_EVERY = 0.05
TARGET_MS = 100.0
PROBE_TEXT = "probe = tokens;\n"
_DIGIT = re.compile(r"(?<![\w.])\d(?![\w.])")  # a one-digit number literal


@dataclass
class Document:
    uri: str
    name: str
    text: str
    version: int = 1
    undo: tuple[types.Range, str, str] | None = None  # range, text, new document text
    names: list[str] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return self.text.count("\n") + 1


def offset_of(text: str, line: int, column: int) -> int:
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    return starts[line] + column


def position_of(text: str, offset: int) -> types.Position:
    line = text.count("\n", 0, offset)
    return types.Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def documents(seed: int) -> list[Document]:
    out = [
        Document(path.resolve().as_uri(), f"examples/{path.name}", path.read_text("utf-8"))
        for path in sorted((ROOT / "examples").glob("*.rasp"))
    ]
    index = 0
    while len(out) < DOCUMENTS:
        lines = GENERATED_LINES[index % len(GENERATED_LINES)]
        text = generate(lines, seed + index)
        out.append(Document(f"file:///load/generated{index}.rasp",
                            f"generated{index}.rasp ({text.count(chr(10)) + 1} lines)", text))
        index += 1
    for doc in out:
        doc.names = re.findall(r"^([A-Za-z_]\w*) *=", doc.text, re.M)
    return out


def next_edit(doc: Document, rng: random.Random) -> types.TextDocumentContentChangePartial:
    """Undo the previous edit, or make a new one: change a one-digit literal of a random line,
    or type a space at the end of a random line."""
    if doc.undo is not None:
        rng_, new, text = doc.undo
        doc.undo = None
        doc.text = text
        return types.TextDocumentContentChangePartial(range=rng_, text=new)
    lines = doc.text.split("\n")
    for _ in range(20):
        line = rng.randrange(len(lines))
        digits = list(_DIGIT.finditer(lines[line]))
        if digits and rng.random() < 0.6:
            found = rng.choice(digits)
            old = found.group()
            new = str((int(old) + rng.randint(1, 8)) % 10)
            start = types.Position(line, found.start())
            end = types.Position(line, found.end())
            break
        if lines[line].strip():
            start = end = types.Position(line, len(lines[line]))
            old, new = "", " "
            break
    else:
        start = end = types.Position(0, 0)
        old, new = "", " "
    at = offset_of(doc.text, start.line, start.character)
    before = doc.text
    doc.text = before[:at] + new + before[at + len(old) :]
    after = position_of(doc.text, at + len(new))
    doc.undo = (types.Range(start, after), old, before)
    return types.TextDocumentContentChangePartial(range=types.Range(start, end), text=new)


@dataclass
class Measured:
    probes: list[float] = field(default_factory=list)  # round trips, ms
    slow: list[tuple[float, float, str]] = field(default_factory=list)  # (at s, ms, recent edit)
    edits: int = 0
    evaluations: list[float] = field(default_factory=list)  # rasp/evaluate round trips, ms
    evaluation_errors: int = 0
    publications: int = 0
    seconds: float = 0.0
    recent: list[tuple[float, str]] = field(default_factory=list)  # (sent at, document)
    client_lag: list[float] = field(default_factory=list)  # the client's own loop, ms


async def run(seconds: float, seed: int) -> tuple[Measured, list[Document]]:
    rng = random.Random(seed)
    docs = documents(seed)
    measured = Measured()
    client = LanguageClient("rasp-load-benchmark", "1")
    opened: dict[str, asyncio.Event] = {doc.uri: asyncio.Event() for doc in docs}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        measured.publications += 1
        if params.uri in opened:
            opened[params.uri].set()

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def on_refresh(params: object) -> None:
        return None

    await client.start_io(sys.executable, "-m", "rasp.lsp")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    probe_uri = "file:///load/probe.rasp"
    for doc in [Document(probe_uri, "probe", PROBE_TEXT), *docs]:
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=doc.uri, language_id="rasp", version=1, text=doc.text)
        ))
    await asyncio.wait_for(asyncio.gather(*(e.wait() for e in opened.values())), 120)
    await asyncio.sleep(2.0)  # let the first evaluations of every document finish

    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + seconds

    async def editor(doc: Document) -> None:
        while loop.time() < deadline:
            await asyncio.sleep(rng.uniform(0.2, 0.5))  # a few edits a second
            change = next_edit(doc, rng)
            doc.version += 1
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri,
                                                                    version=doc.version),
                content_changes=[change],
            ))
            measured.edits += 1
            measured.recent.append((loop.time(), f"{doc.name} (line {change.range.start.line})"))

    async def evaluator() -> None:
        while loop.time() < deadline:
            await asyncio.sleep(0.5)
            doc = rng.choice([d for d in docs if d.names])
            sent = time.perf_counter()
            try:
                await asyncio.wait_for(client.protocol.send_request_async("rasp/evaluate", {
                    "textDocument": {"uri": doc.uri}, "name": rng.choice(doc.names),
                    "inputs": ["hello", "abcabc"],
                }), 30)
                measured.evaluations.append((time.perf_counter() - sent) * 1000)
            except Exception:  # noqa: BLE001 - counted; the probe is what is measured
                measured.evaluation_errors += 1

    async def probe() -> None:
        position = types.Position(0, 0)
        tick = loop.time()
        while loop.time() < deadline:
            sent = time.perf_counter()
            await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=probe_uri), position=position
            )), 30)
            elapsed = (time.perf_counter() - sent) * 1000
            measured.probes.append(elapsed)
            if elapsed > TARGET_MS:
                now = loop.time()
                window = [name for at, name in measured.recent if now - at < 1.0]
                measured.slow.append((now - started, elapsed, window[-1] if window else "-"))
            del measured.recent[:-200]
            tick += PROBE_EVERY
            await asyncio.sleep(max(0.0, tick - loop.time()))
            tick = max(tick, loop.time() - PROBE_EVERY)

    async def client_lag() -> None:
        """How late the client's own loop wakes up: the part of a round trip that is ours."""
        while loop.time() < deadline:
            before = loop.time()
            await asyncio.sleep(0.01)
            measured.client_lag.append(max(0.0, (loop.time() - before - 0.01) * 1000))

    await asyncio.gather(probe(), evaluator(), client_lag(), *(editor(doc) for doc in docs))
    measured.seconds = loop.time() - started
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return measured, docs


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[max(0, min(len(ordered) - 1, int(round(fraction * len(ordered))) - 1))]


def code_state() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                                capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "server"], cwd=ROOT,
                               text=True, capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"commit {commit}, `server/` {'modified' if dirty else 'unmodified'}"


def report(measured: Measured, docs: list[Document], command: str, load: float) -> str:
    ordered = sorted(measured.probes)
    median, p95, p99 = (statistics.median(ordered), percentile(ordered, 0.95),
                        percentile(ordered, 0.99))
    worst = ordered[-1]
    over = len(measured.slow)
    verdict = "met" if worst < TARGET_MS else "**MISSED**"
    generated = [d.lines for d in docs if d.name.startswith("generated")]
    sizes = ", ".join(str(n) for n in sorted(set(generated)))
    examples = len(docs) - len(generated)
    lag = sorted(measured.client_lag) or [0.0]
    evaluations = sorted(measured.evaluations)
    slow_rows = sorted(measured.slow, key=lambda s: -s[1])[:5]
    return "\n".join([
        "## Load",
        "",
        "Generated by `benchmarks/load.py`; only this section is rewritten (rerun with",
        "`--write`).",
        "",
        f"- Command: `{command}`",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- Code (at start): {code_state()}",
        "- Machine:",
        *(f"  - {key}: {value}" for key, value in machine(load).items()),
        f"- Documents: {len(docs)} open and edited at once: the {examples} files of "
        f"`examples/` and {len(generated)} programs from `benchmarks/generate_valid.py` "
        f"(about {sizes} lines, in turn); {sum(d.lines for d in docs):,} lines in all.",
        f"- Load: {measured.edits:,} edits in {measured.seconds:.1f} s "
        f"({measured.edits / measured.seconds:.0f} a second, each document every 0.2-0.5 s: "
        "a one-digit literal changed or a space typed at a line's end, then undone); the "
        "server's own evaluation of each edited document (worker process, debounced); "
        f"`rasp/evaluate` every 0.5 s ({len(evaluations)} answered, median "
        f"{statistics.median(evaluations) if evaluations else 0:.0f} ms, "
        f"{measured.evaluation_errors} failed); {measured.publications:,} "
        "`publishDiagnostics` received.",
        f"- Probe: hover on line 1 of a one-line document every {PROBE_EVERY * 1000:.0f} ms "
        "(the next one right away when an answer takes longer), round trip measured by the "
        "client: an upper bound of how long the server's loop was blocked. The client's own "
        f"loop lagged {statistics.median(lag):.1f} ms (median), {percentile(lag, 0.99):.0f} ms "
        f"(99th percentile), {lag[-1]:.0f} ms (max) behind its timers: the share of a round "
        "trip that is the client's.",
        "",
        "| Measure | Value | Target | Verdict |",
        "|---|--:|---|---|",
        f"| probes | {len(ordered):,} | — | info |",
        f"| median round trip | {median:.1f} ms | — | info |",
        f"| 95th percentile | {p95:.1f} ms | — | info |",
        f"| 99th percentile | {p99:.1f} ms | — | info |",
        f"| max | **{worst:.1f} ms** | < {TARGET_MS:.0f} ms | {verdict} |",
        f"| probes over {TARGET_MS:.0f} ms | {over} ({over / len(ordered):.1%}) | 0 | "
        f"{'met' if over == 0 else '**MISSED**'} |",
        "",
        *(["Slowest probes (time into the run, round trip, the last edit sent before it):", "",
           *(f"- {at:.1f} s: {ms:.0f} ms after an edit of {name}" for at, ms, name in slow_rows),
           ""] if slow_rows else []),
        f"Verdict: {'target met' if worst < TARGET_MS else 'target missed'}: the longest "
        f"probe round trip was {worst:.0f} ms.",
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    measured, docs = asyncio.run(run(args.seconds, args.seed))
    command = "python benchmarks/load.py" + (
        f" --seconds {args.seconds:g}" if args.seconds != 30.0 else ""
    ) + (f" --seed {args.seed}" if args.seed != 7 else "") + (" --write" if args.write else "")
    section = report(measured, docs, command, load)
    print(section)
    if args.write:
        write_section("## Load", section)


if __name__ == "__main__":
    main()
