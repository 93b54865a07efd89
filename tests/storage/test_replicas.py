"""What PostgreSQL adds to the shared suite: several replicas on one database, where a claim a
live replica holds must survive another replica's start-up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from bot.domain.models import JobState
from storage.postgres import PostgresJobStore
from tests.storage.factories import at, claim, job_in, must

S = JobState


@pytest.fixture
async def replicas(postgres_clean: str) -> AsyncIterator[tuple[PostgresJobStore, PostgresJobStore]]:
    async with (
        PostgresJobStore.open(postgres_clean, pool_size=3) as first,
        PostgresJobStore.open(postgres_clean, pool_size=3) as second,
    ):
        yield first, second


async def test_a_starting_replica_leaves_live_claims_alone(
    replicas: tuple[PostgresJobStore, PostgresJobStore],
) -> None:
    running, starting = replicas
    held = await job_in(running, S.QUEUED)
    dead = await job_in(running, S.GENERATING)
    free = await job_in(running, S.QUEUED)
    await running.reschedule(free.id, at(30), 1)
    await running.claim_due(at(0), claim("alive", 10), 1)  # holds `held` until minute 10
    await running.reschedule(dead.id, at(0), 1)
    await running.claim_due(at(0), claim("dead", 1), 1)  # held `dead` until minute 1
    # `starting` comes up at minute 2: the live claim stays, the dead one and the free job go
    assert await starting.rearm(at(2)) == 2
    taken = await starting.claim_due(at(2), claim("starting", 12), 10)
    assert sorted(job.id for job in taken) == sorted([dead.id, free.id])
    assert must(await starting.get(held.id)).due_at == held.due_at
    assert [job.id for job in await starting.claim_due(at(10), claim("later", 20), 10)] == [held.id]


async def test_claims_racing_on_many_connections_never_overlap(
    replicas: tuple[PostgresJobStore, PostgresJobStore],
) -> None:
    """Six claimers at once over three connections each side: SKIP LOCKED hands each row to one
    of them, and nobody waits for another's lock."""
    first, second = replicas
    jobs = [await job_in(first, S.QUEUED) for _ in range(60)]
    batches = await asyncio.gather(
        *(
            store.claim_due(at(1), claim(f"replica-{n}"), 12)
            for n, store in enumerate((first, second) * 3)
        )
    )
    claimed = [job.id for batch in batches for job in batch]
    assert sorted(claimed) == [job.id for job in jobs]


async def test_a_connection_goes_back_to_the_pool_without_a_trip_to_the_server(
    postgres_clean: str,
) -> None:
    """asyncpg's default release runs a reset query (advisory locks, settings, listeners) on
    the server each time, doubling the trips of a one-statement change; the store's pool skips
    it. The server's own record of the connection's last statement tells which happened."""
    async with PostgresJobStore.open(postgres_clean, pool_size=1) as store:
        job = await job_in(store, S.QUEUED)
        pid = await store.pool.fetchval("SELECT pg_backend_pid()")
        assert await store.get(job.id) is not None
        async with store.pool.acquire() as connection:
            assert await connection.fetchval("SELECT pg_backend_pid()") == pid  # the same one
        observer = await asyncpg.connect(postgres_clean)
        try:
            last = await observer.fetchval("SELECT query FROM pg_stat_activity WHERE pid = $1", pid)
        finally:
            await observer.close()
    assert last == "SELECT pg_backend_pid()"
