"""Start-up under a flood wait, slow sends sent once, and a clean shutdown."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from aiohttp import web
from pydantic import SecretStr
from telegram.error import TimedOut
from telegram.ext import ExtBot

from bot.config import Settings
from bot.domain.models import Job, JobKind, JobState, Origin, Result, ResultKind, VideoOptions
from bot.media.fetching import FetchPolicy, ResultFetcher
from bot.outbound.budgets import BudgetLimits, Window
from bot.outbound.notifier import TelegramNotifier
from bot.outbound.sending import OutboundClosedError, Priority, Send
from bot.telegram.app import build_bot
from sandbox.telegram import GROUP_ID, PRIVATE_CHAT_ID, serve_telegram
from tests.outbound.conftest import TOKEN, flood_config, scheduled_bot, scheduler
from tests.outbound.scripted import Params, serve_scripted, too_many
from tests.support import bot_requests, eventually


async def test_start_up_waits_out_a_flood_wait() -> None:
    """getMe (while initializing) and deleteWebhook answered 429 before they succeed."""
    refusals = {"getMe": 2, "deleteWebhook": 1}

    async def script(method: str, params: Params) -> web.Response | None:
        if refusals.get(method, 0) > 0:
            refusals[method] -= 1
            return too_many(1)
        return None

    rate_limiter = scheduler()
    async with serve_scripted(script) as (api_base, api):
        bot = ExtBot(TOKEN, base_url=api_base, rate_limiter=rate_limiter, **bot_requests())
        start = time.monotonic()
        await bot.initialize()
        try:
            assert bot.username == "s_bot"
            assert await bot.delete_webhook()
        finally:
            await bot.shutdown()
        elapsed = time.monotonic() - start

    assert (len(api.calls("getMe")), len(api.calls("deleteWebhook"))) == (3, 2)
    assert elapsed >= 2.9  # three waits of one second
    assert rate_limiter.stats().retry_afters == 3


async def test_a_send_video_slower_than_the_client_timeout_is_not_sent_again() -> None:
    answered = 0

    async def script(method: str, params: Params) -> web.Response | None:
        nonlocal answered
        if method == "sendVideo":
            await asyncio.sleep(1.5)
            answered += 1
        return None

    rate_limiter = scheduler()
    async with (
        serve_scripted(script) as (api_base, api),
        scheduled_bot(api_base, rate_limiter) as bot,
    ):
        with pytest.raises(TimedOut):
            await bot.send_video(
                PRIVATE_CHAT_ID,
                "BAACAgIAAxkBAAI",
                read_timeout=0.5,
                rate_limit_args=Send(Priority.DELIVERY),
            )
        await eventually(lambda: answered == 1, what="Telegram's late answer")
        await asyncio.sleep(0.2)  # a retry would have followed the timeout at once

    assert len(api.calls("sendVideo")) == 1
    assert rate_limiter.stats().sent == {Priority.DELIVERY: 1}


@pytest.mark.slow(
    "7 s on purpose: Telegram's answer to the delivery takes that long (see the docstring)."
)
async def test_a_delivery_telegram_answers_after_7_s_is_sent_once() -> None:
    """Seven seconds on purpose: the case from the field (Telegram fetching a video by URL),
    through build_bot and the notifier, whose read timeout must outlast it (PTB's default of
    5 s would time out and invite a second send)."""

    async def script(method: str, params: Params) -> web.Response | None:
        if method == "sendVideo":
            await asyncio.sleep(7.0)
        return None

    async with serve_scripted(script) as (api_base, api):
        settings = Settings(
            _env_file=None,
            telegram_bot_token=SecretStr(TOKEN),
            telegram_api_url=api_base.removesuffix("/bot"),
        )
        policy = FetchPolicy(hosts=frozenset())
        async with build_bot(settings) as bot, ResultFetcher.open(policy) as fetcher:
            notifier = TelegramNotifier(bot, fetcher)
            origin = Origin(PRIVATE_CHAT_ID, PRIVATE_CHAT_ID, request_message_id=None)
            job = Job(
                id=1,
                kind=JobKind.TEXT,
                prompt="a fox",
                options=VideoOptions(),
                origin=origin,
                callback_token="t",
                state=JobState.SUCCEEDED,
                created_at=datetime.now(UTC),
                updated_at=datetime.now(UTC),
                result=Result(ResultKind.VIDEO, "https://example.invalid/v.mp4"),
            )
            sent = await notifier.results.send_media(job, ResultKind.VIDEO, "BAACAgIAAxkBAAI")

    assert sent.chat_id == PRIVATE_CHAT_ID
    assert len(api.calls("sendVideo")) == 1
    assert len(api.calls("sendChatAction")) == 1  # one action alongside the upload, no loop


async def test_shutdown_fails_waiting_calls_and_leaves_no_task_behind() -> None:
    rate_limiter = scheduler(BudgetLimits(group=(Window(1, 10.0),)))
    async with serve_telegram(flood_config()) as tg:
        bot = ExtBot(TOKEN, base_url=tg.api_base, rate_limiter=rate_limiter, **bot_requests())
        await bot.initialize()
        await bot.send_message(GROUP_ID, "at once")
        waiting = [asyncio.create_task(bot.send_message(GROUP_ID, f"w{n}")) for n in range(3)]
        await eventually(lambda: rate_limiter.stats().waiting == {Priority.REPLY: 3})
        await bot.shutdown()
        results = await asyncio.gather(*waiting, return_exceptions=True)
        assert all(isinstance(r, OutboundClosedError) for r in results)
        assert not [t for t in asyncio.all_tasks() if t.get_name() == "outbound-dispatcher"]
        with pytest.raises(OutboundClosedError):
            await rate_limiter.process_request(_never, (), {}, "sendMessage", {}, None)

        async with bot:  # and it starts again
            await bot.send_message(PRIVATE_CHAT_ID, "back")
        texts = [m.get("text") for m in await tg.client.messages(GROUP_ID)]
    assert texts == ["at once"]
    assert rate_limiter.stats().waiting == {}


async def _never() -> bool:
    raise AssertionError("a closed scheduler must not call Telegram")
