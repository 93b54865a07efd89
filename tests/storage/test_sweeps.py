"""Claiming due work, the start-up re-arm, budgets, usage and counts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.domain.claims import HeldClaims
from bot.domain.models import JobState
from bot.domain.ports import JobStore
from tests.storage.factories import T0, at, claim, job_in, must, new_job
from tests.support import eventually

S = JobState


async def test_claim_due_takes_open_jobs_whose_time_has_come(store: JobStore) -> None:
    late = await job_in(store, S.QUEUED)
    later = await job_in(store, S.GENERATING)
    on_time = await job_in(store, S.SUCCEEDED)
    future = await job_in(store, S.QUEUED)
    await job_in(store, S.DELIVERED)
    await store.create(new_job())  # WAITING: the line hands those out, not claim_due
    for job, minute in ((late, 1), (later, 2), (on_time, 5), (future, 6)):
        await store.reschedule(job.id, at(minute), 1)
    assert await store.claim_due(at(0.5), claim(), 10) == []
    first = await store.claim_due(at(5), claim(), 2)
    assert [job.id for job in first] == [late.id, later.id]
    rest = await store.claim_due(at(5), claim("replica-b"), 10)
    assert [job.id for job in rest] == [on_time.id]
    assert await store.claim_due(at(5), claim("replica-c"), 10) == []


async def test_claim_due_accepts_the_end_of_time(store: JobStore) -> None:
    job = await job_in(store, S.QUEUED)
    end = datetime(9999, 12, 31, tzinfo=UTC)
    due = await store.claim_due(end, claim(minutes=1), 10_000)
    assert [found.id for found in due] == [job.id]


async def test_a_claim_ends_and_the_job_may_be_taken_over(store: JobStore) -> None:
    job = await job_in(store, S.QUEUED)
    assert len(await store.claim_due(T0, claim("replica-a", 3), 10)) == 1
    assert await store.claim_due(at(2), claim("replica-b", 5), 10) == []
    assert [j.id for j in await store.claim_due(at(3), claim("replica-b", 5), 10)] == [job.id]


async def test_a_delivering_worker_extends_only_its_own_claims(store: JobStore) -> None:
    job = await job_in(store, S.SUCCEEDED)
    await store.reschedule(job.id, T0, 0)
    assert len(await store.claim_due(T0, claim("replica-a", 3), 10)) == 1
    assert await store.extend_claims([job.id], claim("replica-b", 30)) == []
    delivered = await job_in(store, S.DELIVERED)
    assert await store.extend_claims([job.id, delivered.id, 10**9], claim("replica-a", 30)) == [
        job.id
    ]
    assert must(await store.get(job.id)).due_at == at(30)
    assert await store.claim_due(at(10), claim("replica-b", 40), 10) == []  # still held
    assert len(await store.claim_due(at(30), claim("replica-b", 40), 10)) == 1
    assert await store.extend_claims([], claim("replica-a", 30)) == []


async def test_held_claims_are_renewed_together_while_held(store: JobStore) -> None:
    """One renewal moves every claim still held; a claim taken over meanwhile is left alone
    and no longer renewed; once the last hold ends, nothing is renewed."""
    jobs = [await job_in(store, S.SUCCEEDED) for _ in range(3)]
    for job in jobs:
        await store.reschedule(job.id, T0, 0)
    await store.claim_due(T0, claim("replica-a", 1), 10)
    now = [at(0)]
    held = HeldClaims(store, "replica-a", lambda: 0.6, lambda: now[0])  # renewed every 0.2 s
    async with held.holding(jobs[0].id), held.holding(jobs[1].id), held.holding(jobs[2].id):
        (taken,) = await store.claim_due(at(2), claim("replica-b", 60), 1)
        now[0] = at(5)
        await eventually(lambda: held.renewals >= 1, what="a renewal")
        assert len(held) == 2
        for job in jobs:
            renewed = must(await store.get(job.id))
            if job.id == taken.id:
                assert renewed.due_at == T0  # replica-b's now: left alone
            else:
                assert renewed.due_at == at(5) + timedelta(seconds=0.6)
    assert len(held) == 0
    renewals = held.renewals
    await asyncio.sleep(0.5)
    assert held.renewals == renewals  # nothing held, nothing renewed


async def test_reschedule_releases_only_its_own_claim(store: JobStore) -> None:
    job = await job_in(store, S.QUEUED)
    await store.claim_due(T0, claim("replica-a", 30), 10)
    await store.reschedule(job.id, at(1), 1, owner="replica-b")
    assert await store.claim_due(at(2), claim("replica-c"), 10) == []
    await store.reschedule(job.id, at(1), 2, owner="replica-a")
    assert [j.checks for j in await store.claim_due(at(2), claim("replica-c"), 10)] == [2]


async def test_rearm_makes_running_jobs_due_at_once(store: JobStore) -> None:
    running = [await job_in(store, S.QUEUED), await job_in(store, S.GENERATING)]
    for job in running:
        await store.reschedule(job.id, at(60), 3)
    others = [await job_in(store, state) for state in (S.SUCCEEDED, S.DELIVERED, S.FAILED)]
    assert await store.rearm(at(1)) == 2
    for job in running:
        assert must(await store.get(job.id)).due_at == at(1)
    for job in others:
        assert must(await store.get(job.id)).due_at == job.due_at


async def test_rearm_frees_the_claims_of_the_dead(store: JobStore) -> None:
    job = await job_in(store, S.QUEUED)
    await store.claim_due(T0, claim("dead-replica", 1), 10)
    assert await store.rearm(at(2)) == 1
    assert [j.id for j in await store.claim_due(at(2), claim("replica-b"), 10)] == [job.id]


async def test_a_store_rearms_in_one_statement_for_many_jobs(store: JobStore) -> None:
    for _ in range(50):
        await job_in(store, S.QUEUED)
    assert await store.rearm(at(1)) == 50
    assert len(await store.claim_due(at(1), claim(), 100)) == 50


async def test_budget_counts_for_one_user(store: JobStore) -> None:
    await job_in(store, S.DELIVERED, new_job(user_id=1, created_at=at(-60)))
    await job_in(store, S.FAILED, new_job(user_id=1, created_at=at(10)))
    await job_in(store, S.QUEUED, new_job(user_id=1, created_at=at(20)))
    await job_in(store, S.SUBMITTING, new_job(user_id=1, created_at=at(30)))
    await job_in(store, S.WAITING, new_job(user_id=1, created_at=at(31)))
    await job_in(store, S.AWAITING_PAYMENT, new_job(user_id=1, created_at=at(32)))
    cancelled_sent = await job_in(store, S.QUEUED, new_job(user_id=1, created_at=at(33)))
    must(await store.advance(cancelled_sent.id, S.CANCELLED, at(33)))  # the provider had it
    await job_in(store, S.GENERATING, new_job(user_id=2, created_at=at(30)))
    cancelled_unsent = await job_in(store, S.WAITING, new_job(user_id=1, created_at=at(34)))
    must(await store.advance(cancelled_unsent.id, S.CANCELLED, at(35)))
    assert await store.count_charged_since(1, T0) == 4  # queued, submitting, waiting, cancelled
    assert await store.count_charged_since(1, at(-61)) == 5
    assert await store.count_charged_since(3, T0) == 0
    assert await store.count_active_for_user(1) == 3
    assert await store.count_active_for_user(3) == 0
    assert await store.oldest_charged_since(1, T0) == at(20)
    assert await store.oldest_charged_since(1, at(34)) is None


async def test_usage_groups_by_user_and_charges_only_what_was_made(store: JobStore) -> None:
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


async def test_count_by_state_names_every_state(store: JobStore) -> None:
    assert await store.count_by_state() == dict.fromkeys(JobState, 0)
    await job_in(store, S.QUEUED)
    await job_in(store, S.QUEUED)
    await job_in(store, S.FAILED)
    counts = await store.count_by_state()
    assert (counts[S.QUEUED], counts[S.FAILED], counts[S.DELIVERED]) == (2, 1, 0)
    assert set(counts) == set(JobState)
