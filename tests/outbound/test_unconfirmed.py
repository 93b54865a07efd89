"""A result Telegram may have taken is never sent twice: a dropped connection after the upload
counts as delivered (without a message id); a connection that never opened is tried again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web
from pydantic import SecretStr
from telegram.error import NetworkError

from bot.config import Settings
from bot.domain.models import Job, JobKind, JobState, Origin, Result, ResultKind, VideoOptions
from bot.media.fetching import FetchPolicy, ResultFetcher
from bot.outbound.notifier import TelegramNotifier
from bot.telegram.app import build_bot
from tests.support import free_port

TOKEN = "1000:dropping"


def finished_job() -> Job:
    now = datetime.now(UTC)
    return Job(
        id=7,
        kind=JobKind.TEXT,
        prompt="a paper boat",
        options=VideoOptions(),
        origin=Origin(1001, 1001, request_message_id=None),
        callback_token="t",
        state=JobState.SUCCEEDED,
        created_at=now,
        updated_at=now,
        result=Result(ResultKind.VIDEO, None),
    )


@asynccontextmanager
async def dropping_bot_api(sent: list[str]) -> AsyncIterator[str]:
    """Takes every sendVideo in whole, then closes the connection without an answer."""

    async def handle(request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        await request.read()
        sent.append(method)
        if method == "sendVideo":
            assert request.transport is not None
            request.transport.close()
        if method == "getMe":
            me = {"id": 1000, "is_bot": True, "first_name": "Dropping", "username": "d_bot"}
            return web.json_response({"ok": True, "result": me})
        return web.json_response({"ok": True, "result": True})

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_a_dropped_answer_counts_as_delivered_and_is_not_sent_again(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00" * 1024)
    sent: list[str] = []
    async with dropping_bot_api(sent) as api_url:
        settings = Settings(
            _env_file=None, telegram_bot_token=SecretStr(TOKEN), telegram_api_url=api_url
        )
        policy = FetchPolicy(hosts=frozenset())
        async with build_bot(settings) as bot, ResultFetcher.open(policy) as fetcher:
            delivery = await TelegramNotifier(bot, fetcher).deliver(finished_job(), clip)
    assert delivery.message_id is None  # maybe in the chat: recorded, never repeated
    assert sent.count("sendVideo") == 1


async def test_a_connection_that_never_opened_is_tried_again(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00" * 1024)
    settings = Settings(
        _env_file=None,
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_url=f"http://127.0.0.1:{free_port()}",  # nothing listens here
    )
    policy = FetchPolicy(hosts=frozenset())
    bot = build_bot(settings)
    await bot.rate_limiter.initialize()  # type: ignore[union-attr]
    try:
        async with ResultFetcher.open(policy) as fetcher:
            with pytest.raises(NetworkError):
                await TelegramNotifier(bot, fetcher).deliver(finished_job(), clip)
    finally:
        await bot.rate_limiter.shutdown()  # type: ignore[union-attr]
