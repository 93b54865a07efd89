"""The job store on PostgreSQL: an asyncpg pool, and one statement per state change, so any
number of replicas can share the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import asyncpg

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
from storage import queries_pg as q
from storage.migrate_pg import migrate
from storage.rows import (
    chat_settings_from_row,
    failure_params,
    from_db_time,
    job_from_row,
    job_ref_from_row,
    new_job_params,
    options_params,
    result_params,
)

logger = logging.getLogger(__name__)

Params = Mapping[str, Any]

DEFAULT_POOL_SIZE = 10
_UNCHARGED = (JobState.FAILED, JobState.CANCELLED)
# Parameters that are moments: rows.py renders them as ISO text (SQLite's form), asyncpg wants
# datetimes for timestamptz.
_TIMES = frozenset({"created_at", "updated_at", "due_at", "now", "until", "since", "expires_at"})


def _states(states: Collection[JobState]) -> list[str]:
    return sorted(state.value for state in states)


def _value(name: str, value: Any) -> Any:
    if name in _TIMES and isinstance(value, str):
        return from_db_time(value)
    if name in _TIMES and isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: the store keeps aware UTC times only")
    return value


def _args(query: q.Query, params: Params) -> list[Any]:
    return [_value(name, params[name]) for name in query.names]


def describe(url: str) -> str:
    """host:port/database of a connection URL, for logs: never the user or the password."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or '/'}"


class DatabaseUnavailableError(RuntimeError):
    """PostgreSQL cannot be reached or refuses us (a wrong host, user or database name)."""


def connection_pool(url: str, size: int, **options: Any) -> asyncpg.Pool:
    """A pool of up to `size` connections that hands a connection back without asyncpg's
    reset query: a trip to the server on every release, which would double the trips of a
    one-statement write. Nothing here leaves session state on a pooled connection (advisory
    locks are taken per transaction; the poller lease has a connection of its own), and
    asyncpg still rolls back a transaction left open."""
    return asyncpg.create_pool(url, min_size=1, max_size=size, reset=_keep, **options)


async def _keep(connection: asyncpg.Connection) -> None:
    """Nothing to undo on a connection going back to the pool (see `connection_pool`)."""


class PostgresJobStore:
    """Implements bot.domain.ports.JobStore; build it with `PostgresJobStore.open(url)`."""

    backend = "postgres"

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @classmethod
    @asynccontextmanager
    async def open(
        cls, url: str, *, pool_size: int = DEFAULT_POOL_SIZE
    ) -> AsyncIterator[PostgresJobStore]:
        """Connect a pool of up to `pool_size` connections, migrate, and close on exit. Unlike
        SQLite, nothing stops a second process: replicas on one database are the point."""
        try:
            pool = await connection_pool(url, pool_size, command_timeout=60)
        except (OSError, asyncpg.PostgresError) as exc:
            raise DatabaseUnavailableError(
                f"cannot open PostgreSQL at {describe(url)}: {exc}"
            ) from exc
        async with pool:
            async with pool.acquire() as db:
                await migrate(db)
            logger.info("database open at postgresql://%s", describe(url))
            yield cls(pool)

    @property
    def pool(self) -> asyncpg.Pool:
        """The store's connections, for other parts that keep their state in the same
        database (leases, shared budgets)."""
        return self._pool

    # -- plumbing ---------------------------------------------------------------------------

    async def _rows(self, query: q.Query, params: Params) -> list[asyncpg.Record]:
        return list(await self._pool.fetch(query.sql, *_args(query, params)))

    async def _one(self, query: q.Query, params: Params) -> Job | None:
        row = await self._pool.fetchrow(query.sql, *_args(query, params))
        return None if row is None else job_from_row(row)

    async def _many(self, query: q.Query, params: Params) -> list[Job]:
        return [job_from_row(row) for row in await self._rows(query, params)]

    async def _scalar(self, query: q.Query, params: Params) -> Any:
        return await self._pool.fetchval(query.sql, *_args(query, params))

    async def _write(self, query: q.Query, params: Params) -> None:
        await self._pool.execute(query.sql, *_args(query, params))

    # -- creating and finding jobs ----------------------------------------------------------

    async def create(self, new: NewJob) -> Job:
        job = await self._one(q.INSERT_JOB, new_job_params(new))
        assert job is not None  # INSERT ... RETURNING always yields the new row
        return job

    async def get(self, job_id: int) -> Job | None:
        return await self._one(q.JOB_BY_ID, {"id": job_id})

    async def by_callback_token(self, token: str) -> JobRef | None:
        rows = await self._rows(q.JOB_BY_CALLBACK_TOKEN, {"token": token})
        return job_ref_from_row(rows[0]) if rows else None

    async def by_delivery(self, chat_id: int, message_id: int) -> Job | None:
        return await self._one(q.JOB_BY_DELIVERY, {"chat_id": chat_id, "message_id": message_id})

    async def by_status_message(self, chat_id: int, message_id: int) -> list[Job]:
        params = {"chat_id": chat_id, "message_id": message_id}
        return await self._many(q.JOBS_BY_STATUS_MESSAGE, params)

    async def recent(self, chat_id: int, limit: int, before_id: int | None = None) -> list[Job]:
        params = {"chat_id": chat_id, "limit": limit, "before_id": before_id or 2**62}
        return await self._many(q.RECENT_JOBS, params)

    async def delivered_videos(
        self, user_id: int, words: Sequence[str], limit: int, before_id: int | None = None
    ) -> list[Job]:
        params = {
            "user_id": user_id,
            "words": [word.casefold() for word in words],
            "limit": limit,
            "before_id": before_id or 2**62,
        }
        return await self._many(q.DELIVERED_VIDEOS, params)

    async def active(self, chat_id: int) -> list[Job]:
        params = {"chat_id": chat_id, "states": _states(ACTIVE_STATES)}
        return await self._many(q.JOBS_IN_STATES_FOR_CHAT, params)

    async def chain(self, job_id: int) -> list[Job]:
        """The job and its ancestors through parent_task_id, oldest first."""
        return await self._many(q.CHAIN, {"id": job_id})

    async def waiting_ahead(self, job: Job) -> int:
        params = {"engine": job.engine.value, "id": job.id}
        return int(await self._scalar(q.WAITING_AHEAD, params))

    async def waiting(self, limit: int) -> list[Job]:
        return await self._many(q.WAITING, {"limit": limit})

    # -- state changes: each one conditional UPDATE that reports whether it won ---------------

    async def set_status_message(self, job_id: int, message_id: int) -> None:
        await self._write(q.SET_STATUS_MESSAGE, {"id": job_id, "message_id": message_id})

    async def extend_claims(self, job_ids: Collection[int], claim: Claim) -> list[int]:
        params = {"ids": list(job_ids), "owner": claim.owner, "until": claim.until}
        return [row[0] for row in await self._rows(q.EXTEND_CLAIMS, params)]

    async def claim_next(self, engine: Engine, claim: Claim, now: datetime) -> Job | None:
        params = {"engine": engine.value, "owner": claim.owner, "until": claim.until, "now": now}
        return await self._one(q.CLAIM_NEXT, params)

    async def mark_sending(self, job_id: int, token: str, now: datetime) -> Job | None:
        return await self._one(q.MARK_SENDING, {"id": job_id, "token": token, "now": now})

    async def mark_submitted(
        self, job_id: int, token: str, task_id: str, due_at: datetime, now: datetime
    ) -> Job | None:
        params = {"id": job_id, "token": token, "task_id": task_id, "due_at": due_at, "now": now}
        return await self._one(q.MARK_SUBMITTED, params)

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
            "due_at": due_at,
            "now": now,
            "attempt": attempt,
            "checks": checks,
        }
        return await self._one(q.REQUEUE, params)

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
            "now": now,
            "task_id": task_id,
            "token": token,
            "due_at": due_at,
            "owner": claim.owner if claim else None,
            "until": claim.until if claim else None,
            **result_params(result),
            **failure_params(failure),
        }
        return await self._one(q.ADVANCE, params) if sources else None

    async def mark_delivered(self, job_id: int, delivery: Delivery, now: datetime) -> Job | None:
        """SUCCEEDED -> DELIVERED and the delivered message, in one statement."""
        params = {
            "id": job_id,
            "chat_id": delivery.chat_id,
            "message_id": delivery.message_id,
            "file_id": delivery.file_id,
            "now": now,
        }
        return await self._one(q.MARK_DELIVERED, params)

    async def mark_undeliverable(self, job_id: int, detail: str, now: datetime) -> Job | None:
        """SUCCEEDED -> UNDELIVERABLE; the reason is kept as the job's failure detail."""
        return await self._one(q.MARK_UNDELIVERABLE, {"id": job_id, "detail": detail, "now": now})

    async def mark_failure_reported(self, job_id: int) -> None:
        await self._write(q.MARK_FAILURE_REPORTED, {"id": job_id})

    async def reschedule(
        self, job_id: int, due_at: datetime | None, checks: int, owner: str | None = None
    ) -> None:
        params = {"id": job_id, "due_at": due_at, "checks": checks, "owner": owner}
        await self._write(q.RESCHEDULE, params)

    async def claim_due(self, now: datetime, claim: Claim, limit: int) -> list[Job]:
        params = {"now": now, "owner": claim.owner, "until": claim.until, "limit": limit}
        jobs = await self._many(q.CLAIM_DUE, params)
        return sorted(jobs, key=lambda job: (job.due_at or now, job.id))

    async def rearm(self, now: datetime) -> int:
        """Polls of running jobs are due now and expired claims are released; claims other
        live replicas hold stay theirs."""
        return int(await self._scalar(q.REARM, {"now": now}))

    # -- sweeps and budgets -----------------------------------------------------------------

    async def count_charged_since(self, user_id: int, since: datetime) -> int:
        params = {"user_id": user_id, "since": since}
        return int(await self._scalar(q.COUNT_CHARGED_SINCE, params))

    async def oldest_charged_since(self, user_id: int, since: datetime) -> datetime | None:
        oldest = await self._scalar(q.OLDEST_CHARGED_SINCE, {"user_id": user_id, "since": since})
        return None if oldest is None else from_db_time(oldest)

    async def count_active_for_user(self, user_id: int) -> int:
        return int(await self._scalar(q.COUNT_ACTIVE_FOR_USER, {"user_id": user_id}))

    async def usage_since(self, since: datetime) -> list[UsageRow]:
        """Jobs and credits per user; failed and cancelled jobs count as jobs but cost nothing."""
        params = {"since": since, "uncharged": _states(_UNCHARGED)}
        rows = await self._rows(q.USAGE_SINCE, params)
        return [UsageRow(row["user_id"], row["jobs"], row["credits"]) for row in rows]

    async def count_by_state(self) -> dict[JobState, int]:
        """Every state, with zero for those no job is in."""
        counts = dict.fromkeys(JobState, 0)
        for row in await self._rows(q.COUNT_BY_STATE, {}):
            counts[JobState(row["state"])] = row["jobs"]
        return counts

    # -- chat settings, channel bindings and prompts ----------------------------------------

    async def chat_settings(self, chat_id: int) -> ChatSettings | None:
        rows = await self._rows(q.CHAT_SETTINGS, {"chat_id": chat_id})
        return chat_settings_from_row(rows[0]) if rows else None

    async def save_chat_settings(self, chat_id: int, settings: ChatSettings) -> None:
        engine = None if settings.engine is None else settings.engine.value
        params = {"chat_id": chat_id, "engine": engine, **options_params(settings.options)}
        await self._write(q.SAVE_CHAT_SETTINGS, params)

    async def bind_channel(self, chat_id: int, channel_id: int, title: str) -> None:
        params = {"chat_id": chat_id, "channel_id": channel_id, "title": title}
        await self._write(q.BIND_CHANNEL, params)

    async def bound_channel(self, chat_id: int) -> tuple[int, str] | None:
        rows = await self._rows(q.BOUND_CHANNEL, {"chat_id": chat_id})
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
            "expires_at": expires_at,
        }
        await self._write(q.SAVE_PROMPT, params)

    async def prompt(self, chat_id: int, message_id: int, now: datetime) -> PendingPrompt | None:
        params = {"chat_id": chat_id, "message_id": message_id, "now": now}
        # expired prompts go here, where the time is known (a new prompt's expiry is not it)
        await self._write(q.DROP_EXPIRED_PROMPTS, {"now": now})
        rows = await self._rows(q.PROMPT, params)
        if not rows:
            return None
        row = rows[0]
        return PendingPrompt(Awaiting(row["awaiting"]), row["job_id"], row["user_id"])

    async def drop_prompt(self, chat_id: int, message_id: int) -> None:
        await self._write(q.DROP_PROMPT, {"chat_id": chat_id, "message_id": message_id})

    async def ping(self) -> None:
        await self._write(q.PING, {"now": datetime.now(UTC)})
