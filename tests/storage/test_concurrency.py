"""Two callers of the same transition at once: exactly one wins, on one store or on two."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bot.domain.models import Delivery, Job, JobState
from storage.sqlite import SqliteJobStore
from tests.storage.factories import at, job_in, must

ROUNDS = 20

Race = Callable[[SqliteJobStore, int, int], Awaitable[Job | None]]


@pytest.fixture
async def twin(store: SqliteJobStore, db_path: Path) -> AsyncIterator[SqliteJobStore]:
    """A second store on the same file, as a second process would open it."""
    async with SqliteJobStore.open(db_path) as other:
        yield other


def _winner(results: list[Job | None]) -> Job:
    winners = [job for job in results if job is not None]
    assert len(winners) == 1, results
    return winners[0]


async def _submit(store: SqliteJobStore, job_id: int, racer: int) -> Job | None:
    return await store.mark_submitted(job_id, f"task-{job_id}-{racer}", at(1), at(1))


async def _finish(store: SqliteJobStore, job_id: int, racer: int) -> Job | None:
    to = JobState.SUCCEEDED if racer == 0 else JobState.FAILED
    return await store.advance(job_id, to, at(2))


async def _deliver(store: SqliteJobStore, job_id: int, racer: int) -> Job | None:
    return await store.mark_delivered(job_id, Delivery(100, 1000 * job_id + racer), at(3))


async def _close(store: SqliteJobStore, job_id: int, racer: int) -> Job | None:
    if racer == 0:
        return await _deliver(store, job_id, racer)
    return await store.mark_undeliverable(job_id, "blocked", at(3))


RACES: list[tuple[Race, JobState]] = [
    (_submit, JobState.SUBMITTING),
    (_finish, JobState.GENERATING),
    (_deliver, JobState.SUCCEEDED),
    (_close, JobState.SUCCEEDED),
]


async def _race(stores: tuple[SqliteJobStore, SqliteJobStore], race: Race, start: JobState) -> None:
    for _ in range(ROUNDS):
        job = await job_in(stores[0], start)
        results = await asyncio.gather(race(stores[0], job.id, 0), race(stores[1], job.id, 1))
        winner = _winner(list(results))
        assert await stores[0].get(job.id) == winner
        assert await stores[1].get(job.id) == winner


@pytest.mark.parametrize(("race", "start"), RACES)
async def test_one_winner_on_one_store(store: SqliteJobStore, race: Race, start: JobState) -> None:
    await _race((store, store), race, start)


@pytest.mark.parametrize(("race", "start"), RACES)
async def test_one_winner_across_two_stores(
    store: SqliteJobStore, twin: SqliteJobStore, race: Race, start: JobState
) -> None:
    await _race((store, twin), race, start)


async def test_many_writers_on_two_stores_one_delivery_each(
    store: SqliteJobStore, twin: SqliteJobStore
) -> None:
    jobs = [await job_in(store, JobState.SUCCEEDED) for _ in range(10)]
    attempts = [
        _deliver(owner, job.id, racer)
        for job in jobs
        for racer, owner in enumerate((store, twin, store, twin))
    ]
    results = await asyncio.gather(*attempts)
    assert len([job for job in results if job is not None]) == len(jobs)
    counts = await twin.count_by_state()
    assert counts[JobState.DELIVERED] == len(jobs)
    assert must(await store.get(jobs[0].id)).updated_at == at(3)
