"""The evaluation worker's client (rasp.lsp.evaluation) and the server's exit: a job cancelled
at any moment, even while the worker process starts, leaves the worker usable; and the server
exits even when a task refuses to finish (Python 3.11 waits forever for a process spawn
cancelled together with its pipe connections, as happens when the server exits)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from rasp.lsp.evaluation import EvaluationWorker
from rasp.lsp.server import stop_loop

JOB = {"uri": "file:///w.rasp", "text": "a = tokens;\n", "path": None, "inputs": [],
       "max_length": 16, "exprs": []}
HANG_GUARD_S = 60.0  # only against a hang; a job takes well under a second


@pytest.mark.parametrize("steps", [0, 1, 2, 3, 5, 8])
async def test_a_job_cancelled_while_the_worker_starts_leaves_it_usable(steps: int) -> None:
    worker = EvaluationWorker()
    try:
        first = asyncio.ensure_future(worker.run(JOB, 30))
        for _ in range(steps):  # cancel after `steps` turns of the loop: inside the spawn
            await asyncio.sleep(0)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(first, HANG_GUARD_S)
        answer = await asyncio.wait_for(worker.run(JOB, 30), HANG_GUARD_S)
        assert "statements" in answer, answer
    finally:
        await asyncio.wait_for(worker.close(), HANG_GUARD_S)


async def test_a_closed_worker_answers_without_starting() -> None:
    worker = EvaluationWorker()
    await worker.close()
    assert await worker.run(JOB, 30) == {"crash": "the evaluation worker stopped"}


def test_the_server_stops_its_loop_even_when_a_task_never_finishes() -> None:
    loop = asyncio.new_event_loop()

    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue  # like the spawn Python 3.11 cannot cancel

    loop.run_until_complete(asyncio.sleep(0, loop.create_task(stubborn())))
    stopper = threading.Thread(target=stop_loop, args=(loop,), daemon=True)
    stopper.start()
    stopper.join(HANG_GUARD_S)
    assert not stopper.is_alive(), "the loop was not stopped"
    assert loop.is_closed()
