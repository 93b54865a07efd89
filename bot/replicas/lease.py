"""The poller lease: in long-polling mode exactly one replica calls getUpdates at a time.

The lease is a PostgreSQL session advisory lock held on a connection of its own. The server
releases it the moment that connection ends, so a replica killed with -9 gives it up at once
(its kernel closes the socket) and no row has to expire or be cleaned up.

Two rules keep two replicas from ever polling at once (Telegram answers 409):

- the holder checks its connection every `check` seconds (and hears at once when it closes);
  when the connection is gone or does not answer, the holder stops polling before anything
  else, then drops the connection, so the lock is surely free only after it stopped;
- a replica that takes the lock waits `settle` seconds before its first getUpdates: long enough
  for the last holder to notice it lost the lock and for its last long poll to end.

A dead holder's lease therefore passes on within `retry + settle` seconds (9 s by default, under
the 15 s the contract allows).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass

import asyncpg

logger = logging.getLogger(__name__)

LEASE_KEY = 0x6B0_7011  # pg_advisory_lock key of the poller lease (any bigint no one else uses)
LONG_POLL_SECONDS = 5  # getUpdates timeout while replicas share the lease: bounds `settle`

Step = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class LeaseTiming:
    retry: float = 1.0  # how often a replica without the lease tries to take it
    check: float = 1.0  # how often the holder makes sure its connection still answers
    check_timeout: float = 1.0  # a check that takes longer counts as a lost connection
    # the last holder's detection (check + check_timeout) and its last long poll, plus slack
    settle: float = 1.0 + 1.0 + LONG_POLL_SECONDS + 1.0


class PollerLease:
    """Runs `start` while this replica holds the lease and `stop` as soon as it may not."""

    def __init__(
        self, dsn: str, start: Step, stop: Step, timing: LeaseTiming | None = None
    ) -> None:
        self._dsn = dsn
        self._start = start
        self._stop = stop
        self.timing = timing or LeaseTiming()
        self.held = False  # polling now, under the lease

    async def run(self) -> None:
        """Take the lease whenever it is free, poll while holding it; until cancelled."""
        while True:
            try:
                connection = await asyncpg.connect(self._dsn)
            except (OSError, asyncpg.PostgresError) as exc:
                logger.warning("poller lease: cannot reach the database (%s)", exc)
                await asyncio.sleep(self.timing.retry)
                continue
            try:
                await self._take_and_hold(connection)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                logger.warning("poller lease: connection lost (%s)", exc)
            except Exception:
                logger.exception("poller lease: polling could not start; trying again")
                await asyncio.sleep(self.timing.retry)
            finally:
                connection.terminate()  # the server drops the lock with the connection

    async def _take_and_hold(self, connection: asyncpg.Connection) -> None:
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _: lost.set())
        await self._take(connection)
        logger.info("poller lease taken; polling in %.0f s", self.timing.settle)
        if not await self._still_held(connection, lost, self.timing.settle):
            return
        await self._start()
        self.held = True
        try:
            while await self._still_held(connection, lost, self.timing.check):
                pass
        finally:
            self.held = False
            await self._stop()
            logger.info("poller lease given up; polling stopped")

    async def _take(self, connection: asyncpg.Connection) -> None:
        """Try for the lock every `retry` seconds until it is ours."""
        while True:
            if await connection.fetchval("SELECT pg_try_advisory_lock($1)", LEASE_KEY):
                return
            await asyncio.sleep(self.timing.retry)

    async def _still_held(
        self, connection: asyncpg.Connection, lost: asyncio.Event, wait: float
    ) -> bool:
        """Wait `wait` seconds, then make sure the connection (and so the lock) is still ours."""
        with suppress(TimeoutError):
            await asyncio.wait_for(lost.wait(), wait)
        if lost.is_set():
            return False
        try:
            await connection.fetchval("SELECT 1", timeout=self.timing.check_timeout)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
        return True
