"""Schema migrations: numbered .sql files applied in order, tracked by PRAGMA user_version."""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib.resources import files

import aiosqlite

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_\w+\.sql$")


class SchemaVersionError(RuntimeError):
    """The database file and the code disagree about the schema; an operator must look."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(package: str = "storage.migrations") -> list[Migration]:
    """Every `NNNN_name.sql` in the package, in order; the numbers must run 1, 2, 3 ..."""
    found = [
        Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8"))
        for entry in files(package).iterdir()
        if (match := _NAME.match(entry.name))
    ]
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    if versions != list(range(1, len(found) + 1)):
        raise SchemaVersionError(f"migration numbers must run 1..N without gaps, got {versions}")
    return found


async def user_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(db: aiosqlite.Connection, migrations: list[Migration] | None = None) -> int:
    """Bring the schema up to date; return the number of migrations applied."""
    known = load_migrations() if migrations is None else migrations
    current = await user_version(db)
    if current > len(known):
        raise SchemaVersionError(
            f"database schema is version {current}, this code knows up to {len(known)}"
        )
    pending = [migration for migration in known if migration.version > current]
    for migration in pending:
        await _apply(db, migration)
    return len(pending)


def _statements(sql: str) -> list[str]:
    """A migration's statements one by one (sqlite3 says where each ends), comments kept."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer)
            buffer = ""
    if any(line.strip() and not line.lstrip().startswith("--") for line in buffer.splitlines()):
        statements.append(buffer)  # a last statement without its semicolon
    return statements


async def _apply(db: aiosqlite.Connection, migration: Migration) -> None:
    """One migration and its version bump in one transaction, or nothing at all. The version is
    read again under the write lock: a process that started looking before another migrated
    must not apply an older migration again (one that happens to succeed a second time would
    set the version back)."""
    await db.execute("BEGIN IMMEDIATE")
    try:
        if await user_version(db) >= migration.version:
            await db.rollback()
            return  # another process applied it between our look and our lock
        for statement in _statements(migration.sql):
            await db.execute(statement)
        await db.execute(f"PRAGMA user_version = {migration.version}")
        await db.commit()
    except BaseException:
        if db.in_transaction:
            await db.rollback()
        raise
    logger.info("applied migration %s", migration.name)
