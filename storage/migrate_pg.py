"""PostgreSQL schema migrations: numbered .sql files in storage/migrations_pg, applied in order
and recorded in `schema_migrations`, under an advisory lock so replicas starting together apply
each one once."""

from __future__ import annotations

import logging

import asyncpg

from storage.migrate import Migration, SchemaVersionError, load_migrations

logger = logging.getLogger(__name__)

PACKAGE = "storage.migrations_pg"
# Any fixed number, the same in every process of this bot: pg_advisory_xact_lock's key.
MIGRATION_LOCK = 0x52_57_42_4F_54_4D_49_47  # "RWBOTMIG"

_TRACKING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER     PRIMARY KEY,
    name       TEXT        NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""


async def schema_version(db: asyncpg.Connection) -> int:
    """The highest migration applied; 0 for a database this bot has never opened."""
    exists = await db.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return 0
    return int(await db.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))


async def migrate(db: asyncpg.Connection, migrations: list[Migration] | None = None) -> int:
    """Bring the schema up to date in one transaction; return the number of migrations applied.
    A second process arriving meanwhile waits on the lock, then finds nothing left to do."""
    known = load_migrations(PACKAGE) if migrations is None else migrations
    async with db.transaction():
        await db.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await db.execute(_TRACKING)
        current = await schema_version(db)
        if current > len(known):
            raise SchemaVersionError(
                f"database schema is version {current}, this code knows up to {len(known)}"
            )
        pending = [migration for migration in known if migration.version > current]
        for migration in pending:
            await db.execute(migration.sql)
            await db.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                migration.version,
                migration.name,
            )
            logger.info("applied migration %s", migration.name)
    return len(pending)
