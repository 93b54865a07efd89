"""Benchmark stats: the timeline of what the bot sent, peaks, 429s, and the overall limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from telegram import Bot, ReplyParameters
from telegram.error import RetryAfter

from sandbox.telegram import (
    GROUP_ID,
    PRIVATE_CHAT_ID,
    RunningTelegram,
    TelegramEmulatorConfig,
    serve_telegram,
)
from tests.sandbox_telegram.conftest import TOKEN
from tests.support import bot_requests

CONNECTIONS = 32


@pytest.fixture(autouse=True)
def timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def limited() -> AsyncIterator[RunningTelegram]:
    async with serve_telegram(TelegramEmulatorConfig()) as running:
        yield running


@pytest.fixture
async def limited_bot(limited: RunningTelegram) -> AsyncIterator[Bot]:
    requests = bot_requests(connection_pool_size=CONNECTIONS)
    async with Bot(TOKEN, base_url=limited.api_base, **requests) as ptb:
        yield ptb


async def test_the_timeline_knows_each_kind(
    bot: Bot, sandbox: RunningTelegram, mp4_path: Path
) -> None:
    asked = await sandbox.client.send_text(PRIVATE_CHAT_ID, "/video a fox")
    reply = ReplyParameters(asked["message_id"])
    started = time.monotonic()
    await bot.send_chat_action(PRIVATE_CHAT_ID, "upload_video")
    status = await bot.send_message(PRIVATE_CHAT_ID, "queued", reply_parameters=reply)
    await bot.edit_message_text("rendering", PRIVATE_CHAT_ID, status.message_id)
    video = await bot.send_video(PRIVATE_CHAT_ID, mp4_path, reply_parameters=reply)
    await bot.send_message(GROUP_ID, "elsewhere")

    entries = await sandbox.client.timeline(chat_id=PRIVATE_CHAT_ID)

    kinds = [(e.method, e.kind, e.content, e.message_id) for e in entries]
    assert kinds == [
        ("sendChatAction", "chat_action", "upload_video", None),
        ("sendMessage", "message", "text", status.message_id),
        ("editMessageText", "edit", "text", status.message_id),
        ("sendVideo", "media", "video", video.message_id),
    ]
    times = [e.t for e in entries]
    assert started <= times[0] and times == sorted(times) and times[-1] <= time.monotonic()
    assert {e.reply_to_message_id for e in entries[1:]} == {asked["message_id"]}
    assert [e.chat_id for e in await sandbox.client.timeline(kind="message")] == [
        PRIVATE_CHAT_ID,
        GROUP_ID,
    ]
    assert await sandbox.client.duplicates("video") == []
    assert [d.count for d in await sandbox.client.duplicates("video", min_count=1)] == [1]

    summary = await sandbox.client.stats_summary()
    assert summary.by_kind == {"chat_action": 1, "message": 2, "edit": 1, "media": 1}
    assert summary.by_chat == {PRIVATE_CHAT_ID: 3, GROUP_ID: 1}
    await sandbox.client.reset_stats()
    assert await sandbox.client.timeline() == []
    assert (await sandbox.client.stats_summary()).by_kind == {}


@pytest.mark.slow("About 5 s: 1,000 people created and 1,000 real sendMessage calls through PTB.")
async def test_the_overall_limit_holds_across_a_thousand_chats(
    limited_bot: Bot, limited: RunningTelegram
) -> None:
    people = await limited.client.create_users(1000)
    refused: list[int] = []
    # 32 calls at once on as many connections, still hundreds a second: httpcore's pool looks
    # through every connection and every queued call to place each one, and with PTB's 256
    # for all 1,000 at once that took most of 12 CPU-seconds (and, on a busy machine, the last
    # calls waited out PTB's 1 s for a connection).
    connections = asyncio.Semaphore(CONNECTIONS)

    async def send(chat_id: int) -> None:
        async with connections:
            try:
                await limited_bot.send_message(chat_id, "your video is ready")
            except RetryAfter:
                refused.append(chat_id)

    await asyncio.gather(*(send(person["id"]) for person in people))
    summary = await limited.client.stats_summary()
    accepted = await limited.client.timeline(kind="message")

    assert summary.peak_per_second <= 30
    assert summary.peak_chat_per_second == 1
    assert len(accepted) + len(refused) == 1000
    assert len(refused) > 0 and summary.too_many_requests == len(refused)
    assert summary.too_many_requests_by_chat == dict.fromkeys(refused, 1)
    assert summary.too_many_requests_by_method == {"sendMessage": len(refused)}
    window = [e.t for e in accepted if e.t - accepted[0].t < 1.0]
    assert len(window) <= 30


async def test_chat_actions_take_no_flood_slot(limited_bot: Bot, limited: RunningTelegram) -> None:
    for _ in range(10):
        await limited_bot.send_chat_action(PRIVATE_CHAT_ID, "typing")
    for n in range(3):
        await limited_bot.send_message(PRIVATE_CHAT_ID, f"burst {n}")

    summary = await limited.client.stats_summary()

    assert summary.too_many_requests == 0
    assert summary.by_kind == {"chat_action": 10, "message": 3}
    assert summary.peak_chat_per_second == 3


async def test_a_group_gets_twenty_a_minute_even_in_a_burst(
    limited_bot: Bot, limited: RunningTelegram
) -> None:
    for n in range(20):
        await limited_bot.send_message(GROUP_ID, f"status {n}")
    with pytest.raises(RetryAfter) as refused:
        await limited_bot.send_message(GROUP_ID, "one too many")

    summary = await limited.client.stats_summary()

    wait = refused.value.retry_after
    assert isinstance(wait, timedelta) and 50 <= wait.total_seconds() <= 60
    assert summary.peak_chat_per_minute == 20
    assert summary.too_many_requests_by_chat == {GROUP_ID: 1}
