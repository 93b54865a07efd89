"""Flood limits: 429 with retry_after, counted by method; no 429 within the limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot
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


@pytest.fixture(autouse=True)
def timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns on every RetryAfter unless time periods are opted in as timedelta."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def limited() -> AsyncIterator[RunningTelegram]:
    config = TelegramEmulatorConfig(group_limit_per_minute=3)
    async with serve_telegram(config) as running:
        yield running


@pytest.fixture
async def limited_bot(limited: RunningTelegram) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=limited.api_base, **bot_requests()) as ptb:
        yield ptb


async def test_private_chat_burst_then_429(limited_bot: Bot, limited: RunningTelegram) -> None:
    sent = await limited_bot.send_message(PRIVATE_CHAT_ID, "status")
    await limited_bot.send_message(PRIVATE_CHAT_ID, "one")
    await limited_bot.edit_message_text("status 2", PRIVATE_CHAT_ID, sent.message_id)

    with pytest.raises(RetryAfter) as refused:
        await limited_bot.edit_message_text("status 3", PRIVATE_CHAT_ID, sent.message_id)

    assert refused.value.retry_after == timedelta(seconds=1)
    stats = await limited.client.stats()
    assert stats["refusals"][0]["description"] == "Too Many Requests: retry after 1"
    assert stats["too_many_requests"] == 1
    assert stats["refusals_by_method"]["429"] == {"editMessageText": 1}


async def test_group_limit_per_minute(limited_bot: Bot) -> None:
    for n in range(3):
        await limited_bot.send_message(GROUP_ID, f"update {n}")
    with pytest.raises(RetryAfter):
        await limited_bot.send_message(GROUP_ID, "one too many")
    assert (await limited_bot.send_message(PRIVATE_CHAT_ID, "other chats go on")).text


async def test_limits_can_be_switched_off(limited_bot: Bot, limited: RunningTelegram) -> None:
    await limited.client.set_flood_limits(False)
    for n in range(10):
        await limited_bot.send_message(PRIVATE_CHAT_ID, f"fast {n}")
    assert (await limited.client.stats())["too_many_requests"] == 0
