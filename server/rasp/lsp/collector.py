"""When Python's cyclic garbage collector may run in the language server.

A full collection walks every live object while holding the interpreter lock. With twenty
documents open that is a few hundred thousand objects (syntax trees, graphs, analysis
memos) and 50-150 ms during which nothing answers: measured under load, these pauses were
the longest stalls of the event loop. Nearly all of the server's garbage is freed by
reference counting; what needs the collector is a few hundred objects a second.

So the long-lived objects are frozen (`gc.freeze`: moved where collections do not look)
after background work, and collections only look at what is younger. What the frozen part
holds of garbage cycles is reclaimed once the server is idle (nothing received for
`idle_s`): unfreeze, collect everything, freeze again. Memory stays bounded by what the open
documents hold plus the cycles made since the last idle moment.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable

FREEZE_EVERY_S = 1.0
IDLE_S = 2.0


class Collector:
    def __init__(self, idle_s: float = IDLE_S) -> None:
        self.idle_s = idle_s
        self.last_freeze = 0.0
        self.full_collections = 0
        self._idle: asyncio.TimerHandle | None = None
        # whether background work is running (set by the server)
        self.busy: Callable[[], bool] = lambda: False

    def settle(self) -> None:
        """After background work finished (on the loop): freeze what survived it."""
        now = time.monotonic()
        if now - self.last_freeze >= FREEZE_EVERY_S:
            gc.freeze()
            self.last_freeze = now

    def activity(self) -> None:
        """A message arrived: postpone the idle-time full collection."""
        if self._idle is not None:
            self._idle.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._idle = loop.call_later(self.idle_s, self._collect_when_idle)

    def _collect_when_idle(self) -> None:
        self._idle = None
        if self.busy():
            self.activity()  # try again after the work
            return
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.last_freeze = time.monotonic()
        self.full_collections += 1
