"""Building blocks for the store tests: new jobs, fixed times, and driving a job to a state."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.domain.models import (
    Delivery,
    Engine,
    Failure,
    FailureReason,
    Job,
    JobKind,
    JobState,
    Origin,
    Result,
    ResultKind,
    VideoOptions,
)
from bot.domain.ports import Claim, JobStore, NewJob

T = TypeVar("T")

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
S = JobState


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def claim(owner: str = "replica-a", minutes: float = 10) -> Claim:
    return Claim(owner, at(minutes))


def video(job_id: int) -> Result:
    return Result(ResultKind.VIDEO, f"https://cdn.example/{job_id}.mp4", poster_url="still")


def new_job(
    *,
    chat_id: int = 100,
    user_id: int | None = 7,
    created_at: datetime = T0,
    kind: JobKind = JobKind.TEXT,
    prompt: str = "a cat on a skateboard",
    parent_task_id: str | None = None,
    cost: int = 10,
    options: VideoOptions | None = None,
    state: JobState = S.WAITING,
    engine: Engine = Engine.KIE,
    due_at: datetime | None = None,
) -> NewJob:
    return NewJob(
        kind=kind,
        prompt=prompt,
        options=options or VideoOptions(),
        origin=Origin(chat_id=chat_id, user_id=user_id, request_message_id=1),
        callback_token=uuid.uuid4().hex,
        created_at=created_at,
        state=state,
        engine=engine,
        parent_task_id=parent_task_id,
        cost=cost,
        due_at=due_at,
    )


def must(value: T | None) -> T:
    assert value is not None
    return value


_RUNNING = {S.QUEUED, S.GENERATING, S.SUCCEEDED, S.DELIVERED, S.UNDELIVERABLE}
_GENERATED = {S.GENERATING, S.SUCCEEDED, S.DELIVERED, S.UNDELIVERABLE}
_SUCCEEDS = {S.SUCCEEDED, S.DELIVERED, S.UNDELIVERABLE}


async def drive(store: JobStore, job: Job, target: JobState) -> Job:
    """Take a fresh job (created SUBMITTING, or already in `target`) to `target` by the
    ordinary path, everything at T0."""
    moved = job
    if target in _RUNNING:
        task_id = f"task-{job.id}"
        moved = must(await store.mark_submitted(job.id, job.callback_token, task_id, T0, T0))
    if target in _GENERATED:
        moved = must(await store.advance(job.id, S.GENERATING, T0))
    if target in _SUCCEEDS:
        moved = must(await store.advance(job.id, S.SUCCEEDED, T0, result=video(job.id)))
    if target in (S.FAILED, S.CANCELLED):
        failure = Failure(FailureReason.GENERATION_FAILED, "it broke", "500")
        moved = must(await store.advance(job.id, target, T0, failure=failure))
    if target is S.DELIVERED:
        delivery = Delivery(job.origin.chat_id, 500 + job.id, "file-x")
        moved = must(await store.mark_delivered(job.id, delivery, T0))
    if target is S.UNDELIVERABLE:
        moved = must(await store.mark_undeliverable(job.id, "bot was blocked", T0))
    assert moved.state is target
    return moved


async def job_in(store: JobStore, state: JobState, new: NewJob | None = None) -> Job:
    """A new job (by default from `new_job()`) already driven to `state`."""
    start = state if state in (S.AWAITING_PAYMENT, S.WAITING) else S.SUBMITTING
    job = await store.create(replace(new or new_job(), state=start))
    return await drive(store, job, state)
