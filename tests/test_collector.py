"""The language server's garbage-collection policy (rasp.lsp.collector): long-lived objects
are frozen after background work, and everything is collected once the server is idle."""

from __future__ import annotations

import asyncio
import gc
import weakref

from rasp.lsp.collector import Collector


class Cycle:
    """Garbage that only the cyclic collector can free."""

    def __init__(self) -> None:
        self.me = self


async def test_frozen_cycles_survive_collections_until_the_server_is_idle() -> None:
    collector = Collector(idle_s=0.05)
    gc.disable()  # only the collector and this test collect here
    try:
        refs = [weakref.ref(Cycle()) for _ in range(50)]
        collector.last_freeze = 0.0
        collector.settle()  # after background work: freeze what is alive
        assert gc.get_freeze_count() > 0
        gc.collect()  # an ordinary collection does not look at frozen objects
        assert all(ref() is not None for ref in refs)
        collector.activity()
        await asyncio.sleep(0.2)
        assert collector.full_collections == 1
        assert all(ref() is None for ref in refs)
    finally:
        gc.unfreeze()
        gc.enable()


async def test_no_full_collection_while_busy_or_active() -> None:
    collector = Collector(idle_s=0.05)
    busy = True
    collector.busy = lambda: busy
    try:
        collector.activity()
        await asyncio.sleep(0.15)
        assert collector.full_collections == 0  # background work was running
        busy = False
        for _ in range(4):  # messages keep arriving: the collection waits for a pause
            collector.activity()
            await asyncio.sleep(0.02)
        assert collector.full_collections == 0
        await asyncio.sleep(0.2)
        assert collector.full_collections == 1
    finally:
        gc.unfreeze()
