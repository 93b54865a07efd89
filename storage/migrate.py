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


async def _apply(db: aiosqlite.Connection, migration: Migration) -> None:
    """One migration and its version bump in one transaction, or nothing at all."""
    script = (
        f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
    )
    try:
        await db.executescript(script)
    except sqlite3.Error:
        if db.in_transaction:
            await db.rollback()
        if await user_version(db) >= migration.version:
            return  # another process applied it between our check and our lock
        raise
    logger.info("applied migration %s", migration.name)
