"""The attack from the issue, end to end: a forged callback whose video_url points at the bot's
own /metrics or at a loopback service. The whole bot runs (wiring, the real TelegramNotifier,
the Telegram and Runway emulators); nothing from either address reaches the chat."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.domain.models import Job, JobState
from bot.wiring import RunningBot, running_bot
from sandbox.runway import RunwayKnobs, serve_runway
from sandbox.telegram import PRIVATE_CHAT_ID, TelegramEmulatorConfig, serve_telegram
from tests.chat.conftest import bot_settings
from tests.support import eventually, free_port


@pytest.fixture
async def internal_service() -> AsyncIterator[tuple[str, Counter[str]]]:
    """A loopback service that must never be fetched from: its URL and its hit count."""
    hits: Counter[str] = Counter()

    async def secret(request: web.Request) -> web.Response:
        hits[request.method] += 1
        return web.Response(text="internal-secret", content_type="video/mp4")

    app = web.Application()
    app.router.add_get("/admin", secret)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}/admin", hits
    await runner.cleanup()


async def forge_success(bot: RunningBot, job: Job, video_url: str) -> int:
    body = {"code": 200, "msg": "ok", "data": {"task_id": job.task_id, "video_url": video_url}}
    url = f"{bot.settings.public_url}/callbacks/runway/{job.callback_token}"
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as response:
        return response.status


async def submitted(bot: RunningBot) -> Job:
    jobs = await bot.store.recent(PRIVATE_CHAT_ID, 5)
    assert jobs and jobs[0].task_id
    return jobs[0]


@pytest.mark.parametrize("target", ["metrics", "internal"])
async def test_a_forged_result_url_is_never_fetched_into_the_chat(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    internal_service: tuple[str, Counter[str]],
    target: str,
) -> None:
    caplog.set_level(logging.INFO)
    internal_url, hits = internal_service
    async with (
        serve_runway(RunwayKnobs(latency=0.2, fps=4)) as runway,
        serve_telegram(TelegramEmulatorConfig()) as telegram,
    ):
        settings = bot_settings(telegram, runway, tmp_path / "bot.sqlite3")
        async with running_bot(settings) as bot:
            client = telegram.client
            await client.send_text(PRIVATE_CHAT_ID, "/video a paper boat [[nocallback]]")
            await eventually(lambda: _has_task(bot), what="the job to be submitted")
            job = await submitted(bot)
            video_url = f"{settings.public_url}/metrics" if target == "metrics" else internal_url
            assert await forge_success(bot, job, video_url) == 200  # the token is genuine
            await eventually(lambda: _refused_delivery(caplog), what="a refused delivery")
            messages = await client.messages(PRIVATE_CHAT_ID)
            stored = await bot.store.get(job.id)
    shown = json.dumps(messages)
    assert "bot_jobs" not in shown and "internal-secret" not in shown
    assert not any("video" in message for message in messages)
    assert hits == Counter()
    assert stored is not None and stored.state is not JobState.DELIVERED


async def _has_task(bot: RunningBot) -> bool:
    jobs = await bot.store.recent(PRIVATE_CHAT_ID, 5)
    return bool(jobs and jobs[0].task_id)


def _refused_delivery(caplog: pytest.LogCaptureFixture) -> bool:
    return any("BlockedURLError" in record.getMessage() for record in caplog.records)
