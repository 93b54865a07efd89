"""Each state change: where it may start, where it is refused, and what it writes."""

from __future__ import annotations

import pytest

from bot.domain.models import Delivery, JobState
from storage.sqlite import SqliteJobStore
from tests.storage.factories import T0, at, job_in, must, new_job

S = JobState
FINISHING = [S.QUEUED, S.GENERATING, S.SUCCEEDED, S.FAILED, S.CANCELLED]

# Written out by hand rather than derived from STAGE_OF, so the test can disagree with it.
ADVANCES: dict[JobState, set[JobState]] = {
    S.SUBMITTING: {S.QUEUED, S.GENERATING, S.SUCCEEDED, S.FAILED, S.CANCELLED},
    S.QUEUED: {S.GENERATING, S.SUCCEEDED, S.FAILED, S.CANCELLED},
    S.GENERATING: {S.SUCCEEDED, S.FAILED, S.CANCELLED},
    S.SUCCEEDED: set(),
    S.FAILED: set(),
    S.CANCELLED: set(),
    S.DELIVERED: set(),
    S.UNDELIVERABLE: set(),
}
PAIRS = [(start, to) for start in JobState for to in [S.SUBMITTING, *FINISHING]]


@pytest.mark.parametrize(("start", "to"), PAIRS)
async def test_advance_only_moves_forward(
    store: SqliteJobStore, start: JobState, to: JobState
) -> None:
    before = await job_in(store, start)
    moved = await store.advance(before.id, to, at(5), failure_message="why")
    if to in ADVANCES[start]:
        assert moved is not None
        assert (moved.state, moved.updated_at, moved.failure_message) == (to, at(5), "why")
        assert await store.get(before.id) == moved
    else:
        assert moved is None
        assert await store.get(before.id) == before


@pytest.mark.parametrize("to", [S.DELIVERED, S.UNDELIVERABLE])
async def test_advance_does_not_close_jobs(store: SqliteJobStore, to: JobState) -> None:
    job = await job_in(store, S.SUCCEEDED)
    with pytest.raises(ValueError, match="mark_delivered"):
        await store.advance(job.id, to, at(5))
    assert await store.get(job.id) == job


async def test_advance_writes_results_and_keeps_what_it_is_not_given(
    store: SqliteJobStore,
) -> None:
    job = await job_in(store, S.QUEUED)
    running = must(await store.advance(job.id, S.GENERATING, at(1), image_url="thumb"))
    done = must(await store.advance(job.id, S.SUCCEEDED, at(2), video_url="video"))
    assert running.image_url == "thumb"
    assert (done.video_url, done.image_url, done.task_id) == ("video", "thumb", job.task_id)


async def test_failure_keeps_its_code_and_message(store: SqliteJobStore) -> None:
    job = await job_in(store, S.GENERATING)
    failed = must(
        await store.advance(job.id, S.FAILED, at(1), failure_code="422", failure_message="nsfw")
    )
    assert (failed.failure_code, failed.failure_message, failed.failure_reported) == (
        "422",
        "nsfw",
        False,
    )


async def test_advance_of_a_missing_job_is_none(store: SqliteJobStore) -> None:
    assert await store.advance(404, S.QUEUED, T0) is None


@pytest.mark.parametrize("start", list(JobState))
async def test_mark_submitted_only_from_submitting(store: SqliteJobStore, start: JobState) -> None:
    before = await job_in(store, start)
    moved = await store.mark_submitted(before.id, "fresh-task", at(2), at(1))
    if start is S.SUBMITTING:
        assert moved is not None
        assert (moved.state, moved.task_id) == (S.QUEUED, "fresh-task")
        assert (moved.next_poll_at, moved.updated_at) == (at(2), at(1))
    else:
        assert moved is None
        assert await store.get(before.id) == before


async def test_a_job_overtaken_by_its_callback_keeps_its_state_and_gains_the_task_id(
    store: SqliteJobStore,
) -> None:
    job = await store.create(new_job())
    must(await store.advance(job.id, S.SUCCEEDED, at(1), video_url="https://v/1.mp4"))
    moved = must(await store.mark_submitted(job.id, "late-task", at(3), at(2)))
    assert (moved.state, moved.task_id, moved.video_url) == (
        S.SUCCEEDED,
        "late-task",
        "https://v/1.mp4",
    )
    assert await store.mark_submitted(job.id, "again", at(3), at(2)) is None


async def test_a_task_id_belongs_to_one_job(store: SqliteJobStore) -> None:
    taken = await job_in(store, S.QUEUED)
    job = await job_in(store, S.SUBMITTING)
    with pytest.raises(Exception, match="UNIQUE"):
        await store.mark_submitted(job.id, must(taken.task_id), at(1), at(1))
    assert must(await store.get(job.id)).state is S.SUBMITTING


@pytest.mark.parametrize("start", list(JobState))
async def test_mark_delivered_only_from_succeeded(store: SqliteJobStore, start: JobState) -> None:
    before = await job_in(store, start)
    delivery = Delivery(100, 9000, "file-9")
    moved = await store.mark_delivered(before.id, delivery, at(3))
    if start is S.SUCCEEDED:
        assert moved is not None
        assert (moved.state, moved.delivery, moved.updated_at) == (S.DELIVERED, delivery, at(3))
    else:
        assert moved is None
        assert await store.get(before.id) == before


async def test_a_second_delivery_is_refused(store: SqliteJobStore) -> None:
    job = await job_in(store, S.SUCCEEDED)
    first = must(await store.mark_delivered(job.id, Delivery(100, 1, "a"), at(1)))
    assert await store.mark_delivered(job.id, Delivery(100, 2, "b"), at(2)) is None
    assert await store.get(job.id) == first
    assert await store.by_delivery(100, 2) is None


@pytest.mark.parametrize("start", list(JobState))
async def test_mark_undeliverable_only_from_succeeded(
    store: SqliteJobStore, start: JobState
) -> None:
    before = await job_in(store, start)
    moved = await store.mark_undeliverable(before.id, "Forbidden: bot was blocked", at(3))
    if start is S.SUCCEEDED:
        assert moved is not None
        assert (moved.state, moved.failure_message) == (
            S.UNDELIVERABLE,
            "Forbidden: bot was blocked",
        )
        assert moved.delivery is None
    else:
        assert moved is None
        assert await store.get(before.id) == before


async def test_small_updates_touch_only_their_field(store: SqliteJobStore) -> None:
    job = await job_in(store, S.FAILED)
    await store.set_status_message(job.id, 12)
    await store.mark_failure_reported(job.id)
    await store.schedule_poll(job.id, at(9), 3)
    stored = must(await store.get(job.id))
    assert (stored.status_message_id, stored.failure_reported) == (12, True)
    assert (stored.next_poll_at, stored.poll_count) == (at(9), 3)
    assert (stored.state, stored.updated_at) == (S.FAILED, job.updated_at)
