"""The server's side of the evaluation worker (`rasp.lsp.worker`): one long-lived subprocess,
one job at a time, a time limit per job. A job that runs out of time, or whose result is no
longer wanted, is stopped by killing the process; the next job starts a fresh one."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from typing import Any

_LIMIT = 64 * 1024 * 1024  # longest answer line accepted from the worker


class EvaluationTimeout(Exception):
    pass


class EvaluationWorker:
    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self._spawning: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._next_id = 0
        self.jobs_killed = 0
        self.closed = False  # after `close`: no new worker process

    async def start(self) -> None:
        """Make sure the worker process runs. A cancelled job does not cancel the spawn under
        way (the next job uses the process): in Python 3.11 a spawn cancelled together with
        its pipe connections never finishes (the server's exit gives up on it, see
        `rasp.lsp.server.stop_loop`)."""
        if self._process is not None and self._process.returncode is None:
            return
        if self.closed:
            raise ConnectionError("the server is shutting down")
        if self._spawning is None:
            self._spawning = asyncio.ensure_future(self._spawn())
        await asyncio.shield(self._spawning)

    async def _spawn(self) -> None:
        try:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "rasp.lsp.worker",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
                limit=_LIMIT,
            )
        finally:
            self._spawning = None

    async def close(self) -> None:
        """Stop the worker for good (server shutdown), after any spawn under way."""
        self.closed = True
        spawning = self._spawning
        if spawning is not None:
            await asyncio.wait({spawning})
        await self.kill()

    async def run(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one job and wait for its answer; raises EvaluationTimeout after `timeout` s."""
        async with self._lock:
            try:
                await self.start()
            except ConnectionError:
                return {"crash": "the evaluation worker stopped"}
            process = self._process
            assert process is not None and process.stdin is not None
            assert process.stdout is not None
            self._next_id += 1
            request = {**request, "id": self._next_id}
            try:
                process.stdin.write((json.dumps(request) + "\n").encode())
                await process.stdin.drain()
                line = await asyncio.wait_for(process.stdout.readline(), timeout)
            except TimeoutError:
                await self.kill()
                raise EvaluationTimeout() from None
            except asyncio.CancelledError:
                await self.kill()
                raise
            except (ConnectionError, ValueError):
                await self.kill()
                return {"crash": "the evaluation worker stopped"}
            if not line:
                await self.kill()
                return {"crash": "the evaluation worker stopped"}
            answer: dict[str, Any] = json.loads(line)
            return answer

    async def kill(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            self.jobs_killed += 1
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            with contextlib.suppress(Exception):
                await process.wait()
