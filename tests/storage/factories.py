"""Building blocks for the store tests: new jobs, fixed times, and driving a job to a state."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.domain.models import Delivery, Job, JobKind, JobState, Origin, VideoOptions
from bot.domain.ports import NewJob
from storage.sqlite import SqliteJobStore

T = TypeVar("T")

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


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
) -> NewJob:
    return NewJob(
        kind=kind,
        prompt=prompt,
        options=options or VideoOptions(),
        origin=Origin(chat_id=chat_id, user_id=user_id, request_message_id=1),
        callback_token=uuid.uuid4().hex,
        created_at=created_at,
        parent_task_id=parent_task_id,
        cost=cost,
    )


def must(value: T | None) -> T:
    assert value is not None
    return value


_RUNS_TO_SUCCESS = {
    JobState.GENERATING,
    JobState.SUCCEEDED,
    JobState.DELIVERED,
    JobState.UNDELIVERABLE,
}
_SUCCEEDS = {JobState.SUCCEEDED, JobState.DELIVERED, JobState.UNDELIVERABLE}


async def drive(store: SqliteJobStore, job: Job, target: JobState) -> Job:
    """Take a fresh SUBMITTING job to `target` by the ordinary path, everything at T0."""
    moved = job
    if target is not JobState.SUBMITTING:
        moved = must(await store.mark_submitted(job.id, f"task-{job.id}", T0, T0))
    if target in _RUNS_TO_SUCCESS:
        moved = must(await store.advance(job.id, JobState.GENERATING, T0))
    if target in _SUCCEEDS:
        video = f"https://cdn.example/{job.id}.mp4"
        moved = must(await store.advance(job.id, JobState.SUCCEEDED, T0, video_url=video))
    if target in (JobState.FAILED, JobState.CANCELLED):
        moved = must(await store.advance(job.id, target, T0))
    if target is JobState.DELIVERED:
        delivery = Delivery(job.origin.chat_id, 500 + job.id, "file-x")
        moved = must(await store.mark_delivered(job.id, delivery, T0))
    if target is JobState.UNDELIVERABLE:
        moved = must(await store.mark_undeliverable(job.id, "bot was blocked", T0))
    assert moved.state is target
    return moved


async def job_in(store: SqliteJobStore, state: JobState, new: NewJob | None = None) -> Job:
    """A new job (by default from `new_job()`) already driven to `state`."""
    job = await store.create(new or new_job())
    return await drive(store, job, state)
