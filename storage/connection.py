"""Opening the SQLite file: connection settings, WAL, and the schema brought up to date."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.migrate import migrate

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
)


async def _pragma(db: aiosqlite.Connection, pragma: str) -> Any:
    async with db.execute(pragma) as cursor:
        row = await cursor.fetchone()
    return None if row is None else row[0]


async def _enable_wal(db: aiosqlite.Connection) -> None:
    """Switch the file to WAL (a lasting setting). SQLite answers a switch that races another
    connection with BUSY at once, without waiting on busy_timeout, so we wait here."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = await _pragma(db, "PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or loop.time() > deadline:
                raise
            await asyncio.sleep(0.02)
    if mode != "wal":
        logger.warning("SQLite kept journal mode %s; readers will wait on writers", mode)


def casefold(value: str | None) -> str | None:
    """SQL `casefold(text)`: Python's full Unicode case folding, for searches by words."""
    return value.casefold() if value is not None else None


async def _configure(db: aiosqlite.Connection) -> None:
    db.row_factory = sqlite3.Row
    await db.create_function("casefold", 1, casefold, deterministic=True)
    for pragma in PRAGMAS:
        await _pragma(db, pragma)
    await _enable_wal(db)


@asynccontextmanager
async def open_database(path: Path) -> AsyncIterator[aiosqlite.Connection]:
    """One autocommit connection (explicit transactions only), migrated, closed on exit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(path, isolation_level=None) as db:
        await _configure(db)
        await migrate(db)
        logger.info("database open at %s", path)
        yield db


class DatabaseInUseError(RuntimeError):
    """Another process has this SQLite file open as a bot."""


@contextmanager
def single_instance(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `<file>.lock` for as long as the block runs. SQLite itself
    would let two bots share the file, and then both would deliver the same jobs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseInUseError(
                f"{path} is in use by another bot process; run one process per SQLite file, "
                "or use PostgreSQL (DATABASE_URL) for several"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
