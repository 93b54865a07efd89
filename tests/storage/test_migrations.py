"""SQLite's migrations: numbered files, applied once, in one transaction each."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import AsyncExitStack, closing
from dataclasses import replace
from pathlib import Path

import aiosqlite
import pytest

from storage.migrate import (
    Migration,
    SchemaVersionError,
    _apply,
    load_migrations,
    migrate,
    user_version,
)
from storage.sqlite import SqliteJobStore
from tests.storage.factories import new_job


def _read(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as db:
        return list(db.execute(sql, params).fetchall())


def _names(path: Path, kind: str) -> set[str]:
    rows = _read(path, "SELECT name FROM sqlite_master WHERE type = ?", kind)
    return {str(row[0]) for row in rows}


def test_migrations_ship_in_order() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert migrations[0].name.startswith("0001_")


async def test_fresh_file_gets_the_whole_schema(db_path: Path) -> None:
    async with SqliteJobStore.open(db_path) as store:
        await store.ping()
    assert _read(db_path, "PRAGMA user_version") == [(len(load_migrations()),)]
    assert _read(db_path, "PRAGMA journal_mode") == [("wal",)]
    assert {"jobs", "chat_settings", "channel_bindings"} <= _names(db_path, "table")
    assert {
        "jobs_by_task_id",
        "jobs_by_callback_token",
        "jobs_by_delivery",
        "jobs_by_chat",
        "jobs_by_status_message",
        "jobs_by_user",
        "jobs_due",
        "jobs_in_line",
    } <= _names(db_path, "index")


async def test_reopening_applies_nothing(db_path: Path) -> None:
    async with SqliteJobStore.open(db_path) as store:
        await store.create(new_job())
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        assert await migrate(db) == 0
        assert await user_version(db) == len(load_migrations())
    async with SqliteJobStore.open(db_path) as store:
        assert len(await store.recent(100, 10)) == 1


async def test_newer_schema_than_the_code_is_refused(db_path: Path) -> None:
    async with SqliteJobStore.open(db_path):
        pass
    with closing(sqlite3.connect(db_path)) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(SchemaVersionError, match="version 99"):
        async with SqliteJobStore.open(db_path):
            pass


async def test_a_failing_migration_leaves_no_trace(db_path: Path) -> None:
    good = Migration(1, "0001_good.sql", "CREATE TABLE kept (a INTEGER);")
    bad = Migration(
        2, "0002_bad.sql", "CREATE TABLE half (a INTEGER);\nINSERT INTO nowhere VALUES (1);"
    )
    db_path.parent.mkdir()
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        with pytest.raises(sqlite3.OperationalError, match="nowhere"):
            await migrate(db, [good, bad])
        assert await user_version(db) == 1
        assert not db.in_transaction
    assert _names(db_path, "table") == {"kept"}


def test_gaps_in_migration_numbers_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "gappy_migrations"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "0001_first.sql").write_text("SELECT 1;")
    (package / "0003_third.sql").write_text("SELECT 1;")
    monkeypatch.syspath_prepend(tmp_path)
    with pytest.raises(SchemaVersionError, match="without gaps"):
        load_migrations("gappy_migrations")


async def test_two_processes_opening_a_fresh_file_both_succeed(db_path: Path) -> None:
    async with AsyncExitStack() as stack:
        first, second = await asyncio.gather(
            stack.enter_async_context(SqliteJobStore.open(db_path, exclusive=False)),
            stack.enter_async_context(SqliteJobStore.open(db_path, exclusive=False)),
        )
        job = await first.create(new_job())
        assert await second.get(job.id) == job
    assert _read(db_path, "PRAGMA user_version") == [(len(load_migrations()),)]


async def test_a_version_1_file_upgrades_and_keeps_its_jobs(db_path: Path) -> None:
    """A database written before the source_id column gains it, and its jobs read back."""
    first = load_migrations()[:1]
    db_path.parent.mkdir()
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        await migrate(db, first)
        await db.execute(
            "INSERT INTO jobs (kind, prompt, duration, quality, chat_id, callback_token, state,"
            " created_at, updated_at) VALUES ('text', 'old', 5, '720p', 1, 't', 'delivered',"
            " '2026-01-01T00:00:00.000000+00:00', '2026-01-01T00:00:00.000000+00:00')"
        )
    async with SqliteJobStore.open(db_path) as store:
        [job] = await store.recent(1, 10)
        assert (job.prompt, job.source_id) == ("old", None)
        made = await store.create(replace(new_job(chat_id=1), source_id="photo-file-id"))
        assert (await store.get(made.id)) == made
        assert made.source_id == "photo-file-id"
    assert _read(db_path, "PRAGMA user_version") == [(len(load_migrations()),)]


async def test_a_late_applier_never_sets_the_version_back(db_path: Path) -> None:
    """A process that read the version before another one migrated reaches an older migration
    after the newer ones are in. 0004 rebuilds a table and would succeed a second time, setting
    the version back below 0005 (whose table then "already exists" for ever)."""
    async with SqliteJobStore.open(db_path):
        pass
    rebuild_prompts = load_migrations()[3]
    assert rebuild_prompts.name == "0004_tool_prompts.sql"
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        await _apply(db, rebuild_prompts)  # what the late process's loop does
        assert await user_version(db) == len(load_migrations())
    async with SqliteJobStore.open(db_path) as store:
        await store.ping()
