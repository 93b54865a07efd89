"""The provider's faults, injected by the Runway API emulator, through the bot's real wiring:
one request never becomes two paid tasks, temporary trouble is retried, failures cost the user
nothing, and polling reads either record shape."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from bot.domain.models import FailureReason, Job, JobState
from sandbox.runway import RunningRunway
from tests.core.conftest import Pipeline, PipelineFactory, RecordingNotifier, fast_timing
from tests.core.test_pipeline import ORIGIN, delivered, draft, knobs
from tests.support import eventually


async def emulator_stats(emulator: RunningRunway) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{emulator.url}/_emulator/stats") as response,
    ):
        stats: dict[str, Any] = await response.json()
    return stats


async def job_of(pipeline: Pipeline, job_id: int) -> Job:
    job = await pipeline.store.get(job_id)
    assert job is not None
    return job


@pytest.mark.parametrize("fault", ["drop", "error_500", "code_500", "hang"])
async def test_a_submission_whose_answer_is_lost_makes_one_task_and_is_delivered(
    pipelines: PipelineFactory, emulator: RunningRunway, fault: str
) -> None:
    """The provider made the task but the bot cannot know: it waits for the callback (its URL
    carries the job's token) instead of sending the request again, and tells the user it is
    delayed, not failed."""
    await knobs(emulator, submit_fault=fault, submit_fault_next=1, submit_hang_seconds=3.0)
    async with pipelines.start(poll_interval=30, runway_timeout_seconds=1.0) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: delivered(bot, job.id), timeout=20, what="delivery by callback")
        stats = await emulator_stats(emulator)
        assert (stats["submissions"], stats["tasks_created"]) == (1, 1)
        assert len(bot.notifier.deliveries) == 1
        assert bot.notifier.failures == []
        final = await job_of(bot, job.id)
        assert final.attempt == 1 and final.task_id


async def test_a_lost_answer_without_callbacks_fails_plainly_and_is_not_sent_again(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    await knobs(emulator, submit_fault="error_500", submit_fault_next=1)
    async with pipelines.start(callbacks=False, poll_interval=0.2) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: len(bot.notifier.failures) == 1)
        failed = await job_of(bot, job.id)
        assert failed.failure and failed.failure.reason is FailureReason.UNCONFIRMED
        await asyncio.sleep(0.5)
        assert (await emulator_stats(emulator))["submissions"] == 1


async def test_an_unanswered_submission_whose_callback_never_comes_fails_after_the_wait(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    """The provider made the task, its answer and every callback were lost: the job waits
    out `unconfirmed_wait`, then fails plainly, once, and is never sent again."""
    await knobs(emulator, submit_fault="error_500", submit_fault_next=1, drop_callbacks=1.0)
    timing = replace(fast_timing(30, 60), unconfirmed_wait=1.0)
    async with pipelines.start(poll_interval=30, timing=timing) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: len(bot.notifier.failures) == 1, what="the failure report")
        failed = await job_of(bot, job.id)
        assert failed.failure and failed.failure.reason is FailureReason.UNCONFIRMED
        assert (failed.submitted_at is not None) and (
            (failed.updated_at - failed.submitted_at).total_seconds() >= 1.0
        ), "failed only once the wait was over"
        await asyncio.sleep(0.5)
        assert len(bot.notifier.failures) == 1
        assert (await emulator_stats(emulator))["submissions"] == 1


async def test_a_restart_during_an_unanswered_submission_still_delivers_it_once(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    """Killed while its request hangs at the provider: after the restart the job waits for its
    callback; it is neither failed as interrupted nor submitted again."""
    await knobs(emulator, submit_fault="hang", submit_fault_next=1, submit_hang_seconds=4.0)
    async with pipelines.start(poll_interval=30) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(
            lambda: _submitted_at(bot, job.id), what="the request to leave"
        )  # the bot stops now, with the request still out
    async with pipelines.start(poll_interval=30) as bot:
        await eventually(lambda: delivered(bot, job.id), timeout=20)
        assert bot.notifier.failures == []
    stats = await emulator_stats(emulator)
    assert (stats["submissions"], stats["tasks_created"]) == (1, 1)


async def _submitted_at(pipeline: Pipeline, job_id: int) -> bool:
    return (await job_of(pipeline, job_id)).submitted_at is not None


@pytest.mark.parametrize("kind", ["concurrency", "try_later", "network"])
async def test_a_temporary_failure_is_submitted_again_and_delivered(
    pipelines: PipelineFactory, emulator: RunningRunway, kind: str
) -> None:
    await knobs(emulator, temporary_failure_next=1, temporary_failure_kind=kind)
    async with pipelines.start(poll_interval=0.3) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: delivered(bot, job.id), timeout=20)
        final = await job_of(bot, job.id)
        assert final.attempt == 2  # the failed task, then the one that worked
        assert bot.notifier.failures == []
        retrying = [j for j in bot.notifier.statuses if j.state is JobState.WAITING and j.attempt]
        assert retrying, "the user was told it is being tried again"
        assert bot.service.metrics.value("resubmissions") == 1


async def test_temporary_trouble_that_lasts_ends_in_a_plain_failure(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    await knobs(emulator, temporary_failure_rate=1.0, temporary_failure_kind="concurrency")
    async with pipelines.start(poll_interval=0.3) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: len(bot.notifier.failures) == 1, timeout=20)
        failed = await job_of(bot, job.id)
        assert failed.failure and failed.failure.reason is FailureReason.PROVIDER_DOWN
        assert failed.attempt == bot.service.timing.max_attempts


@pytest.mark.slow("About 5 s: 2 s of maintenance refusals, then the retry and the clip.")
async def test_maintenance_holds_the_line_and_the_job_goes_out_after_it(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    async with pipelines.start(poll_interval=0.3) as bot:
        # Set once the bot runs: a window begun before a start slowed by a loaded machine can
        # end before the first submission reaches it (seen in CI on eight workers).
        await knobs(emulator, maintenance_for=2.0)
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: delivered(bot, job.id), timeout=20)
        assert (await emulator_stats(emulator))["maintenance_refusals"] >= 1
        assert bot.notifier.failures == []


async def test_polling_reads_the_newer_record_shape(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    await knobs(emulator, record_shape="newer", fail_code_style="empty", drop_callbacks=1.0)
    async with pipelines.start(poll_interval=0.2) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: delivered(bot, job.id), what="delivery by polling")
        failing = await bot.service.submit(ORIGIN, draft("a thing [[fail]]"))
        await eventually(lambda: len(bot.notifier.failures) == 1)
        assert (await job_of(bot, failing.id)).state is JobState.FAILED


async def test_failed_and_refused_jobs_do_not_count_against_the_daily_budget(
    pipelines: PipelineFactory,
) -> None:
    async with pipelines.start(poll_interval=0.2, daily_jobs_per_user=1) as bot:
        refused = await bot.service.submit(ORIGIN, draft("a thing [[fail]]"))
        await eventually(lambda: len(bot.notifier.failures) == 1)
        assert (await job_of(bot, refused.id)).state is JobState.FAILED
        allowed = await bot.service.submit(ORIGIN, draft())  # the failed one did not count
        await eventually(lambda: delivered(bot, allowed.id))


async def test_a_cancelled_job_still_in_line_never_reaches_the_provider(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    """One submission per 10 s: the second request waits its turn (claimed, held by the pacer),
    the third in line; both are cancelled and neither is ever sent."""
    async with pipelines.start(poll_interval=0.3, runway_rate_limit=1) as bot:
        first = await bot.service.submit(ORIGIN, draft("first"))
        await eventually(lambda: _submitted_at(bot, first.id))
        second = await bot.service.submit(ORIGIN, draft("second"))
        third = await bot.service.submit(ORIGIN, draft("third"))
        # Its place as it joined the line: the line may claim it (and hold it at the pacer) as
        # soon as it is stored, so a read of it now may already find it claimed.
        place = await bot.service.place_of(third)
        assert place is not None and place.eta > 1  # it knows it waits for the window
        for job in (second, third):
            assert await bot.service.cancel(await job_of(bot, job.id)) is not None
        await eventually(lambda: delivered(bot, first.id), timeout=20)
        await asyncio.sleep(0.5)
    stats = await emulator_stats(emulator)
    assert stats["submissions"] == 1


async def test_one_job_that_cannot_be_handled_never_stops_the_others(
    pipelines: PipelineFactory,
) -> None:
    """Start-up with two failed jobs to report: telling one chat keeps failing, the other is
    told at once, the bot keeps running, and the broken one is tried again later."""
    async with pipelines.start(poll_interval=0.2) as bot:
        jobs = [
            await bot.service.submit(replace(ORIGIN, chat_id=chat), draft("a thing [[fail]]"))
            for chat in (42, 43)
        ]
        await eventually(lambda: len(bot.notifier.failures) == 2)
    with sqlite3.connect(pipelines.db_path) as db:  # both reports are lost with a crash
        db.execute("UPDATE jobs SET failure_reported = 0, due_at = updated_at")
    notifier = RecordingNotifier(unreportable_chats={42})
    async with pipelines.start(poll_interval=0.2, notifier=notifier) as bot:
        await eventually(lambda: [j.id for j in notifier.failures] == [jobs[1].id])
        broken = await job_of(bot, jobs[0].id)
        assert not broken.failure_reported and broken.due_at is not None  # due again later
        job = await bot.service.submit(replace(ORIGIN, chat_id=44), draft("still working"))
        await eventually(lambda: delivered(bot, job.id))
