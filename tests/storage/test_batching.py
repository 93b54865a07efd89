"""Group commit on SQLite: writes that arrive together share one transaction, each caller is
answered only once its transaction has committed, and one failing statement fails only its own
caller."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.domain.models import Delivery, JobState
from storage.sqlite import SqliteJobStore
from tests.storage.factories import T0, at, job_in, must, new_job


@pytest.fixture
async def sqlite_store(db_path: Path) -> AsyncIterator[SqliteJobStore]:
    async with SqliteJobStore.open(db_path) as store:
        yield store


def _states_on_disk(path: Path) -> dict[int, str]:
    """What a separate connection (another process) reads from the file."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, state FROM jobs").fetchall()
    db.close()
    return dict(rows)


async def test_writes_arriving_together_share_a_transaction(
    sqlite_store: SqliteJobStore, db_path: Path
) -> None:
    store = sqlite_store
    jobs = [await job_in(store, JobState.SUCCEEDED, new_job(chat_id=n)) for n in range(40)]
    writer = must(store.writer)
    before = (writer.statements, writer.batches)
    delivered = await asyncio.gather(
        *(store.mark_delivered(job.id, Delivery(1, job.id, "f"), at(1)) for job in jobs)
    )
    statements, batches = writer.statements - before[0], writer.batches - before[1]
    assert [must(job).state for job in delivered] == [JobState.DELIVERED] * 40
    assert [must(job).id for job in delivered] == [job.id for job in jobs]
    assert statements == 40
    assert batches < 10
    # Answered means committed: another connection already sees every one.
    on_disk = _states_on_disk(db_path)
    assert all(on_disk[job.id] == "delivered" for job in jobs)


async def test_a_failing_statement_fails_only_its_own_caller(sqlite_store: SqliteJobStore) -> None:
    store = sqlite_store
    first = await store.create(new_job())
    taken = replace(new_job(), callback_token=first.callback_token)
    results = await asyncio.gather(
        store.create(new_job(chat_id=1)),
        store.create(taken),  # the token is unique: this INSERT fails
        store.create(new_job(chat_id=2)),
        return_exceptions=True,
    )
    assert isinstance(results[1], sqlite3.IntegrityError)
    kept = [result for result in results if not isinstance(result, BaseException)]
    assert [job.origin.chat_id for job in kept] == [1, 2]
    for job in kept:
        assert await store.get(job.id) == job


async def test_reads_after_an_answered_write_see_it(sqlite_store: SqliteJobStore) -> None:
    """Reads have a connection of their own; a write answered is committed, so they see it."""
    store = sqlite_store
    job = await job_in(store, JobState.GENERATING)
    moved = must(await store.advance(job.id, JobState.FAILED, T0))
    reads = [store.get(job.id) for _ in range(10)]
    seen = await asyncio.gather(*reads)
    assert [must(found).state for found in seen] == [moved.state] * 10
