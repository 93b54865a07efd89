"""Start-up recovery is set-based: however many jobs the file holds, re-arming them is a fixed
number of statements in one trip, not one statement per job."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.domain.models import JobKind, JobState, Origin, VideoOptions
from bot.domain.ports import NewJob
from storage import queries
from storage.rows import new_job_params
from storage.sqlite import SqliteJobStore
from tests.storage.factories import T0, at

JOBS = 100_000
# Every fourth job is running at the provider; every tenth is claimed by a process now dead.
STATES = (JobState.QUEUED, JobState.DELIVERED, JobState.GENERATING, JobState.FAILED)


def _rows(count: int) -> Iterator[dict[str, Any]]:
    """One job's parameters as the store writes them, varied per row where it matters."""
    new = NewJob(
        kind=JobKind.TEXT,
        prompt="clip",
        options=VideoOptions(),
        origin=Origin(100, 1, request_message_id=0),
        callback_token="token",
        created_at=T0,
        state=JobState.QUEUED,
        due_at=at(60),
    )
    base = new_job_params(new)
    for number in range(count):
        yield base | {
            "prompt": f"clip {number}",
            "chat_id": 100 + number % 50,
            "user_id": number % 50 + 1,
            "request_message_id": number,
            "callback_token": f"token-{number}",
            "state": STATES[number % len(STATES)].value,
        }


def _fill(path: Path, count: int) -> None:
    """`count` jobs in one executemany, a second or two where the store would take minutes."""
    with sqlite3.connect(path) as db:
        db.executemany(queries.INSERT_JOB.replace("RETURNING *", ""), _rows(count))
        db.execute(
            "UPDATE jobs SET claim_owner = 'dead', claim_until = ? WHERE id % 10 = 0", ("x",)
        )
    db.close()


@pytest.mark.slow("About 8 s: most of it inserts the 100k rows the issue's figure is about.")
async def test_rearming_100k_jobs_takes_two_statements_in_one_transaction(db_path: Path) -> None:
    async with SqliteJobStore.open(db_path):
        pass  # the schema
    _fill(db_path, JOBS)
    async with SqliteJobStore.open(db_path) as store:
        writer = store.writer
        assert writer is not None
        before = (writer.statements, writer.batches)
        rearmed = await store.rearm(at(5))
        statements, batches = writer.statements - before[0], writer.batches - before[1]
        running = await store.count_by_state()
    assert rearmed == JOBS // 2 == running[JobState.QUEUED] + running[JobState.GENERATING]
    # Releasing the dead process's claims, and making every running job due now.
    assert statements == 2
    assert batches <= 2
    with sqlite3.connect(db_path) as db:
        due_now = db.execute(
            "SELECT COUNT(*) FROM jobs WHERE due_at = ?",
            (at(5).isoformat(timespec="microseconds"),),
        ).fetchone()[0]
        claimed = db.execute("SELECT COUNT(*) FROM jobs WHERE claim_owner IS NOT NULL").fetchone()
    db.close()
    assert due_now == JOBS // 2
    assert claimed[0] == 0
