"""The Telegram emulator's one-poller rule, as the replica tests rely on it: a second live
getUpdates ends the first with 409, and a poller that hung up is answered nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from sandbox.telegram import TelegramEmulatorConfig, serve_telegram
from sandbox.telegram.server import RunningTelegram

TOKEN = "4242:pollers"


@pytest.fixture
async def telegram() -> AsyncIterator[RunningTelegram]:
    async with serve_telegram(TelegramEmulatorConfig(bot_token=TOKEN)) as running:
        yield running


def conflicts(telegram: RunningTelegram) -> int:
    refusals = telegram.state.stats.refusals
    return sum(n for (code, method, _), n in refusals.items() if code == 409)


async def poll(url: str, timeout: int) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/bot{TOKEN}/getUpdates", json={"timeout": timeout}) as response,
    ):
        return response.status


async def test_two_live_pollers_get_a_409(telegram: RunningTelegram) -> None:
    first = asyncio.create_task(poll(telegram.url, 5))
    await asyncio.sleep(0.2)
    assert await poll(telegram.url, 0) == 200
    assert await first == 409
    assert conflicts(telegram) == 1


async def test_a_poller_that_hung_up_is_not_served_a_409(telegram: RunningTelegram) -> None:
    first = asyncio.create_task(poll(telegram.url, 5))
    await asyncio.sleep(0.2)
    first.cancel()  # the client closes its connection, as a killed replica's kernel does
    await asyncio.gather(first, return_exceptions=True)
    await asyncio.sleep(0.1)
    assert await poll(telegram.url, 0) == 200
    await asyncio.sleep(0.1)
    assert conflicts(telegram) == 0
