"""What a replica on PostgreSQL adds to the bot: shared flood budgets and the poller lease."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.replicas.lease import LONG_POLL_SECONDS, PollerLease
from storage.flood_budgets import PgBudgets
from storage.postgres import connection_pool

POOL_SIZE = 2  # budget grants are short transactions, one at a time per replica


@dataclass(frozen=True, slots=True)
class Replica:
    pool: asyncpg.Pool
    budgets: PgBudgets


@asynccontextmanager
async def open_replica(settings: Settings) -> AsyncIterator[Replica | None]:
    """The replica's own small pool and the budgets on it; None on SQLite (one process)."""
    if not settings.database_url:
        yield None
        return
    async with connection_pool(settings.database_url, POOL_SIZE) as pool:
        yield Replica(pool, await PgBudgets.create(pool))


def poller_lease(
    settings: Settings, application: Application[Any, Any, Any, Any, Any, Any]
) -> PollerLease:
    """A lease that runs the application's updater (long polling) only while it is held."""
    updater = application.updater
    if updater is None:
        raise RuntimeError("long polling needs the application's updater")

    async def start() -> None:
        await application.bot.delete_webhook()
        await updater.start_polling(
            allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=LONG_POLL_SECONDS
        )

    async def stop() -> None:
        if updater.running:
            await updater.stop()

    return PollerLease(settings.database_url, start, stop)
