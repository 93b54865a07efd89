"""The job store on SQLite: one aiosqlite connection, WAL, and one statement per state change."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.domain.models import (
    ACTIVE_STATES,
    STAGE_OF,
    Delivery,
    Job,
    JobState,
    Stage,
    VideoOptions,
)
from bot.domain.ports import NewJob, UsageRow
from storage import queries
from storage.connection import open_database
from storage.rows import (
    from_db_time,
    job_from_row,
    new_job_params,
    options_from_row,
    options_params,
    to_db_time,
)

Params = Mapping[str, Any]

_POLLED = (JobState.QUEUED, JobState.GENERATING)
_UNCHARGED = (JobState.FAILED, JobState.CANCELLED)


def _states(states: Collection[JobState]) -> str:
    """A set of states as one JSON parameter, read in SQL through json_each."""
    return json.dumps(sorted(state.value for state in states))


class SqliteJobStore:
    """Implements bot.domain.ports.JobStore; build it with `SqliteJobStore.open(path)`."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    @classmethod
    @asynccontextmanager
    async def open(cls, path: Path | str) -> AsyncIterator[SqliteJobStore]:
        """Open (creating the file and its folder), migrate, and close on exit."""
        async with open_database(Path(path)) as db:
            yield cls(db)

    # -- plumbing ---------------------------------------------------------------------------

    async def _rows(self, sql: str, params: Params) -> list[sqlite3.Row]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def _one(self, sql: str, params: Params) -> Job | None:
        rows = await self._rows(sql, params)
        return job_from_row(rows[0]) if rows else None

    async def _many(self, sql: str, params: Params) -> list[Job]:
        return [job_from_row(row) for row in await self._rows(sql, params)]

    async def _scalar(self, sql: str, params: Params) -> Any:
        rows = await self._rows(sql, params)
        return rows[0][0] if rows else None

    async def _write(self, sql: str, params: Params) -> None:
        async with self._db.execute(sql, params):
            pass

    # -- creating and finding jobs ----------------------------------------------------------

    async def create(self, new: NewJob) -> Job:
        job = await self._one(queries.INSERT_JOB, new_job_params(new))
        assert job is not None  # INSERT ... RETURNING always yields the new row
        return job

    async def get(self, job_id: int) -> Job | None:
        return await self._one(queries.JOB_BY_ID, {"id": job_id})

    async def by_task_id(self, task_id: str) -> Job | None:
        return await self._one(queries.JOB_BY_TASK_ID, {"task_id": task_id})

    async def by_callback_token(self, token: str) -> Job | None:
        return await self._one(queries.JOB_BY_CALLBACK_TOKEN, {"token": token})

    async def by_delivery(self, chat_id: int, message_id: int) -> Job | None:
        params = {"chat_id": chat_id, "message_id": message_id}
        return await self._one(queries.JOB_BY_DELIVERY, params)

    async def recent(self, chat_id: int, limit: int) -> list[Job]:
        return await self._many(queries.RECENT_JOBS, {"chat_id": chat_id, "limit": limit})

    async def active(self, chat_id: int) -> list[Job]:
        params = {"chat_id": chat_id, "states": _states(ACTIVE_STATES)}
        return await self._many(queries.JOBS_IN_STATES_FOR_CHAT, params)

    async def chain(self, job_id: int) -> list[Job]:
        """The job and its ancestors through parent_task_id, oldest first."""
        return await self._many(queries.CHAIN, {"id": job_id})

    # -- state changes: each one conditional UPDATE that reports whether it won ---------------

    async def set_status_message(self, job_id: int, message_id: int) -> None:
        await self._write(queries.SET_STATUS_MESSAGE, {"id": job_id, "message_id": message_id})

    async def mark_submitted(
        self, job_id: int, task_id: str, next_poll_at: datetime, now: datetime
    ) -> Job | None:
        """SUBMITTING -> QUEUED with the provider's task id. A job that a callback already moved
        on (it found the job by its token) keeps its state and gains the task id. None when the
        job has a task id and has moved on."""
        params = {
            "id": job_id,
            "task_id": task_id,
            "next_poll_at": to_db_time(next_poll_at),
            "now": to_db_time(now),
        }
        return await self._one(queries.MARK_SUBMITTED, params)

    async def advance(
        self,
        job_id: int,
        to: JobState,
        now: datetime,
        *,
        video_url: str | None = None,
        image_url: str | None = None,
        failure_code: str | None = None,
        failure_message: str | None = None,
    ) -> Job | None:
        """Move to a state of a strictly higher stage, up to FINISHED; None if that would go
        backwards or sideways. DELIVERED and UNDELIVERABLE have their own methods."""
        if STAGE_OF[to] >= Stage.CLOSED:
            raise ValueError(f"advance cannot reach {to}: use mark_delivered/mark_undeliverable")
        sources = [state for state in JobState if STAGE_OF[state] < STAGE_OF[to]]
        params = {
            "id": job_id,
            "to": to.value,
            "sources": _states(sources),
            "now": to_db_time(now),
            "video_url": video_url,
            "image_url": image_url,
            "failure_code": failure_code,
            "failure_message": failure_message,
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

    async def mark_undeliverable(self, job_id: int, reason: str, now: datetime) -> Job | None:
        """SUCCEEDED -> UNDELIVERABLE; the reason is kept as the job's failure_message."""
        params = {"id": job_id, "reason": reason, "now": to_db_time(now)}
        return await self._one(queries.MARK_UNDELIVERABLE, params)

    async def mark_failure_reported(self, job_id: int) -> None:
        await self._write(queries.MARK_FAILURE_REPORTED, {"id": job_id})

    async def schedule_poll(self, job_id: int, next_poll_at: datetime, poll_count: int) -> None:
        params = {"id": job_id, "next_poll_at": to_db_time(next_poll_at), "count": poll_count}
        await self._write(queries.SCHEDULE_POLL, params)

    # -- sweeps and budgets -----------------------------------------------------------------

    async def due_for_poll(self, now: datetime, limit: int) -> list[Job]:
        """QUEUED or GENERATING jobs whose next_poll_at has come, the longest overdue first."""
        params = {"states": _states(_POLLED), "now": to_db_time(now), "limit": limit}
        return await self._many(queries.DUE_FOR_POLL, params)

    async def unfinished_business(self) -> list[Job]:
        """SUBMITTING jobs, SUCCEEDED jobs, and FAILED jobs not yet reported: the start-up sweep."""
        return await self._many(queries.UNFINISHED_BUSINESS, {})

    async def count_created_since(self, user_id: int, since: datetime) -> int:
        params = {"user_id": user_id, "since": to_db_time(since)}
        return int(await self._scalar(queries.COUNT_CREATED_SINCE, params))

    async def count_active_for_user(self, user_id: int) -> int:
        params = {"user_id": user_id, "states": _states(ACTIVE_STATES)}
        return int(await self._scalar(queries.COUNT_IN_STATES_FOR_USER, params))

    async def oldest_created_since(self, user_id: int, since: datetime) -> datetime | None:
        params = {"user_id": user_id, "since": to_db_time(since)}
        oldest = await self._scalar(queries.OLDEST_CREATED_SINCE, params)
        return None if oldest is None else from_db_time(oldest)

    async def usage_since(self, since: datetime) -> list[UsageRow]:
        """Jobs and credits per user; failed and cancelled jobs count as jobs but cost nothing."""
        params = {"since": to_db_time(since), "uncharged": _states(_UNCHARGED)}
        rows = await self._rows(queries.USAGE_SINCE, params)
        return [UsageRow(row["user_id"], row["jobs"], row["credits"]) for row in rows]

    async def count_by_state(self) -> dict[JobState, int]:
        """Every state, with zero for those no job is in."""
        counts = dict.fromkeys(JobState, 0)
        for row in await self._rows(queries.COUNT_BY_STATE, {}):
            counts[JobState(row["state"])] = row["jobs"]
        return counts

    # -- chat settings and channel bindings -------------------------------------------------

    async def chat_options(self, chat_id: int) -> VideoOptions | None:
        rows = await self._rows(queries.CHAT_OPTIONS, {"chat_id": chat_id})
        return options_from_row(rows[0]) if rows else None

    async def save_chat_options(self, chat_id: int, options: VideoOptions) -> None:
        params = {"chat_id": chat_id, **options_params(options)}
        await self._write(queries.SAVE_CHAT_OPTIONS, params)

    async def bind_channel(self, chat_id: int, channel_id: int, title: str) -> None:
        params = {"chat_id": chat_id, "channel_id": channel_id, "title": title}
        await self._write(queries.BIND_CHANNEL, params)

    async def bound_channel(self, chat_id: int) -> tuple[int, str] | None:
        rows = await self._rows(queries.BOUND_CHANNEL, {"chat_id": chat_id})
        return (rows[0]["channel_id"], rows[0]["title"]) if rows else None

    async def ping(self) -> None:
        await self._scalar(queries.PING, {})
