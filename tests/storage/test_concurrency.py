"""Two callers of the same transition at once: exactly one wins, on one store or on two (two
processes on one SQLite file, two replicas on one PostgreSQL database)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.domain.models import Delivery, Engine, Job, JobState
from bot.domain.ports import JobStore
from tests.storage.factories import at, claim, job_in, must, new_job, video

S = JobState
ROUNDS = 10

Race = Callable[[JobStore, Job, int], Awaitable[Job | None]]


def _winner(results: list[Job | None]) -> Job:
    winners = [job for job in results if job is not None]
    assert len(winners) == 1, results
    return winners[0]


async def _submit(store: JobStore, job: Job, racer: int) -> Job | None:
    task = f"task-{job.id}-{racer}"
    return await store.mark_submitted(job.id, job.callback_token, task, at(1), at(1))


async def _finish(store: JobStore, job: Job, racer: int) -> Job | None:
    if racer == 0:
        return await store.advance(job.id, S.SUCCEEDED, at(2), result=video(job.id))
    return await store.advance(job.id, S.FAILED, at(2))


async def _deliver(store: JobStore, job: Job, racer: int) -> Job | None:
    return await store.mark_delivered(job.id, Delivery(100, 1000 * job.id + racer), at(3))


async def _close(store: JobStore, job: Job, racer: int) -> Job | None:
    if racer == 0:
        return await _deliver(store, job, racer)
    return await store.mark_undeliverable(job.id, "blocked", at(3))


RACES: list[tuple[Race, JobState]] = [
    (_submit, S.SUBMITTING),
    (_finish, S.GENERATING),
    (_deliver, S.SUCCEEDED),
    (_close, S.SUCCEEDED),
]


async def _race(stores: tuple[JobStore, JobStore], race: Race, start: JobState) -> None:
    for _ in range(ROUNDS):
        job = await job_in(stores[0], start)
        results = await asyncio.gather(race(stores[0], job, 0), race(stores[1], job, 1))
        winner = _winner(list(results))
        assert await stores[0].get(job.id) == winner
        assert await stores[1].get(job.id) == winner


@pytest.mark.parametrize(("race", "start"), RACES)
async def test_one_winner_on_one_store(store: JobStore, race: Race, start: JobState) -> None:
    await _race((store, store), race, start)


@pytest.mark.parametrize(("race", "start"), RACES)
async def test_one_winner_across_two_stores(
    store: JobStore, twin: JobStore, race: Race, start: JobState
) -> None:
    await _race((store, twin), race, start)


async def test_many_writers_on_two_stores_one_delivery_each(
    store: JobStore, twin: JobStore
) -> None:
    jobs = [await job_in(store, S.SUCCEEDED) for _ in range(10)]
    attempts = [
        _deliver(owner, job, racer)
        for job in jobs
        for racer, owner in enumerate((store, twin, store, twin))
    ]
    results = await asyncio.gather(*attempts)
    assert len([job for job in results if job is not None]) == len(jobs)
    counts = await twin.count_by_state()
    assert counts[S.DELIVERED] == len(jobs)
    assert must(await store.get(jobs[0].id)).updated_at == at(3)


async def test_claims_on_two_stores_never_take_a_job_twice(store: JobStore, twin: JobStore) -> None:
    jobs = [await job_in(store, S.QUEUED) for _ in range(40)]
    batches = await asyncio.gather(
        *(
            owner.claim_due(at(1), claim(f"replica-{n}"), 7)
            for n, owner in enumerate((store, twin) * 4)
        )
    )
    claimed = [job.id for batch in batches for job in batch]
    # 8 batches of 7 have room for all 40: a claim skips only rows another claim is taking
    assert sorted(claimed) == [job.id for job in jobs]


async def test_the_line_hands_each_job_to_one_sender(store: JobStore, twin: JobStore) -> None:
    jobs = [await store.create(new_job()) for _ in range(12)]
    taken = await asyncio.gather(
        *(
            owner.claim_next(Engine.KIE, claim(f"sender-{n}"), at(1))
            for n, owner in enumerate((store, twin) * 8)
        )
    )
    ids = [job.id for job in taken if job is not None]
    assert sorted(ids) == [job.id for job in jobs]
