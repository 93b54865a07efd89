"""The poller lease between replicas (in one process here; tests/replicas/test_processes.py
kills real ones): one holder at a time, a lost connection stops polling, another takes over."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from bot.replicas.lease import LEASE_KEY, LeaseTiming, PollerLease

FAST = LeaseTiming(retry=0.1, check=0.1, check_timeout=0.5, settle=0.3)


class Pollers:
    """Records who polls when: at no moment may two poll."""

    def __init__(self) -> None:
        self.polling: set[str] = set()
        self.most = 0
        self.started: list[tuple[str, float]] = []

    def lease(self, url: str, name: str) -> PollerLease:
        async def start() -> None:
            self.polling.add(name)
            self.most = max(self.most, len(self.polling))
            self.started.append((name, time.monotonic()))

        async def stop() -> None:
            self.polling.discard(name)

        return PollerLease(url, start, stop, FAST)


@asynccontextmanager
async def running(lease: PollerLease) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(lease.run())
    try:
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def until(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not callable(condition) or not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def end_holder_session(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        pid = await connection.fetchval(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted",
            LEASE_KEY & 0xFFFFFFFF,
        )
        assert isinstance(pid, int)
        await connection.execute("SELECT pg_terminate_backend($1)", pid)
        return pid
    finally:
        await connection.close()


async def test_one_replica_polls_and_polling_resumes_only_after_the_holder_stopped(
    database_url: str,
) -> None:
    pollers = Pollers()
    first, second = pollers.lease(database_url, "a"), pollers.lease(database_url, "b")
    async with running(first), running(second):
        await until(lambda: len(pollers.polling) == 1)
        await asyncio.sleep(0.5)  # the other keeps trying, and keeps failing
        assert len(pollers.started) == 1
        assert first.held != second.held
        lost_at = time.monotonic()
        await end_holder_session(database_url)  # the server ends the holder's session
        await until(lambda: len(pollers.started) == 2)  # either may win the lease again
        took = pollers.started[-1][1] - lost_at
    assert pollers.most == 1  # never two at once: the holder stopped before anyone started
    assert FAST.settle <= took < FAST.settle + 2.0


async def test_a_stopped_holder_stops_polling_before_it_lets_go(database_url: str) -> None:
    pollers = Pollers()
    first, second = pollers.lease(database_url, "a"), pollers.lease(database_url, "b")
    async with running(first) as task:
        await until(lambda: first.held)
        async with running(second):
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            assert pollers.polling == set()
            await until(lambda: second.held)
    assert pollers.most == 1
