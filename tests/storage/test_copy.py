"""`python -m bot copy-to-postgres`: a real SQLite file into a real PostgreSQL database, every
row with its id, once."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.domain.models import AspectRatio, Engine, Job, JobState, VideoOptions
from bot.domain.ports import Awaiting, ChatSettings, PendingPrompt
from storage.copy import CopyRefusedError, copy_to_postgres
from storage.ledger import SqliteLedger
from storage.ledger_pg import PostgresLedger
from storage.postgres import PostgresJobStore
from storage.sqlite import SqliteJobStore
from tests.storage.factories import at, claim, job_in, must, new_job

S = JobState
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True, slots=True)
class Outcome:
    code: int
    out: str
    err: str


async def command(db_path: Path, url: str) -> Outcome:
    """The command as an operator runs it, in a process of its own (about a second)."""
    env = {**os.environ, "DATABASE_PATH": str(db_path), "DATABASE_URL": url}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "copy-to-postgres",
        cwd=db_path.parent,  # no .env of the repository's in the way
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return Outcome(must(process.returncode), out.decode(), err.decode())


async def _bot_history(db_path: Path) -> list[Job]:
    """A SQLite bot that has lived a while: a job in every state, gaps in the ids."""
    async with SqliteJobStore.open(db_path) as store:
        for index, state in enumerate(S):
            await job_in(store, state, new_job(chat_id=100 + index % 3, created_at=at(index)))
        doomed = await store.create(new_job())
        must(await store.advance(doomed.id, S.CANCELLED, at(20)))
        await store.reschedule(must(await store.get(3)).id, at(30), 2)
        await store.claim_due(at(40), claim("replica-a", 50), 2)  # claims go across too
        await store.save_chat_settings(100, ChatSettings(VideoOptions(AspectRatio.TALL)))
        settings = ChatSettings(VideoOptions(None, 10), Engine.RUNWAY_AI)
        await store.save_chat_settings(-1001234567890, settings)
        await store.bind_channel(100, -1009, "Channel «ночь»")
        await store.save_prompt(100, 55, PendingPrompt(Awaiting.TEXT, 2, 7), at(60 * 24))
        ledger = SqliteLedger(store.connection)
        assert await ledger.top_up(7, 100, "charge-1", at(1))
        assert await ledger.spend(7, 1, 30, at(2))
        assert await ledger.pay_invoice(8, 2, 12, "charge-2", at(3))
        assert await ledger.refund(2, at(4)) is not None
        return [must(await store.get(job_id)) for job_id in range(1, doomed.id + 1)]


async def test_the_copy_keeps_every_row_and_refuses_a_second_run(
    db_path: Path, postgres_fresh: str
) -> None:
    jobs = await _bot_history(db_path)
    first = await command(db_path, postgres_fresh)
    assert (first.code, first.err) == (0, "")
    assert first.out.startswith(
        f"copied {len(jobs)} jobs, 5 Stars ledger rows, 2 chat settings, 1 channel bindings,"
        " 1 prompts from"
    )
    async with PostgresJobStore.open(postgres_fresh) as store:
        assert [await store.get(job.id) for job in jobs] == jobs
        assert await store.chat_settings(100) == ChatSettings(VideoOptions(AspectRatio.TALL))
        engine = must(await store.chat_settings(-1001234567890)).engine
        assert engine is Engine.RUNWAY_AI
        assert await store.bound_channel(100) == (-1009, "Channel «ночь»")
        assert await store.prompt(100, 55, at(1)) == PendingPrompt(Awaiting.TEXT, 2, 7)
        assert await store.count_by_state() == {
            state: 2 if state is S.CANCELLED else 1 for state in S
        }
        held = await store.pool.fetchval(
            "SELECT COUNT(*) FROM jobs WHERE claim_owner = 'replica-a' AND claim_until = $1", at(50)
        )
        assert held == 2
        ledger = PostgresLedger(store.pool)
        assert (await ledger.balance(7), await ledger.balance(8)) == (70, 12)
        assert not await ledger.top_up(7, 100, "charge-1", at(5))  # a charge is still counted once
        assert await ledger.unrefunded_since(at(0)) == [1]
        # the sequences continue after the copied ids
        assert (await store.create(new_job())).id == len(jobs) + 1
        # the copied jobs work on: due ones are claimed, the line hands out the waiting one
        assert must(await store.claim_next(Engine.KIE, claim(), at(99))).state is S.SUBMITTING
    again = await command(db_path, postgres_fresh)
    assert again.code == 2
    assert again.out == ""
    assert again.err.count("\n") == 1
    assert "already holds" in again.err and "nothing was copied" in again.err
    async with PostgresJobStore.open(postgres_fresh) as store:
        assert sum((await store.count_by_state()).values()) == len(jobs) + 1  # nothing twice


async def test_a_running_bot_s_file_is_not_copied(db_path: Path, postgres_fresh: str) -> None:
    await _bot_history(db_path)
    async with SqliteJobStore.open(db_path):  # the bot still runs on it
        outcome = await command(db_path, postgres_fresh)
    assert outcome.code == 2
    assert "in use by another bot process" in outcome.err
    async with PostgresJobStore.open(postgres_fresh) as store:
        assert await store.count_by_state() == dict.fromkeys(S, 0)


@pytest.mark.slow(
    "About 1 s alone, 5-6 s beside the other workers: two `python -m bot copy` processes start, "
    "each importing the bot (about 1.4 CPU-seconds)."
)
async def test_a_missing_file_or_url_is_refused(tmp_path: Path, postgres_fresh: str) -> None:
    missing = await command(tmp_path / "nothing.sqlite3", postgres_fresh)
    assert (missing.code, missing.err.strip()) == (
        2,
        f"error: there is no SQLite database at {tmp_path / 'nothing.sqlite3'}",
    )
    no_url = await command(tmp_path / "nothing.sqlite3", "")
    assert no_url.code == 2
    assert "DATABASE_URL" in no_url.err


async def test_an_empty_bot_copies_nothing_but_its_schema(
    db_path: Path, postgres_fresh: str
) -> None:
    async with SqliteJobStore.open(db_path):
        pass
    copied = await copy_to_postgres(db_path, postgres_fresh)
    assert set(copied.counts.values()) == {0}
    async with PostgresJobStore.open(postgres_fresh) as store:
        assert (await store.create(new_job())).id == 1


async def test_a_target_with_only_a_heartbeat_is_still_empty(
    db_path: Path, postgres_fresh: str
) -> None:
    await _bot_history(db_path)
    async with PostgresJobStore.open(postgres_fresh) as store:
        await store.ping()  # a replica started and stopped: no jobs, no settings
    copied = await copy_to_postgres(db_path, postgres_fresh)
    assert copied.counts["jobs"] > 0
    with pytest.raises(CopyRefusedError, match="already holds"):
        await copy_to_postgres(db_path, postgres_fresh)
