"""Moving a bot from its SQLite file to PostgreSQL: every job (with its id), Stars ledger row,
chat setting, channel binding and open prompt, in one transaction, into a database that holds
none yet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg

from storage.connection import open_database, single_instance
from storage.migrate_pg import migrate
from storage.rows import from_db_time

# What is copied, in this order. The heartbeat is the bot's own, and stays behind.
TABLES = ("jobs", "ledger", "chat_settings", "channel_bindings", "prompts")
# Tables whose ids new rows continue from.
_SEQUENCES = ("jobs", "ledger")


class CopyRefusedError(RuntimeError):
    """The copy would lose or double something; nothing was written."""


@dataclass(frozen=True, slots=True)
class Copied:
    """How many rows of each table went across."""

    counts: dict[str, int]

    def __str__(self) -> str:
        return ", ".join(f"{count} {_label(table)}" for table, count in self.counts.items())


def _label(table: str) -> str:
    return "Stars ledger rows" if table == "ledger" else table.replace("_", " ")


async def _columns(target: asyncpg.Connection, table: str) -> list[tuple[str, str]]:
    """The table's columns in PostgreSQL and their types, in table order."""
    rows = await target.fetch(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        table,
    )
    return [(row["column_name"], row["data_type"]) for row in rows]


def _converter(data_type: str) -> Any:
    """SQLite keeps times as ISO text and flags as 0/1; PostgreSQL has types for both."""
    if data_type == "timestamp with time zone":
        return lambda value: None if value is None else from_db_time(value)
    if data_type == "boolean":
        return lambda value: None if value is None else bool(value)
    return lambda value: value


async def _read(
    source: aiosqlite.Connection, table: str, columns: Sequence[tuple[str, str]]
) -> list[tuple[Any, ...]]:
    names = ", ".join(name for name, _ in columns)
    converters = [_converter(data_type) for _, data_type in columns]
    rows = await source.execute_fetchall(f"SELECT {names} FROM {table}")  # noqa: S608 - our names
    return [
        tuple(convert(value) for convert, value in zip(converters, row, strict=True))
        for row in rows
    ]


async def _refuse_unless_empty(target: asyncpg.Connection) -> None:
    held = {}
    for table in TABLES:
        count = await target.fetchval(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - constant
        if count:
            held[table] = int(count)
    if held:
        what = ", ".join(f"{count} {_label(table)}" for table, count in held.items())
        raise CopyRefusedError(
            f"the PostgreSQL database already holds {what}; the copy runs once, into a database"
            " no bot has written to yet: nothing was copied"
        )


async def copy_to_postgres(sqlite_path: Path, url: str) -> Copied:
    """Copy the SQLite bot at `sqlite_path` into the PostgreSQL database at `url`. Refuses
    (CopyRefusedError) when the file is missing or the target already holds data, and
    (DatabaseInUseError) while a bot runs on the file."""
    if not sqlite_path.is_file():  # noqa: ASYNC240 - one look before anything starts
        raise CopyRefusedError(f"there is no SQLite database at {sqlite_path}")
    with single_instance(sqlite_path):
        async with open_database(sqlite_path) as source:  # brought up to the latest schema
            target = await asyncpg.connect(url)
            try:
                await migrate(target)
                async with target.transaction():
                    # Nobody else writes while we look and copy: a bot started on the target in
                    # the meantime waits for the commit, then sees the copied jobs.
                    await target.execute(f"LOCK TABLE {', '.join(TABLES)} IN EXCLUSIVE MODE")
                    await _refuse_unless_empty(target)
                    counts = {}
                    for table in TABLES:
                        columns = await _columns(target, table)
                        records = await _read(source, table, columns)
                        if records:
                            await target.copy_records_to_table(
                                table, records=records, columns=[name for name, _ in columns]
                            )
                        counts[table] = len(records)
                    for table in _SEQUENCES:  # new rows continue after the copied ids
                        await target.execute(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                            f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                        )
            finally:
                await target.close()
    return Copied(counts)
