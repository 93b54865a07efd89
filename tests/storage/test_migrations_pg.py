"""PostgreSQL's migrations: applied once, in one transaction, under a lock that lets replicas
start together; the schema they give is SQLite's."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import AsyncExitStack, closing
from pathlib import Path

import asyncpg
import pytest

from storage.migrate import Migration, SchemaVersionError, load_migrations
from storage.migrate_pg import PACKAGE, migrate, schema_version
from storage.postgres import PostgresJobStore
from storage.sqlite import SqliteJobStore
from tests.storage.factories import new_job

TABLES = ("jobs", "chat_settings", "channel_bindings", "prompts", "heartbeat", "ledger")


async def _columns(url: str) -> dict[str, list[str]]:
    db = await asyncpg.connect(url)
    try:
        rows = await db.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        )
    finally:
        await db.close()
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["table_name"], []).append(row["column_name"])
    return found


def _sqlite_columns(path: Path) -> dict[str, list[str]]:
    with closing(sqlite3.connect(path)) as db:
        return {
            table: [row[1] for row in db.execute(f"PRAGMA table_info({table})")] for table in TABLES
        }


def test_migrations_ship_in_order() -> None:
    migrations = load_migrations(PACKAGE)
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert migrations[0].name.startswith("0001_")


async def test_a_fresh_database_gets_sqlite_s_schema(postgres_fresh: str, db_path: Path) -> None:
    async with PostgresJobStore.open(postgres_fresh) as store:
        await store.ping()
    async with SqliteJobStore.open(db_path):
        pass
    columns = await _columns(postgres_fresh)
    assert set(columns) == {*TABLES, "schema_migrations"}
    expected = _sqlite_columns(db_path)
    for table in TABLES:
        assert sorted(columns[table]) == sorted(expected[table]), table


async def test_migrations_are_applied_once(postgres_fresh: str) -> None:
    db = await asyncpg.connect(postgres_fresh)
    try:
        assert await schema_version(db) == 0
        assert await migrate(db) == len(load_migrations(PACKAGE))
        assert await migrate(db) == 0
        assert await schema_version(db) == len(load_migrations(PACKAGE))
        applied = await db.fetch("SELECT version, name FROM schema_migrations ORDER BY version")
        assert [(row["version"], row["name"]) for row in applied] == [
            (m.version, m.name) for m in load_migrations(PACKAGE)
        ]
    finally:
        await db.close()


async def test_reopening_keeps_the_jobs(postgres_fresh: str) -> None:
    async with PostgresJobStore.open(postgres_fresh) as store:
        job = await store.create(new_job())
    async with PostgresJobStore.open(postgres_fresh) as store:
        assert await store.get(job.id) == job


async def test_replicas_starting_together_migrate_once(postgres_fresh: str) -> None:
    async with AsyncExitStack() as stack:
        stores = await asyncio.gather(
            *(
                stack.enter_async_context(PostgresJobStore.open(postgres_fresh, pool_size=2))
                for _ in range(6)
            )
        )
        job = await stores[0].create(new_job())
        assert [await store.get(job.id) for store in stores] == [job] * 6
    db = await asyncpg.connect(postgres_fresh)
    try:
        count = await db.fetchval("SELECT COUNT(*) FROM schema_migrations")
        assert count == len(load_migrations(PACKAGE))
    finally:
        await db.close()


async def test_concurrent_appliers_of_slow_migrations_apply_each_once(postgres_fresh: str) -> None:
    """A migration that takes a while (pg_sleep) and is not idempotent (a bare CREATE TABLE):
    the second applier waits on the lock, then finds it applied."""
    slow = [
        Migration(1, "0001_slow.sql", "SELECT pg_sleep(0.3); CREATE TABLE once (a INTEGER);"),
        Migration(2, "0002_more.sql", "INSERT INTO once VALUES (1);"),
    ]
    connections = [await asyncpg.connect(postgres_fresh) for _ in range(3)]
    try:
        applied = await asyncio.gather(*(migrate(db, slow) for db in connections))
        assert sorted(applied) == [0, 0, 2]
        assert await connections[0].fetchval("SELECT COUNT(*) FROM once") == 1
    finally:
        for db in connections:
            await db.close()


async def test_a_failing_migration_leaves_no_trace(postgres_fresh: str) -> None:
    good = Migration(1, "0001_good.sql", "CREATE TABLE kept (a INTEGER);")
    bad = Migration(
        2, "0002_bad.sql", "CREATE TABLE half (a INTEGER); INSERT INTO nowhere VALUES (1);"
    )
    db = await asyncpg.connect(postgres_fresh)
    try:
        with pytest.raises(asyncpg.UndefinedTableError, match="nowhere"):
            await migrate(db, [good, bad])
        # all or nothing: the good one went with it, and may be applied again
        assert await schema_version(db) == 0
        assert await db.fetchval("SELECT to_regclass('kept')") is None
        assert await migrate(db, [good]) == 1
        assert await db.fetchval("SELECT to_regclass('half')") is None
    finally:
        await db.close()


async def test_a_newer_schema_than_the_code_is_refused(postgres_fresh: str) -> None:
    async with PostgresJobStore.open(postgres_fresh):
        pass
    db = await asyncpg.connect(postgres_fresh)
    try:
        await db.execute("INSERT INTO schema_migrations (version, name) VALUES (99, '0099_x.sql')")
    finally:
        await db.close()
    with pytest.raises(SchemaVersionError, match="version 99"):
        async with PostgresJobStore.open(postgres_fresh):
            pass
