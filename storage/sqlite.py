"""The job store on SQLite: WAL, one statement per state change, and three connections: every
write goes through the group-committing writer (storage/batching.py), point reads through a
reader that batches them the same way, and scans of the whole history (usage, metrics, places
in line) through a third, so a long scan never holds up a callback."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from contextlib import asynccontextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.domain.models import (
    ACTIVE_STATES,
    EARLIER,
    STAGE_OF,
    Delivery,
    Engine,
    Failure,
    Job,
    JobState,
    Result,
    Stage,
)
from bot.domain.ports import (
    Awaiting,
    ChatSettings,
    Claim,
    JobRef,
    NewJob,
    PendingPrompt,
    UsageRow,
)
from storage import queries
from storage.batching import BatchedConnection, Written
from storage.connection import PRAGMAS, open_database, single_instance
from storage.rows import (
    chat_settings_from_row,
    failure_params,
    from_db_time,
    job_from_row,
    job_ref_from_row,
    new_job_params,
    optional_db_time,
    options_params,
    result_params,
    to_db_time,
)

logger = logging.getLogger(__name__)

Params = Mapping[str, Any]

_UNCHARGED = frozenset({JobState.FAILED, JobState.CANCELLED})


@functools.cache
def _states(states: frozenset[JobState]) -> str:
    """A set of states as one JSON parameter, read in SQL through json_each (the store asks
    for a few fixed sets, each made once)."""
    return json.dumps(sorted(state.value for state in states))


_READS = ("SELECT", "WITH")
_NO_AUTO_CHECKPOINT = "PRAGMA wal_autocheckpoint = 0"
_READ_ONLY = "PRAGMA query_only = ON"
_FSYNC = "PRAGMA synchronous = FULL"  # each commit reaches the disk: one fsync per group
CHECKPOINT_EVERY = 500  # writes; each changes a few pages, SQLite's own default is 1000 pages


class SqliteJobStore:
    """Implements bot.domain.ports.JobStore; build it with `SqliteJobStore.open(path)`. Given
    only `db`, it reads and writes through that one connection; `db` always runs the scans."""

    backend = "sqlite"

    def __init__(
        self,
        db: aiosqlite.Connection,
        path: Path | None = None,
        *,
        writer: BatchedConnection | None = None,
        reader: BatchedConnection | None = None,
    ) -> None:
        self._db = db
        self._path = path
        self._inode = path.stat().st_ino if path is not None else None
        self.writer = writer
        self.reader = reader
        self._unchecked = 0  # writes since the last checkpoint
        self._checkpoint: asyncio.Task[None] | None = None

    @classmethod
    @asynccontextmanager
    async def open(
        cls, path: Path | str, *, exclusive: bool = True
    ) -> AsyncIterator[SqliteJobStore]:
        """Open (creating the file and its folder), migrate, and close on exit. `exclusive`
        holds a lock beside the file so a second bot process on it refuses to start: several
        processes are for PostgreSQL."""
        path = Path(path)
        with single_instance(path) if exclusive else nullcontext():
            async with open_database(path) as db:
                # The writer leaves checkpoints to `db`'s thread (see _written), so copying the
                # log back into the file never holds up a commit.
                writer = BatchedConnection.connect(path, (*PRAGMAS, _NO_AUTO_CHECKPOINT, _FSYNC))
                reader = BatchedConnection.connect(path, (*PRAGMAS, _READ_ONLY), "BEGIN")
                store = cls(db, path, writer=writer, reader=reader)
                try:
                    yield store
                finally:
                    await writer.close()
                    await reader.close()
                    if store._checkpoint is not None:
                        await asyncio.gather(store._checkpoint, return_exceptions=True)

    @property
    def connection(self) -> aiosqlite.Connection:
        """The open connection, for stores that share the file (the Stars ledger)."""
        return self._db

    def _check_file(self) -> None:
        """The file we have open is still the one at our path (not deleted or replaced)."""
        if self._path is None:
            return
        try:
            inode = self._path.stat().st_ino
        except FileNotFoundError:
            raise sqlite3.OperationalError("the database file has been deleted") from None
        if inode != self._inode:
            raise sqlite3.OperationalError("the database file has been replaced")

    # -- plumbing ---------------------------------------------------------------------------

    async def _rows(self, sql: str, params: Params) -> list[sqlite3.Row]:
        """Reads go in the reader's next batch, anything else is a write for the writer's."""
        if not sql.lstrip().startswith(_READS):
            return (await self._written(sql, params)).rows
        if self.reader is None:
            # One trip to aiosqlite's thread per statement: execute, fetch and close together.
            return list(await self._db.execute_fetchall(sql, params))
        return (await self.reader.run(sql, params)).rows

    async def _written(self, sql: str, params: Params) -> Written:
        if self.writer is None:
            async with self._db.execute(sql, params) as cursor:
                rows = list(await cursor.fetchall())
                return Written(rows, cursor.rowcount)
        written = await self.writer.run(sql, params)
        self._unchecked += 1
        if self._unchecked >= CHECKPOINT_EVERY and self._checkpoint is None:
            self._unchecked = 0
            self._checkpoint = asyncio.create_task(self._copy_log(), name="sqlite-checkpoint")
        return written

    async def _copy_log(self) -> None:
        """A passive checkpoint on the scanning connection's thread: it copies what it can
        while writes go on, and the log starts over once a checkpoint has caught up."""
        try:
            await self._db.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as exc:
            logger.warning("checkpoint of the SQLite log failed: %s", exc)
        finally:
            self._checkpoint = None

    async def _scan(self, sql: str, params: Params) -> list[sqlite3.Row]:
        return list(await self._db.execute_fetchall(sql, params))

    async def _one(self, sql: str, params: Params) -> Job | None:
        rows = await self._rows(sql, params)
        return job_from_row(rows[0]) if rows else None

    async def _many(self, sql: str, params: Params) -> list[Job]:
        return [job_from_row(row) for row in await self._rows(sql, params)]

    async def _scalar(self, sql: str, params: Params) -> Any:
        rows = await self._rows(sql, params)
        return rows[0][0] if rows else None

    async def _write(self, sql: str, params: Params) -> None:
        await self._written(sql, params)

    # -- creating and finding jobs ----------------------------------------------------------

    async def create(self, new: NewJob) -> Job:
        job = await self._one(queries.INSERT_JOB, new_job_params(new))
        assert job is not None  # INSERT ... RETURNING always yields the new row
        return job

    async def get(self, job_id: int) -> Job | None:
        return await self._one(queries.JOB_BY_ID, {"id": job_id})

    async def by_callback_token(self, token: str) -> JobRef | None:
        rows = await self._rows(queries.JOB_BY_CALLBACK_TOKEN, {"token": token})
        return job_ref_from_row(rows[0]) if rows else None

    async def by_delivery(self, chat_id: int, message_id: int) -> Job | None:
        params = {"chat_id": chat_id, "message_id": message_id}
        return await self._one(queries.JOB_BY_DELIVERY, params)

    async def by_status_message(self, chat_id: int, message_id: int) -> list[Job]:
        params = {"chat_id": chat_id, "message_id": message_id}
        return await self._many(queries.JOBS_BY_STATUS_MESSAGE, params)

    async def recent(self, chat_id: int, limit: int, before_id: int | None = None) -> list[Job]:
        params = {"chat_id": chat_id, "limit": limit, "before_id": before_id or 2**62}
        return await self._many(queries.RECENT_JOBS, params)

    async def delivered_videos(
        self, user_id: int, words: Sequence[str], limit: int, before_id: int | None = None
    ) -> list[Job]:
        params = {
            "user_id": user_id,
            "words": json.dumps([word.casefold() for word in words]),
            "limit": limit,
            "before_id": before_id or 2**62,
        }
        return await self._many(queries.DELIVERED_VIDEOS, params)

    async def active(self, chat_id: int) -> list[Job]:
        params = {"chat_id": chat_id, "states": _states(ACTIVE_STATES)}
        return await self._many(queries.JOBS_IN_STATES_FOR_CHAT, params)

    async def chain(self, job_id: int) -> list[Job]:
        """The job and its ancestors through parent_task_id, oldest first."""
        return await self._many(queries.CHAIN, {"id": job_id})

    async def waiting_ahead(self, job: Job) -> int:
        params = {"engine": job.engine.value, "id": job.id}
        return int(await self._scalar(queries.WAITING_AHEAD, params))

    async def waiting(self, limit: int) -> list[Job]:
        rows = await self._scan(queries.WAITING, {"limit": limit})
        return [job_from_row(row) for row in rows]

    # -- state changes: each one conditional UPDATE that reports whether it won ---------------

    async def set_status_message(self, job_id: int, message_id: int) -> None:
        await self._write(queries.SET_STATUS_MESSAGE, {"id": job_id, "message_id": message_id})

    async def extend_claims(self, job_ids: Collection[int], claim: Claim) -> list[int]:
        params = {
            "ids": json.dumps(list(job_ids)),
            "owner": claim.owner,
            "until": to_db_time(claim.until),
        }
        return [row[0] for row in (await self._written(queries.EXTEND_CLAIMS, params)).rows]

    async def claim_next(self, engine: Engine, claim: Claim, now: datetime) -> Job | None:
        params = {
            "engine": engine.value,
            "owner": claim.owner,
            "until": to_db_time(claim.until),
            "now": to_db_time(now),
        }
        return await self._one(queries.CLAIM_NEXT, params)

    async def mark_sending(self, job_id: int, token: str, now: datetime) -> Job | None:
        params = {"id": job_id, "token": token, "now": to_db_time(now)}
        return await self._one(queries.MARK_SENDING, params)

    async def mark_submitted(
        self, job_id: int, token: str, task_id: str, due_at: datetime, now: datetime
    ) -> Job | None:
        params = {
            "id": job_id,
            "token": token,
            "task_id": task_id,
            "due_at": to_db_time(due_at),
            "now": to_db_time(now),
        }
        return await self._one(queries.MARK_SUBMITTED, params)

    async def requeue(
        self,
        job_id: int,
        token: str,
        new_token: str,
        due_at: datetime,
        now: datetime,
        *,
        attempt: int,
        checks: int = 0,
    ) -> Job | None:
        params = {
            "id": job_id,
            "token": token,
            "new_token": new_token,
            "due_at": to_db_time(due_at),
            "now": to_db_time(now),
            "attempt": attempt,
            "checks": checks,
        }
        return await self._one(queries.REQUEUE, params)

    async def advance(
        self,
        job_id: int,
        to: JobState,
        now: datetime,
        *,
        result: Result | None = None,
        failure: Failure | None = None,
        task_id: str | None = None,
        due_at: datetime | None = None,
        claim: Claim | None = None,
        token: str | None = None,
    ) -> Job | None:
        """Move to a state of a strictly higher stage, up to FINISHED; None if that would go
        backwards or sideways. DELIVERED and UNDELIVERABLE have their own methods."""
        if STAGE_OF[to] >= Stage.CLOSED:
            raise ValueError(f"advance cannot reach {to}: use mark_delivered/mark_undeliverable")
        sources = EARLIER[to]
        params = {
            "id": job_id,
            "to": to.value,
            "sources": _states(sources),
            "now": to_db_time(now),
            "task_id": task_id,
            "token": token,
            "due_at": optional_db_time(due_at),
            "owner": claim.owner if claim else None,
            "until": to_db_time(claim.until) if claim else None,
            **result_params(result),
            **failure_params(failure),
        }
        return await self._one(queries.ADVANCE, params) if sources else None

    async def mark_delivered(self, job_id: int, delivery: Delivery, now: datetime) -> Job | None:
        """SUCCEEDED -> DELIVERED and the delivered message, in one statement."""
        params = {
            "id": job_id,
            "chat_id": delivery.chat_id,
            "message_id": delivery.message_id,
            "file_id": delivery.file_id,
            "now": to_db_time(now),
        }
        return await self._one(queries.MARK_DELIVERED, params)

    async def mark_undeliverable(self, job_id: int, detail: str, now: datetime) -> Job | None:
        """SUCCEEDED -> UNDELIVERABLE; the reason is kept as the job's failure detail."""
        params = {"id": job_id, "detail": detail, "now": to_db_time(now)}
        return await self._one(queries.MARK_UNDELIVERABLE, params)

    async def mark_failure_reported(self, job_id: int) -> None:
        await self._write(queries.MARK_FAILURE_REPORTED, {"id": job_id})

    async def reschedule(
        self, job_id: int, due_at: datetime | None, checks: int, owner: str | None = None
    ) -> None:
        params = {"id": job_id, "due_at": optional_db_time(due_at), "checks": checks}
        await self._write(queries.RESCHEDULE, {**params, "owner": owner})

    async def claim_due(self, now: datetime, claim: Claim, limit: int) -> list[Job]:
        params = {
            "now": to_db_time(now),
            "owner": claim.owner,
            "until": to_db_time(claim.until),
            "limit": limit,
        }
        jobs = await self._many(queries.CLAIM_DUE, params)
        return sorted(jobs, key=lambda job: (job.due_at or now, job.id))

    async def rearm(self, now: datetime) -> int:
        """Polls of running jobs are due now, and every claim is released: one process owns
        the file, so any claim left is a dead process's."""
        await self._write(queries.RELEASE_CLAIMS, {})
        return (await self._written(queries.REARM, {"now": to_db_time(now)})).count

    # -- sweeps and budgets -----------------------------------------------------------------

    async def count_charged_since(self, user_id: int, since: datetime) -> int:
        params = {"user_id": user_id, "since": to_db_time(since)}
        return int(await self._scalar(queries.COUNT_CHARGED_SINCE, params))

    async def oldest_charged_since(self, user_id: int, since: datetime) -> datetime | None:
        params = {"user_id": user_id, "since": to_db_time(since)}
        oldest = await self._scalar(queries.OLDEST_CHARGED_SINCE, params)
        return None if oldest is None else from_db_time(oldest)

    async def count_active_for_user(self, user_id: int) -> int:
        return int(await self._scalar(queries.COUNT_ACTIVE_FOR_USER, {"user_id": user_id}))

    async def usage_since(self, since: datetime) -> list[UsageRow]:
        """Jobs and credits per user; failed and cancelled jobs count as jobs but cost nothing."""
        params = {"since": to_db_time(since), "uncharged": _states(_UNCHARGED)}
        rows = await self._scan(queries.USAGE_SINCE, params)
        return [UsageRow(row["user_id"], row["jobs"], row["credits"]) for row in rows]

    async def count_by_state(self) -> dict[JobState, int]:
        """Every state, with zero for those no job is in."""
        counts = dict.fromkeys(JobState, 0)
        for row in await self._scan(queries.COUNT_BY_STATE, {}):
            counts[JobState(row["state"])] = row["jobs"]
        return counts

    # -- chat settings, channel bindings and prompts ----------------------------------------

    async def chat_settings(self, chat_id: int) -> ChatSettings | None:
        rows = await self._rows(queries.CHAT_SETTINGS, {"chat_id": chat_id})
        return chat_settings_from_row(rows[0]) if rows else None

    async def save_chat_settings(self, chat_id: int, settings: ChatSettings) -> None:
        engine = None if settings.engine is None else settings.engine.value
        params = {"chat_id": chat_id, "engine": engine, **options_params(settings.options)}
        await self._write(queries.SAVE_CHAT_SETTINGS, params)

    async def bind_channel(self, chat_id: int, channel_id: int, title: str) -> None:
        params = {"chat_id": chat_id, "channel_id": channel_id, "title": title}
        await self._write(queries.BIND_CHANNEL, params)

    async def bound_channel(self, chat_id: int) -> tuple[int, str] | None:
        rows = await self._rows(queries.BOUND_CHANNEL, {"chat_id": chat_id})
        return (rows[0]["channel_id"], rows[0]["title"]) if rows else None

    async def save_prompt(
        self, chat_id: int, message_id: int, prompt: PendingPrompt, expires_at: datetime
    ) -> None:
        params = {
            "chat_id": chat_id,
            "message_id": message_id,
            "awaiting": prompt.awaiting.value,
            "job_id": prompt.job_id,
            "user_id": prompt.user_id,
            "expires_at": to_db_time(expires_at),
        }
        await self._write(queries.SAVE_PROMPT, params)

    async def prompt(self, chat_id: int, message_id: int, now: datetime) -> PendingPrompt | None:
        params = {"chat_id": chat_id, "message_id": message_id, "now": to_db_time(now)}
        # expired prompts go here, where the time is known (a new prompt's expiry is not it)
        await self._write(queries.DROP_EXPIRED_PROMPTS, {"now": params["now"]})
        rows = await self._rows(queries.PROMPT, params)
        if not rows:
            return None
        row = rows[0]
        return PendingPrompt(Awaiting(row["awaiting"]), row["job_id"], row["user_id"])

    async def drop_prompt(self, chat_id: int, message_id: int) -> None:
        await self._write(queries.DROP_PROMPT, {"chat_id": chat_id, "message_id": message_id})

    async def ping(self) -> None:
        self._check_file()
        await self._write(queries.PING, {"now": to_db_time(datetime.now(UTC))})
