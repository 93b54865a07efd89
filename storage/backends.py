"""Which store the bot runs on: PostgreSQL when DATABASE_URL is set, else the SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Settings
from bot.domain.ports import JobStore, Ledger
from storage.ledger import SqliteLedger
from storage.ledger_pg import PostgresLedger
from storage.postgres import PostgresJobStore
from storage.sqlite import SqliteJobStore


@asynccontextmanager
async def open_store(settings: Settings) -> AsyncIterator[JobStore]:
    """Open, migrate and (on exit) close the configured store. SQLite also holds the file's
    single-process lock; PostgreSQL takes any number of processes."""
    if settings.database_url:
        async with PostgresJobStore.open(
            settings.database_url, pool_size=settings.database_pool_size
        ) as postgres:
            yield postgres
    else:
        async with SqliteJobStore.open(settings.database_path) as sqlite:
            yield sqlite


def ledger_of(store: JobStore) -> Ledger:
    """The Stars ledger in the same database as the store (and on its connections)."""
    if isinstance(store, PostgresJobStore):
        return PostgresLedger(store.pool)
    if isinstance(store, SqliteJobStore):
        return SqliteLedger(store.connection)
    raise TypeError(f"no ledger for a {type(store).__name__}")
