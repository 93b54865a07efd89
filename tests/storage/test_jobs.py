"""Creating jobs, reading every field back, and the look-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.domain.models import (
    AspectRatio,
    Delivery,
    Engine,
    Failure,
    FailureReason,
    Job,
    JobKind,
    JobState,
    Origin,
    PaymentMethod,
    Quality,
    Result,
    ResultKind,
    VideoOptions,
)
from bot.domain.ports import JobRef, JobStore, NewJob
from bot.domain.tools import TrimVideo
from tests.storage.factories import T0, at, claim, job_in, must, new_job

S = JobState
LONG_PROMPT = ('She said "it\'s fine" 🎬🐈‍⬛ -- DROP TABLE jobs; ' * 60)[:1800]


async def test_a_new_job_reads_back_as_created(store: JobStore) -> None:
    new = NewJob(
        kind=JobKind.ALEPH,
        prompt=LONG_PROMPT,
        options=VideoOptions(AspectRatio.TALL, 10, Quality.FULL_HD, "@my_channel", seed=2**40),
        origin=Origin(
            chat_id=-1001234567890,
            user_id=7_000_000_000,
            request_message_id=9,
            thread_id=3,
            language="ru",
        ),
        callback_token="tok-1",
        created_at=T0,
        state=S.AWAITING_PAYMENT,
        engine=Engine.RUNWAY_AI,
        parent_task_id="parent-task",
        cost=30,
        price_stars=45,
        payment=PaymentMethod.INVOICE,
        publish_channel_id=-100999,
        source_id="file-src",
        reference_id="file-ref",
        input_url="https://in.example/v.mp4",
        reference_url="https://in.example/r.jpg",
        note="status.note.frame",
        due_at=at(15),
    )
    job = await store.create(new)
    assert len(LONG_PROMPT) == 1800
    assert job == Job(
        id=job.id,
        kind=JobKind.ALEPH,
        prompt=LONG_PROMPT,
        options=new.options,
        origin=new.origin,
        callback_token="tok-1",
        state=S.AWAITING_PAYMENT,
        created_at=T0,
        updated_at=T0,
        engine=Engine.RUNWAY_AI,
        parent_task_id="parent-task",
        cost=30,
        price_stars=45,
        payment=PaymentMethod.INVOICE,
        publish_channel_id=-100999,
        source_id="file-src",
        reference_id="file-ref",
        input_url="https://in.example/v.mp4",
        reference_url="https://in.example/r.jpg",
        note="status.note.frame",
        due_at=at(15),
    )
    assert await store.get(job.id) == job


async def test_a_tool_request_reads_back(store: JobStore) -> None:
    trim = TrimVideo(start=1.5, end=4.0)
    new = replace(new_job(kind=JobKind.TOOL, engine=Engine.LOCAL), tool=trim)
    job = await store.create(new)
    assert must(await store.get(job.id)).tool == trim


async def test_nones_and_defaults_read_back(store: JobStore) -> None:
    new = replace(
        new_job(options=VideoOptions(aspect_ratio=None)),
        origin=Origin(chat_id=5, user_id=None, request_message_id=None),
    )
    job = must(await store.get((await store.create(new)).id))
    assert job.options == VideoOptions(aspect_ratio=None)
    assert job.origin == Origin(chat_id=5, user_id=None, request_message_id=None)
    assert (job.state, job.engine, job.tool) == (S.WAITING, Engine.KIE, None)
    for field in ("task_id", "parent_task_id", "status_message_id", "result", "failure"):
        assert getattr(job, field) is None
    assert (job.delivery, job.due_at, job.submitted_at, job.payment) == (None,) * 4
    assert (job.failure_reported, job.checks, job.attempt, job.price_stars) == (False, 0, 0, 0)


async def test_every_later_field_reads_back(store: JobStore) -> None:
    job = await job_in(store, S.SUBMITTING)
    await store.set_status_message(job.id, 77)
    must(await store.mark_sending(job.id, job.callback_token, at(0.25)))
    must(await store.mark_submitted(job.id, job.callback_token, "task-a", at(1), at(0.5)))
    await store.reschedule(job.id, at(3), 4)
    result = Result(ResultKind.PHOTO, "https://cdn/p.jpg", "poster", "words")
    must(await store.advance(job.id, S.SUCCEEDED, at(2), result=result))
    must(await store.mark_delivered(job.id, Delivery(100, 501, "file-1"), at(4)))
    await store.mark_failure_reported(job.id)
    stored = must(await store.get(job.id))
    assert stored.status_message_id == 77
    assert (stored.task_id, stored.result, stored.attempt) == ("task-a", result, 1)
    assert (stored.submitted_at, stored.checks) == (at(0.25), 0)
    assert stored.delivery == Delivery(100, 501, "file-1")
    assert (stored.failure_reported, stored.due_at) == (True, None)
    assert (stored.created_at, stored.updated_at) == (T0, at(4))


async def test_times_come_back_aware_utc(store: JobStore) -> None:
    moscow = timezone(timedelta(hours=3))
    created = datetime(2025, 3, 1, 15, 0, 0, 123456, tzinfo=moscow)
    job = await store.create(new_job(created_at=created))
    stored = must(await store.get(job.id))
    assert stored.created_at == created
    assert stored.created_at.tzinfo is UTC
    assert (stored.created_at.hour, stored.created_at.microsecond) == (12, 123456)


async def test_naive_times_are_refused(store: JobStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.create(new_job(created_at=datetime(2025, 3, 1, 12, 0)))


async def test_callback_tokens_are_unique(store: JobStore) -> None:
    first = new_job()
    await store.create(first)
    with pytest.raises(Exception, match=r"(?i)unique"):
        await store.create(replace(new_job(), callback_token=first.callback_token))


async def test_lookups_by_id_and_token(store: JobStore) -> None:
    job = await job_in(store, S.QUEUED)
    assert await store.get(job.id) == job
    assert await store.by_callback_token(job.callback_token) == JobRef(
        job.id, job.callback_token, job.task_id
    )
    assert await store.get(job.id + 1) is None
    assert await store.by_callback_token("unknown") is None


async def test_by_delivery_finds_the_result_message(store: JobStore) -> None:
    other = await job_in(store, S.DELIVERED, new_job(chat_id=200))
    job = await job_in(store, S.DELIVERED)
    delivered, elsewhere = must(job.delivery), must(other.delivery)
    assert await store.by_delivery(delivered.chat_id, must(delivered.message_id)) == job
    assert await store.by_delivery(200, must(delivered.message_id)) is None
    assert await store.by_delivery(200, must(elsewhere.message_id)) == other


async def test_by_status_message_finds_every_job_of_a_shared_status(store: JobStore) -> None:
    jobs = [await job_in(store, S.QUEUED) for _ in range(3)]
    elsewhere = await job_in(store, S.QUEUED, new_job(chat_id=200))
    for job in (*jobs[:2], elsewhere):
        await store.set_status_message(job.id, 40)
    found = await store.by_status_message(100, 40)
    assert [job.id for job in found] == [jobs[0].id, jobs[1].id]
    assert await store.by_status_message(100, 41) == []


async def test_recent_is_newest_first_within_the_chat(store: JobStore) -> None:
    jobs = [await store.create(new_job(created_at=at(minute))) for minute in (1, 3, 2)]
    await store.create(new_job(chat_id=999, created_at=at(10)))
    newest_first = [jobs[2], jobs[1], jobs[0]]
    assert await store.recent(100, 10) == newest_first
    assert await store.recent(100, 2) == newest_first[:2]
    assert await store.recent(100, 10, before_id=jobs[2].id) == newest_first[1:]
    assert await store.recent(12345, 10) == []


async def test_active_lists_only_running_jobs_newest_first(store: JobStore) -> None:
    jobs = [await job_in(store, state, new_job(created_at=at(i))) for i, state in enumerate(S)]
    await job_in(store, S.QUEUED, new_job(chat_id=999))
    active = await store.active(100)
    assert [job.state for job in active] == [S.GENERATING, S.QUEUED, S.SUBMITTING, S.WAITING]
    by_state = {job.state: job.id for job in jobs}
    assert [job.id for job in active] == [by_state[job.state] for job in active]


async def test_chain_of_three_extensions_is_oldest_first(store: JobStore) -> None:
    root = await job_in(store, S.DELIVERED)
    line = [root]
    for minute in (1, 2, 3):
        extension = new_job(
            kind=JobKind.EXTEND, parent_task_id=line[-1].task_id, created_at=at(minute)
        )
        line.append(await job_in(store, S.QUEUED, extension))
    assert await store.chain(line[3].id) == [await store.get(job.id) for job in line]
    assert [job.id for job in await store.chain(line[1].id)] == [root.id, line[1].id]
    assert await store.chain(root.id) == [root]


async def test_chain_stops_at_an_unknown_parent_and_at_a_missing_job(store: JobStore) -> None:
    orphan = await store.create(new_job(parent_task_id="never-seen"))
    assert await store.chain(orphan.id) == [orphan]
    assert await store.chain(orphan.id + 100) == []


async def test_the_line_and_places_in_it(store: JobStore) -> None:
    first = await store.create(new_job())
    other_engine = await store.create(new_job(engine=Engine.RUNWAY_AI))
    second = await store.create(new_job())
    await job_in(store, S.QUEUED)
    third = await store.create(new_job())
    taken = must(await store.claim_next(Engine.KIE, claim(), T0))
    assert taken.id == first.id
    # a claimed job not yet sent is still ahead of those behind it
    assert await store.waiting_ahead(second) == 1
    assert await store.waiting_ahead(third) == 2
    assert await store.waiting_ahead(other_engine) == 0
    assert [job.id for job in await store.waiting(10)] == [other_engine.id, second.id, third.id]
    assert [job.id for job in await store.waiting(1)] == [other_engine.id]
    must(await store.mark_sending(first.id, first.callback_token, T0))
    assert await store.waiting_ahead(second) == 0


async def test_failure_reads_back(store: JobStore) -> None:
    job = await job_in(store, S.GENERATING)
    failure = Failure(FailureReason.MODERATION, "nsfw", "422")
    failed = must(await store.advance(job.id, S.FAILED, at(1), failure=failure))
    assert (failed.failure, failed.failure_reported) == (failure, False)
    assert must(await store.get(job.id)).failure == failure


async def test_delivered_videos_match_every_word_in_any_case_for_their_owner_only(
    store: JobStore,
) -> None:
    fox = await job_in(store, S.DELIVERED, new_job(prompt="A red FOX jumps over the snow"))
    vixen = await job_in(store, S.DELIVERED, new_job(prompt="Рыжая ЛИСА в снегу"))
    await job_in(store, S.DELIVERED, new_job(user_id=8, prompt="a red fox, someone else's"))
    await job_in(store, S.SUCCEEDED, new_job(prompt="a red fox not yet delivered"))

    assert [j.id for j in await store.delivered_videos(7, ["fox", "RED"], 10)] == [fox.id]
    assert [j.id for j in await store.delivered_videos(7, ["лиса"], 10)] == [vixen.id]
    assert [j.id for j in await store.delivered_videos(7, [], 10)] == [vixen.id, fox.id]
    assert [j.id for j in await store.delivered_videos(7, [], 10, before_id=vixen.id)] == [fox.id]
    assert await store.delivered_videos(7, ["fox", "cat"], 10) == []
