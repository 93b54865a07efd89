"""The poll queue, the start-up sweep, budgets, usage and counts."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.models import JobState
from storage.sqlite import SqliteJobStore
from tests.storage.factories import T0, at, job_in, new_job

S = JobState


async def test_due_for_poll_is_running_jobs_whose_time_has_come(store: SqliteJobStore) -> None:
    late = await job_in(store, S.QUEUED)
    later = await job_in(store, S.GENERATING)
    on_time = await job_in(store, S.QUEUED)
    future = await job_in(store, S.QUEUED)
    finished = await job_in(store, S.SUCCEEDED)
    await job_in(store, S.SUBMITTING)
    for job, minute in ((late, 1), (later, 2), (on_time, 5), (future, 6), (finished, 0)):
        await store.schedule_poll(job.id, at(minute), 1)
    due = await store.due_for_poll(at(5), 10)
    assert [job.id for job in due] == [late.id, later.id, on_time.id]
    assert [job.id for job in await store.due_for_poll(at(5), 2)] == [late.id, later.id]
    assert await store.due_for_poll(at(0.5), 10) == []


async def test_due_for_poll_accepts_the_end_of_time(store: SqliteJobStore) -> None:
    job = await job_in(store, S.QUEUED)
    due = await store.due_for_poll(datetime.max.replace(tzinfo=UTC), 10_000)
    assert [found.id for found in due] == [job.id]


async def test_unfinished_business_is_what_a_restart_must_pick_up(store: SqliteJobStore) -> None:
    wanted = {
        await job_in(store, S.SUBMITTING),
        await job_in(store, S.SUCCEEDED),
        await job_in(store, S.FAILED),
    }
    reported = await job_in(store, S.FAILED)
    await store.mark_failure_reported(reported.id)
    for state in (S.QUEUED, S.GENERATING, S.DELIVERED, S.UNDELIVERABLE, S.CANCELLED):
        await job_in(store, state)
    found = await store.unfinished_business()
    assert {job.id for job in found} == {job.id for job in wanted}


async def test_budget_counts_for_one_user(store: SqliteJobStore) -> None:
    await job_in(store, S.DELIVERED, new_job(user_id=1, created_at=at(-60)))
    await job_in(store, S.FAILED, new_job(user_id=1, created_at=at(10)))
    await job_in(store, S.QUEUED, new_job(user_id=1, created_at=at(20)))
    await job_in(store, S.SUBMITTING, new_job(user_id=1, created_at=at(30)))
    await job_in(store, S.GENERATING, new_job(user_id=2, created_at=at(30)))
    assert await store.count_created_since(1, T0) == 3
    assert await store.count_created_since(1, at(-61)) == 4
    assert await store.count_created_since(3, T0) == 0
    assert await store.count_active_for_user(1) == 2
    assert await store.count_active_for_user(3) == 0
    assert await store.oldest_created_since(1, T0) == at(10)
    assert await store.oldest_created_since(1, at(31)) is None


async def test_usage_groups_by_user_and_charges_only_what_was_made(
    store: SqliteJobStore,
) -> None:
    for state, user, cost in [
        (S.DELIVERED, 1, 10),
        (S.GENERATING, 1, 20),
        (S.FAILED, 1, 30),
        (S.CANCELLED, 1, 40),
        (S.UNDELIVERABLE, 2, 50),
        (S.FAILED, 3, 60),
        (S.DELIVERED, None, 70),
    ]:
        await job_in(store, state, new_job(user_id=user, cost=cost, created_at=at(1)))
    await job_in(store, S.DELIVERED, new_job(user_id=1, cost=80, created_at=at(-1)))
    usage = await store.usage_since(T0)
    assert [(row.user_id, row.jobs, row.credits) for row in usage] == [
        (2, 1, 50),
        (1, 4, 30),
        (3, 1, 0),
    ]
    assert await store.usage_since(at(2)) == []


async def test_count_by_state_names_every_state(store: SqliteJobStore) -> None:
    assert await store.count_by_state() == dict.fromkeys(JobState, 0)
    await job_in(store, S.QUEUED)
    await job_in(store, S.QUEUED)
    await job_in(store, S.FAILED)
    counts = await store.count_by_state()
    assert (counts[S.QUEUED], counts[S.FAILED], counts[S.DELIVERED]) == (2, 1, 0)
    assert set(counts) == set(JobState)
