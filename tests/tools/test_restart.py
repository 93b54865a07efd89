"""Restarts with a tool job in flight, on one SQLite file and the same emulators: a call cut off
once is run again and delivered once; cut off twice, it is reported as interrupted; a local
result made before the restart is delivered after it, and made again if its file is gone."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.domain.models import FailureReason, Job, JobState
from bot.domain.policy import Timing
from bot.wiring import RunningBot, running_bot
from sandbox.runway import RunwayKnobs, serve_runway
from sandbox.runway_ai import RunningRunwayAi, serve_runway_ai
from sandbox.telegram import (
    PRIVATE_CHAT_ID,
    RunningTelegram,
    TelegramEmulatorConfig,
    serve_telegram,
)
from tests.chat.conftest import Message, Sandbox, bot_settings, text_of
from tests.sandbox_runway_ai.media import Samples, streams
from tests.support import QUARTER, eventually
from tests.tools.conftest import AI_KNOBS, ROOMY, provider_calls, reply_saying, result_of, saved

CHAT = PRIVATE_CHAT_ID
# A running call renews its lease every half second; a dead one is picked up 1.5 s later.
FAST = Timing(
    poll_interval=0.5,
    tick=0.05,
    claim_ttl=1.5,
    delivery_backoff=1.5,
    resubmit_backoff=0.2,
    place_refresh=0.5,
)


@dataclass
class World:
    """The emulators, which outlive every bot started on `db`."""

    telegram: RunningTelegram
    runway: Any
    runway_ai: RunningRunwayAi | None
    db: Path

    @asynccontextmanager
    async def bot(self) -> AsyncIterator[Sandbox]:
        overrides = {**ROOMY, "drain_seconds": 0.0}  # a stop cuts running calls off
        settings = bot_settings(self.telegram, self.runway, self.db, self.runway_ai, **overrides)
        async with running_bot(settings, timing=FAST) as bot:
            yield Sandbox(self.telegram, self.runway, bot, self.runway_ai)


@asynccontextmanager
async def world(tmp_path: Path, *, provider: bool) -> AsyncIterator[World]:
    async with AsyncExitStack() as stack:
        runway = await stack.enter_async_context(
            serve_runway(RunwayKnobs(latency=0.1, fps=4, frame_scale=QUARTER))
        )
        telegram = await stack.enter_async_context(serve_telegram(TelegramEmulatorConfig()))
        runway_ai = None
        if provider:
            runway_ai = await stack.enter_async_context(serve_runway_ai(AI_KNOBS))
        yield World(telegram, runway, runway_ai, tmp_path / "bot.sqlite3")


def slow(emulator: RunningRunwayAi | None, seconds: float) -> None:
    assert emulator is not None
    emulator.state.apply_knobs(dataclasses.replace(emulator.state.knobs, latency=seconds))


async def a_job(bot: RunningBot) -> Job | None:
    """The test's one tool job, once the command has made it."""
    return next((job for job in await bot.store.recent(CHAT, 5) if job.tool is not None), None)


async def the_job(bot: RunningBot) -> Job:
    job = await a_job(bot)
    assert job is not None
    return job


async def running(sandbox: Sandbox, calls: int) -> None:
    """Until the call has left (its job marked) and the emulator holds it."""

    async def started() -> bool:
        job = await a_job(sandbox.bot)
        if job is None:
            return False
        sent = job.state is JobState.SUBMITTING and job.submitted_at is not None
        return sent and len(provider_calls(sandbox, "/v1/edit-video")) >= calls

    await eventually(started, what="the trim call in flight")


async def trim_request(sandbox: Sandbox, samples: Samples) -> Message:
    video = await sandbox.client.send_video(CHAT, samples.colours)
    return await sandbox.client.send_text(CHAT, "/trim 0 1", reply_to=video["message_id"])


def videos_answering(messages: list[Message], request: Message) -> list[Message]:
    return [
        m
        for m in messages
        if "video" in m
        and (m.get("reply_to_message") or {}).get("message_id") == request["message_id"]
    ]


@pytest.mark.slow(
    "About 7 s: two starts of the bot, the call made twice, and twice the claim time (3 s) waited"
    " out to see that no second delivery follows."
)
async def test_a_call_cut_off_by_a_restart_runs_again_and_is_delivered_once(
    tmp_path: Path, samples: Samples
) -> None:
    async with world(tmp_path, provider=True) as here:
        slow(here.runway_ai, 30.0)
        async with here.bot() as first:
            request = await trim_request(first, samples)
            await running(first, calls=1)
        slow(here.runway_ai, 0.0)
        async with here.bot() as second:
            trimmed = await result_of(second, CHAT, request, "video", timeout=30)
            facts = await streams(await saved(second, trimmed, tmp_path / "t.mp4"))
            assert abs(facts.duration - 1.0) < 0.2
            job = await the_job(second.bot)
            await eventually(lambda: _delivered(second.bot, job.id), what="delivered")
            await asyncio.sleep(FAST.claim_ttl * 2)  # time for any second delivery to show
            job = await the_job(second.bot)
            assert job.state is JobState.DELIVERED and job.attempt == 2
            assert len(provider_calls(second, "/v1/edit-video")) == 2
            messages = await second.client.messages(CHAT)
            assert len(videos_answering(messages, request)) == 1


async def _delivered(bot: RunningBot, job_id: int) -> bool:
    job = await bot.store.get(job_id)
    return job is not None and job.state is JobState.DELIVERED


async def test_a_call_cut_off_twice_is_reported_as_interrupted(
    tmp_path: Path, samples: Samples
) -> None:
    async with world(tmp_path, provider=True) as here:
        slow(here.runway_ai, 30.0)
        async with here.bot() as first:
            request = await trim_request(first, samples)
            await running(first, calls=1)
        async with here.bot() as second:
            await running(second, calls=2)
        async with here.bot() as third:
            report = await reply_saying(third, CHAT, request, "restarted while working")
            job = await the_job(third.bot)
            assert job.state is JobState.FAILED and job.failure is not None
            assert job.failure.reason is FailureReason.INTERRUPTED
            assert "❌" in text_of(report)
            assert videos_answering(await third.client.messages(CHAT), request) == []


@pytest.mark.slow(
    "About 4-5 s: the bot started twice, a local trim made, a delivery refused once and "
    "retried after the restart, in one private chat."
)
@pytest.mark.parametrize("file_kept", [True, False])
async def test_a_local_result_made_before_a_restart_is_delivered_after_it(
    tmp_path: Path, samples: Samples, file_kept: bool
) -> None:
    async with world(tmp_path, provider=False) as here:
        async with here.bot() as first:
            fault = await first.client.inject_failure(
                400, "Bad Request: try again", methods=["sendVideo"]
            )
            request = await trim_request(first, samples)

            async def refused_once() -> bool:
                job = await a_job(first.bot)
                return job is not None and job.state is JobState.SUCCEEDED and job.checks >= 1

            await eventually(refused_once, what="a delivery Telegram refused")
            job = await the_job(first.bot)
        await here.telegram.client.remove_fault(fault.id)
        results = tmp_path / "tool-results"
        files = list(results.glob(f"job-{job.id}.*"))
        assert len(files) == 1  # the result survived the stop
        if not file_kept:
            files[0].unlink()  # as on another machine: it is made again
        async with here.bot() as second:
            trimmed = await result_of(second, CHAT, request, "video", timeout=30)
            facts = await streams(await saved(second, trimmed, tmp_path / "t.mp4"))
            assert abs(facts.duration - 1.0) < 0.2
            await eventually(lambda: _delivered(second.bot, job.id), what="delivered")
            assert len(videos_answering(await second.client.messages(CHAT), request)) == 1
            await eventually(lambda: not list(results.glob("job-*")), what="the file swept")
