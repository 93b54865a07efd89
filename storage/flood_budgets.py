"""Telegram's flood budgets for the bot as a whole, kept in PostgreSQL.

Every replica sends, and every send takes its grant here first: one short transaction that
locks the bot's grant log (so grants of all replicas line up one after another) and the
chat's, checks them against the same sliding windows as `MemoryBudgets` (`GrantLog`, the
arithmetic both use), and appends the grant to each only when both allow it.

Why shared budgets rather than one sender at a time with failover: any replica may receive the
callback that finishes a job, and delivering from the replica that has the job in hand keeps
the window between sending a video and recording it delivered as short as it is on one process.
One sender would hand every delivery over through the database first, and its failover would
add a second lease whose expiry every delivery waits out after a crash. A grant costs about a
millisecond, against Telegram's 30 messages per second.

The clock is the database's (`clock_timestamp()`), the one clock all replicas agree on; the
scheduler's clock only turns a hold's deadline into a duration and a restamp into a shift.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.outbound.budgets import BudgetLimits, ChatKey, GrantLog, Limit, Window

logger = logging.getLogger(__name__)

OVERALL = "*"  # the key of the bot's own log
UNREACHABLE_WAIT = 1.0  # seconds no grant is made while the database does not answer
PRUNE_EVERY = 1000  # takes between two sweeps of idle chats' rows
IDLE_SECONDS = 600.0  # a log untouched this long holds nothing any window counts: its row can go
MATCH = 0.05  # a restamped grant is found within this many seconds of where it was counted

# Replicas add skew between a grant and its arrival (each has its own connections and its own
# event loop), so the shared windows keep a margin below Telegram's: at most 25 messages in any
# second (30), 18 in any minute per group (20), and a wider skew.
REPLICA_LIMITS = BudgetLimits(
    group=(Window(18, 60.0),),
    overall=(Window(25, 1.0),),
    skew=0.2,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS flood_grants (
    key TEXT PRIMARY KEY,
    stamps DOUBLE PRECISION[] NOT NULL DEFAULT '{}',
    held_until DOUBLE PRECISION NOT NULL DEFAULT 0
)
"""
NOW = "SELECT extract(epoch FROM clock_timestamp())::float8"
ENSURE = """
INSERT INTO flood_grants (key) SELECT unnest($1::text[]) ON CONFLICT (key) DO NOTHING
"""
# The logs of the keys, locked, each with the database's clock beside it: the clock costs no trip.
LOCK_AT = """
SELECT key, stamps, held_until, extract(epoch FROM clock_timestamp())::float8 AS at
FROM flood_grants WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE
"""
SAVE = "UPDATE flood_grants SET stamps = $2::float8[] WHERE key = $1"
HOLD = """
INSERT INTO flood_grants (key, held_until) VALUES ($1, $2::float8 + $3::float8)
ON CONFLICT (key) DO UPDATE
SET held_until = greatest(flood_grants.held_until, excluded.held_until)
"""
PRUNE = """
DELETE FROM flood_grants
WHERE key <> $1 AND held_until < $2
  AND coalesce(stamps[array_upper(stamps, 1)], 0) < $2 - $3
"""


def budget_key(chat: ChatKey | None) -> str:
    return OVERALL if chat is None else str(chat)


@dataclass
class PgBudgets:
    """Implements bot.outbound.budgets.Budgets on a pool every replica's is on the same
    database; `clock` is the scheduler's."""

    pool: asyncpg.Pool
    limits: BudgetLimits = REPLICA_LIMITS
    clock: Callable[[], float] = time.monotonic
    _takes: int = field(default=0, init=False)

    @classmethod
    async def create(cls, pool: asyncpg.Pool, limits: BudgetLimits | None = None) -> PgBudgets:
        async with pool.acquire() as connection, connection.transaction():
            # Two replicas starting together must not both create the table.
            await connection.execute("SELECT pg_advisory_xact_lock(hashtext('flood_grants'))")
            await connection.execute(SCHEMA)
        return cls(pool, limits or REPLICA_LIMITS)

    async def take(self, chat: ChatKey | None, now: float, spare: int = 0) -> float:
        try:
            return await self._take(chat, spare)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            logger.warning("flood budgets: the database did not answer (%s)", exc)
            return UNREACHABLE_WAIT

    async def hold(self, chat: ChatKey | None, until: float) -> None:
        seconds = max(0.0, until - self.clock())
        async with self.pool.acquire() as connection:
            at = await connection.fetchval(NOW)
            await connection.execute(HOLD, budget_key(chat), at, seconds)

    async def restamp(self, chat: ChatKey | None, counted: float, at: float) -> None:
        """Move the grant counted at `counted` (the scheduler's clock) to `at`: on the
        database's clock, the grant nearest to where `counted` falls there moves later by
        `at - counted`. When none is near enough one more is counted: never fewer."""
        shift = at - counted
        if shift <= 0:
            return
        keys = [OVERALL] if chat is None else [OVERALL, budget_key(chat)]
        try:
            async with self.pool.acquire() as connection, connection.transaction():
                for row in await connection.fetch(LOCK_AT, keys):
                    where = row["at"] - (self.clock() - counted)
                    stamps = list(row["stamps"])
                    near = min(stamps, key=lambda s: abs(s - where), default=None)
                    if near is not None and abs(near - where) <= MATCH:
                        stamps.remove(near)
                        moved = near + shift
                    else:
                        moved = where + shift
                    log = GrantLog(deque(sorted(stamps)))
                    log.take(moved)
                    await connection.execute(SAVE, row["key"], list(log.stamps))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            logger.warning("flood budgets: a grant could not be recounted (%s)", exc)

    async def _take(self, chat: ChatKey | None, spare: int) -> float:
        """Four trips to the database: BEGIN, the locked logs with the clock, one write of
        both logs (pipelined), COMMIT; a chat's first grant adds one to make its row."""
        keys = [OVERALL] if chat is None else [OVERALL, budget_key(chat)]
        limits: list[Limit] = [self.limits.overall]
        if chat is not None:
            limits.append(self.limits.for_chat(chat))
        need, skew = 1 + spare, self.limits.skew
        async with self.pool.acquire() as connection, connection.transaction():
            found = await connection.fetch(LOCK_AT, keys)
            if len(found) < len(keys):
                await connection.execute(ENSURE, keys)
                found = await connection.fetch(LOCK_AT, keys)
            rows = {row["key"]: row for row in found}
            now = max(row["at"] for row in found)
            logs = [GrantLog(deque(sorted(rows[key]["stamps"]))) for key in keys]
            held = max(rows[key]["held_until"] for key in keys) - now
            waits = [
                log.wait(limit, need, now, skew) for log, limit in zip(logs, limits, strict=True)
            ]
            wait = max(held, logs[0].since_last(now, self.limits.spacing), *waits)
            if wait > 0:
                return float(wait)
            for log, limit in zip(logs, limits, strict=True):
                log.take(now)
                log.forget(now - self.limits.span(limit))
            saved = [(key, list(log.stamps)) for key, log in zip(keys, logs, strict=True)]
            await connection.executemany(SAVE, saved)
            await self._prune(connection, now)
        return 0.0

    async def _prune(self, connection: PoolConnectionProxy[asyncpg.Record], now: float) -> None:
        self._takes += 1
        if self._takes % PRUNE_EVERY == 0:
            await connection.execute(PRUNE, OVERALL, now, IDLE_SECONDS)
