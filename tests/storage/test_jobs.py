"""Creating jobs, reading every field back, and the look-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.domain.models import (
    AspectRatio,
    Delivery,
    Job,
    JobKind,
    JobState,
    Origin,
    Quality,
    VideoOptions,
)
from bot.domain.ports import JobStore, NewJob
from storage.sqlite import SqliteJobStore
from tests.storage.factories import T0, at, job_in, must, new_job

LONG_PROMPT = ('She said "it\'s fine" 🎬🐈‍⬛ -- DROP TABLE jobs; ' * 60)[:1800]


def test_the_store_implements_the_port(store: SqliteJobStore) -> None:
    port: JobStore = store
    assert port is store


async def test_a_new_job_reads_back_as_created(store: SqliteJobStore) -> None:
    new = NewJob(
        kind=JobKind.EXTEND,
        prompt=LONG_PROMPT,
        options=VideoOptions(AspectRatio.TALL, 10, Quality.FULL_HD, "@my_channel"),
        origin=Origin(
            chat_id=-100123, user_id=42, request_message_id=9, thread_id=3, language="ru"
        ),
        callback_token="tok-1",
        created_at=T0,
        parent_task_id="parent-task",
        cost=30,
        publish_channel_id=-100999,
    )
    job = await store.create(new)
    assert len(LONG_PROMPT) == 1800
    assert job == Job(
        id=job.id,
        kind=JobKind.EXTEND,
        prompt=LONG_PROMPT,
        options=new.options,
        origin=new.origin,
        callback_token="tok-1",
        state=JobState.SUBMITTING,
        created_at=T0,
        updated_at=T0,
        parent_task_id="parent-task",
        cost=30,
        publish_channel_id=-100999,
    )
    assert await store.get(job.id) == job


async def test_nones_and_defaults_read_back(store: SqliteJobStore) -> None:
    new = replace(
        new_job(options=VideoOptions(aspect_ratio=None)),
        origin=Origin(chat_id=5, user_id=None, request_message_id=None),
    )
    job = must(await store.get((await store.create(new)).id))
    assert job.options == VideoOptions(aspect_ratio=None)
    assert job.origin == Origin(chat_id=5, user_id=None, request_message_id=None)
    for field in ("task_id", "parent_task_id", "status_message_id", "video_url", "image_url"):
        assert getattr(job, field) is None
    assert (job.failure_code, job.failure_message, job.delivery, job.next_poll_at) == (None,) * 4
    assert (job.failure_reported, job.poll_count, job.publish_channel_id) == (False, 0, None)


async def test_every_later_field_reads_back(store: SqliteJobStore) -> None:
    job = await store.create(new_job())
    await store.set_status_message(job.id, 77)
    must(await store.mark_submitted(job.id, "task-a", at(1), at(0.5)))
    await store.schedule_poll(job.id, at(3), 4)
    must(await store.advance(job.id, JobState.SUCCEEDED, at(2), video_url="v", image_url="i"))
    must(await store.mark_delivered(job.id, Delivery(100, 501, "file-1"), at(4)))
    await store.mark_failure_reported(job.id)
    stored = must(await store.get(job.id))
    assert stored.status_message_id == 77
    assert (stored.task_id, stored.video_url, stored.image_url) == ("task-a", "v", "i")
    assert (stored.next_poll_at, stored.poll_count) == (at(3), 4)
    assert stored.delivery == Delivery(100, 501, "file-1")
    assert stored.failure_reported is True
    assert (stored.created_at, stored.updated_at) == (T0, at(4))


async def test_times_come_back_aware_utc(store: SqliteJobStore) -> None:
    moscow = timezone(timedelta(hours=3))
    created = datetime(2025, 3, 1, 15, 0, 0, 123456, tzinfo=moscow)
    job = await store.create(new_job(created_at=created))
    stored = must(await store.get(job.id))
    assert stored.created_at == created
    assert stored.created_at.tzinfo is UTC
    assert stored.created_at.hour == 12


async def test_naive_times_are_refused(store: SqliteJobStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.create(new_job(created_at=datetime(2025, 3, 1, 12, 0)))


async def test_callback_tokens_are_unique(store: SqliteJobStore) -> None:
    first = new_job()
    await store.create(first)
    with pytest.raises(Exception, match="UNIQUE"):
        await store.create(replace(new_job(), callback_token=first.callback_token))


async def test_lookups_by_id_task_and_token(store: SqliteJobStore) -> None:
    job = await job_in(store, JobState.QUEUED)
    assert await store.get(job.id) == job
    assert await store.by_task_id(f"task-{job.id}") == job
    assert await store.by_callback_token(job.callback_token) == job
    assert await store.get(job.id + 1) is None
    assert await store.by_task_id("unknown") is None
    assert await store.by_callback_token("unknown") is None


async def test_by_delivery_finds_the_video_message(store: SqliteJobStore) -> None:
    other = await job_in(store, JobState.DELIVERED, new_job(chat_id=200))
    job = await job_in(store, JobState.DELIVERED)
    assert job.delivery is not None
    assert await store.by_delivery(job.delivery.chat_id, job.delivery.message_id) == job
    assert await store.by_delivery(200, job.delivery.message_id) is None
    assert other.delivery is not None
    assert await store.by_delivery(200, other.delivery.message_id) == other


async def test_recent_is_newest_first_within_the_chat(store: SqliteJobStore) -> None:
    jobs = [await store.create(new_job(created_at=at(minute))) for minute in (1, 3, 2)]
    await store.create(new_job(chat_id=999, created_at=at(10)))
    assert await store.recent(100, 10) == [jobs[1], jobs[2], jobs[0]]
    assert await store.recent(100, 2) == [jobs[1], jobs[2]]
    assert await store.recent(12345, 10) == []


async def test_active_lists_only_running_jobs_newest_first(store: SqliteJobStore) -> None:
    states = [JobState.SUBMITTING, JobState.QUEUED, JobState.GENERATING, JobState.SUCCEEDED]
    states += [JobState.DELIVERED, JobState.FAILED, JobState.CANCELLED, JobState.UNDELIVERABLE]
    jobs = [await job_in(store, s, new_job(created_at=at(i))) for i, s in enumerate(states)]
    await job_in(store, JobState.QUEUED, new_job(chat_id=999))
    active = await store.active(100)
    assert [job.state for job in active] == [
        JobState.GENERATING,
        JobState.QUEUED,
        JobState.SUBMITTING,
    ]
    assert [job.id for job in active] == [jobs[2].id, jobs[1].id, jobs[0].id]


async def test_chain_of_three_extensions_is_oldest_first(store: SqliteJobStore) -> None:
    root = await job_in(store, JobState.DELIVERED)
    line = [root]
    for minute in (1, 2, 3):
        extension = new_job(
            kind=JobKind.EXTEND, parent_task_id=line[-1].task_id, created_at=at(minute)
        )
        line.append(await job_in(store, JobState.QUEUED, extension))
    assert await store.chain(line[3].id) == [await store.get(job.id) for job in line]
    assert [job.id for job in await store.chain(line[1].id)] == [root.id, line[1].id]
    assert await store.chain(root.id) == [root]


async def test_chain_stops_at_an_unknown_parent_and_at_a_missing_job(
    store: SqliteJobStore,
) -> None:
    orphan = await store.create(new_job(parent_task_id="never-seen"))
    assert await store.chain(orphan.id) == [orphan]
    assert await store.chain(orphan.id + 100) == []
