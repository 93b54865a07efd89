"""The core pipeline end to end: submit, callback or poll, deliver once, survive restarts."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from typing import Any

import aiohttp

from bot.domain.models import (
    Draft,
    FailureReason,
    Job,
    JobKind,
    JobState,
    Origin,
    Result,
    ResultKind,
    VideoOptions,
)
from bot.domain.updates import TaskRunning
from sandbox.runway import RunningRunway
from storage.sqlite import SqliteJobStore
from tests.core.conftest import Pipeline, PipelineFactory, RecordingNotifier
from tests.support import eventually

ORIGIN = Origin(chat_id=42, user_id=7, request_message_id=5)


def draft(prompt: str = "a red fox running through snow") -> Draft:
    return Draft(JobKind.TEXT, prompt, VideoOptions())


async def knobs(emulator: RunningRunway, **values: Any) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{emulator.url}/_emulator/knobs", json=values) as response,
    ):
        assert response.status == 200


async def state_of(pipeline: Pipeline, job_id: int) -> JobState:
    job = await pipeline.store.get(job_id)
    assert job is not None
    return job.state


async def delivered(pipeline: Pipeline, job_id: int) -> bool:
    return await state_of(pipeline, job_id) is JobState.DELIVERED


async def submitted(pipeline: Pipeline, request: Draft | None = None) -> Job:
    """Put a request in line and wait until the provider has taken it (it has a task id)."""
    job = await pipeline.service.submit(ORIGIN, request or draft())
    found: list[Job] = []

    async def sent() -> bool:
        current = await pipeline.store.get(job.id)
        if current is not None and current.task_id:
            found.append(current)
        return bool(found)

    await eventually(sent, what="the provider taking the request")
    return found[0]


async def test_a_callback_delivers_the_video_once(pipelines: PipelineFactory) -> None:
    async with pipelines.start() as bot:
        job = await bot.service.submit(ORIGIN, draft())
        assert job.state is JobState.WAITING and job.task_id is None
        await eventually(lambda: delivered(bot, job.id), what="delivery")
        await asyncio.sleep(0.5)
        assert [j.id for j in bot.notifier.deliveries] == [job.id]
        assert bot.notifier.deliveries[0].video_url
        assert bot.service.metrics.value("callbacks_accepted") >= 1
        final = await bot.store.get(job.id)
        assert final and final.delivery and final.delivery.chat_id == ORIGIN.chat_id


async def test_a_duplicate_callback_delivers_once(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    await knobs(emulator, duplicate_callbacks=1.0)
    async with pipelines.start(poll_interval=30) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: bot.service.metrics.value("callbacks_accepted") >= 2)
        await eventually(lambda: delivered(bot, job.id))
        await asyncio.sleep(0.3)
        assert len(bot.notifier.deliveries) == 1


async def test_a_dropped_callback_is_made_good_by_polling(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    await knobs(emulator, drop_callbacks=1.0)
    async with pipelines.start(poll_interval=0.2) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: delivered(bot, job.id), what="delivery by polling")
        assert bot.service.metrics.value("callbacks_accepted") == 0
        assert len(bot.notifier.deliveries) == 1


async def test_without_a_public_url_no_callback_url_is_sent(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    async with pipelines.start(callbacks=False, poll_interval=0.2) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: delivered(bot, job.id))
    generate = [r for r in await recorded(emulator) if r["path"].endswith("/runway/generate")]
    assert generate
    assert all("callBackUrl" not in json.dumps(r) for r in generate)


async def test_a_restart_with_jobs_in_flight_delivers_each_exactly_once(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    await knobs(emulator, latency=1.5)
    notifier = RecordingNotifier()
    async with pipelines.start(notifier=notifier, poll_interval=0.3) as bot:
        jobs = [await bot.service.submit(ORIGIN, draft(f"clip {n}")) for n in range(3)]
    assert notifier.deliveries == []  # the bot went down before anything finished
    await asyncio.sleep(1.5)  # the emulator finishes the tasks while the bot is away
    async with pipelines.start(notifier=notifier, poll_interval=0.3) as bot:
        for job in jobs:
            await eventually(lambda job_id=job.id: delivered(bot, job_id))
        await asyncio.sleep(0.5)
    assert sorted(j.id for j in notifier.deliveries) == sorted(j.id for j in jobs)


async def test_a_finished_but_undelivered_job_is_delivered_at_start_up(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    await knobs(emulator, latency=60)  # the task finishes only in the store, never by callback
    first = RecordingNotifier()
    async with pipelines.start(notifier=first) as bot:
        job = await bot.service.submit(ORIGIN, draft())
    # The provider finished as the bot stopped, before any delivery: recorded once it is
    # down (a running bot's own rounds would deliver it, sooner on a busy machine).
    async with SqliteJobStore.open(pipelines.db_path) as store:
        running = await store.get(job.id)
        assert running is not None
        result = Result(ResultKind.VIDEO, "x")
        assert await store.advance(job.id, JobState.SUCCEEDED, running.updated_at, result=result)
    second = RecordingNotifier()
    async with pipelines.start(notifier=second) as bot:
        await eventually(lambda: delivered(bot, job.id))
    assert first.deliveries == []
    assert [j.id for j in second.deliveries] == [job.id]


async def test_an_out_of_order_update_cannot_move_a_job_backwards(
    pipelines: PipelineFactory,
) -> None:
    async with pipelines.start() as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: delivered(bot, job.id))
        assert await bot.service.record_update(job, TaskRunning("queued")) is None
        assert await state_of(bot, job.id) is JobState.DELIVERED


async def test_a_failed_task_is_reported_once(pipelines: PipelineFactory) -> None:
    async with pipelines.start(poll_interval=0.2) as bot:
        job = await bot.service.submit(ORIGIN, draft("a forbidden thing [[fail]]"))
        await eventually(lambda: len(bot.notifier.failures) == 1)
        await asyncio.sleep(0.6)  # polls and callbacks keep coming; nothing is reported twice
        failed = await bot.store.get(job.id)
        assert failed and failed.state is JobState.FAILED and failed.failure_reported
        assert failed.failure and failed.failure.reason is FailureReason.MODERATION
        assert "moderator" in failed.failure.detail
        assert len(bot.notifier.failures) == 1
        assert bot.notifier.deliveries == []


async def test_a_provider_refusal_is_reported_in_the_status_message(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    await knobs(emulator, credits=0)
    async with pipelines.start() as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: [j.id for j in bot.notifier.failures] == [job.id])
        failed = await bot.store.get(job.id)
        assert failed and failed.state is JobState.FAILED and failed.failure
        assert (failed.failure.code, failed.failure.reason) == ("402", FailureReason.NO_CREDITS)
        assert bot.service.metrics.value("provider_errors", "402") == 1


async def test_a_job_past_its_timeout_fails(pipelines: PipelineFactory) -> None:
    async with pipelines.start(callbacks=False, poll_interval=0.1, job_timeout=0.3) as bot:
        job = await bot.service.submit(ORIGIN, draft("slow [[nocallback]]"))
        await eventually(lambda: len(bot.notifier.failures) == 1)
        failed = await bot.store.get(job.id)
        assert failed and failed.failure and failed.failure.reason is FailureReason.TIMEOUT


async def test_a_blocked_chat_makes_the_job_undeliverable_without_retries(
    pipelines: PipelineFactory,
) -> None:
    notifier = RecordingNotifier(gone_chats={ORIGIN.chat_id})
    async with pipelines.start(notifier=notifier) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: _state_is(bot, job.id, JobState.UNDELIVERABLE))
        assert bot.service.metrics.value("deliveries", "undeliverable") == 1


async def test_a_video_telegram_keeps_refusing_is_given_up_and_the_user_told(
    pipelines: PipelineFactory,
) -> None:
    notifier = RecordingNotifier(broken_chats={ORIGIN.chat_id})
    async with pipelines.start(notifier=notifier) as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: _state_is(bot, job.id, JobState.UNDELIVERABLE), timeout=20)
        rounds = bot.service.timing.delivery_rounds
        assert notifier.attempts == rounds  # one try a round, backing off, then no more
        await asyncio.sleep(1.2)  # the timers keep looking: nothing retries a given-up job
        assert notifier.attempts == rounds
        assert [j.id for j in notifier.failures] == [job.id]  # told in plain words


async def _state_is(pipeline: Pipeline, job_id: int, state: JobState) -> bool:
    return await state_of(pipeline, job_id) is state


async def test_a_forged_token_changes_nothing(pipelines: PipelineFactory) -> None:
    async with pipelines.start(callbacks=False, poll_interval=30) as bot:
        job = await submitted(bot)
        body = success_body(job.task_id or "")
        status = await post(f"{bot.url}/callbacks/runway/not-the-token", body)
        assert status == 404
        assert await state_of(bot, job.id) is JobState.QUEUED
        assert bot.service.metrics.value("callbacks_rejected", "unknown_token") == 1


async def test_a_callback_for_another_task_changes_nothing(pipelines: PipelineFactory) -> None:
    async with pipelines.start(callbacks=False, poll_interval=30) as bot:
        job = await submitted(bot)
        url = f"{bot.url}/callbacks/runway/{job.callback_token}"
        assert await post(url, success_body("someone-elses-task")) == 404
        assert await state_of(bot, job.id) is JobState.QUEUED


async def test_an_accepted_callback_is_answered_as_the_provider_expects(
    pipelines: PipelineFactory,
) -> None:
    async with pipelines.start(callbacks=False, poll_interval=30) as bot:
        job = await submitted(bot)
        url = f"{bot.url}/callbacks/runway/{job.callback_token}"
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=success_body(job.task_id or "")) as response,
        ):
            assert response.status == 200
            assert response.content_type == "application/json"
            assert await response.json() == {"code": 200, "msg": "ok"}
        assert await state_of(bot, job.id) in {JobState.SUCCEEDED, JobState.DELIVERED}


async def test_signatures_are_checked_when_a_key_is_set(
    pipelines: PipelineFactory, emulator: RunningRunway
) -> None:
    await knobs(emulator, webhook_hmac_key="hmac-secret")
    async with pipelines.start(hmac_key="hmac-secret", poll_interval=30) as bot:
        signed = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: delivered(bot, signed.id), what="signed callback accepted")

        job = await submitted(bot, draft("another [[nocallback]]"))
        url = f"{bot.url}/callbacks/runway/{job.callback_token}"
        body = success_body(job.task_id or "")
        now = str(int(time.time()))
        forged = {"X-Webhook-Timestamp": now, "X-Webhook-Signature": sign("wrong", job, now)}
        old = str(int(time.time()) - 600)
        stale = {"X-Webhook-Timestamp": old, "X-Webhook-Signature": sign("hmac-secret", job, old)}
        assert await post(url, body) == 401
        assert await post(url, body, forged) == 401
        assert await post(url, body, stale) == 401
        assert (await state_of(bot, job.id)).value in {"queued", "generating"}
        good = {"X-Webhook-Timestamp": now, "X-Webhook-Signature": sign("hmac-secret", job, now)}
        assert await post(url, body, good) == 200
        assert await state_of(bot, job.id) in {JobState.SUCCEEDED, JobState.DELIVERED}
        assert bot.service.metrics.value("callbacks_rejected", "bad_signature") == 3


async def test_oversized_and_unreadable_callbacks_are_refused(pipelines: PipelineFactory) -> None:
    async with pipelines.start(callbacks=False, poll_interval=30) as bot:
        job = await submitted(bot)
        url = f"{bot.url}/callbacks/runway/{job.callback_token}"
        assert await post(url, b"x" * (64 * 1024 + 1)) == 413
        assert await post(url, b"not json") == 400
        assert await post(url, b'{"code": 200, "data": {}}') == 400
        assert await state_of(bot, job.id) is JobState.QUEUED


async def test_health_and_metrics(pipelines: PipelineFactory) -> None:
    async with pipelines.start() as bot:
        job = await bot.service.submit(ORIGIN, draft())
        await eventually(lambda: delivered(bot, job.id))
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{bot.url}/healthz") as response:
                assert response.status == 200
                assert (await response.json())["database"] == "ok"
            async with session.get(f"{bot.url}/metrics") as response:
                text = await response.text()
        assert 'bot_jobs{state="delivered"} 1' in text
        assert "bot_callbacks_accepted_total" in text
        assert 'bot_deliveries_total{outcome="sent"} 1' in text


def success_body(task_id: str) -> bytes:
    data = {"task_id": task_id, "video_id": "v", "video_url": "http://127.0.0.1:9/x.mp4"}
    return json.dumps({"code": 200, "msg": "All generated successfully.", "data": data}).encode()


def sign(key: str, job: Any, timestamp: str) -> str:
    message = f"{job.task_id}.{timestamp}".encode()
    return base64.b64encode(hmac.new(key.encode(), message, hashlib.sha256).digest()).decode()


async def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers or {}) as response,
    ):
        return response.status


async def recorded(emulator: RunningRunway) -> list[dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{emulator.url}/_emulator/requests") as response,
    ):
        payload = await response.json()
    requests: list[dict[str, Any]] = payload if isinstance(payload, list) else payload["requests"]
    return requests
