"""A PTB ExtBot with the OutboundScheduler on PTB's real request stack, the Telegram emulator
with its flood limits on, and a plain Bot that bypasses the scheduler to use up budgets."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot
from telegram.ext import ExtBot

from bot.outbound.budgets import BudgetLimits, ChatKey, MemoryBudgets
from bot.outbound.scheduler import OutboundScheduler
from bot.outbound.sending import Send
from sandbox.telegram import RunningTelegram, TelegramEmulatorConfig, TelegramState
from sandbox.telegram.state import ChatLog
from sandbox.telegram.world import ChatRecord
from tests.sandbox_telegram.conftest import make_mp4
from tests.support import bot_requests

TOKEN = "1000:sandbox"
Event = dict[str, Any]


def scheduler(limits: BudgetLimits | None = None, **knobs: Any) -> OutboundScheduler:
    return OutboundScheduler(MemoryBudgets(limits or BudgetLimits()), **knobs)


@asynccontextmanager
async def scheduled_bot(
    api_base: str, rate_limiter: OutboundScheduler, **request: Any
) -> AsyncIterator[ExtBot[Send]]:
    """The bot under test: every call through `rate_limiter`, over HTTPXRequest."""
    requests = bot_requests(connection_pool_size=64, **request)
    async with ExtBot(TOKEN, base_url=api_base, rate_limiter=rate_limiter, **requests) as bot:
        yield bot


@asynccontextmanager
async def bypass_bot(api_base: str) -> AsyncIterator[Bot]:
    """A second client of the same bot with no scheduler: it spends budgets behind its back."""
    requests = bot_requests(connection_pool_size=64, pool_timeout=10.0)
    async with Bot(TOKEN, base_url=api_base, **requests) as bot:
        yield bot


def flood_config(**knobs: Any) -> TelegramEmulatorConfig:
    return TelegramEmulatorConfig(flood_limits=True, **knobs)


def add_private_chats(state: TelegramState, count: int, first: int = 50_000) -> list[int]:
    """More people for the emulated world: private chats `first`, `first + 1`, ..."""
    ids = list(range(first, first + count))
    for chat_id in ids:
        state.world.chats[chat_id] = ChatRecord(chat_id, "private", first_name=f"User {chat_id}")
        state.logs[chat_id] = ChatLog()
    return ids


@contextmanager
def recorded(state: TelegramState) -> Iterator[list[Event]]:
    """Messages and edits the emulator makes while the block runs, in order; the list is
    filled when the block ends."""
    events: list[Event] = []
    with state.events.subscribe() as queue:
        yield events
        while not queue.empty():
            event = queue.get_nowait()
            if event.get("type") in ("message", "edit"):
                events.append(event)


def text_of(event: Event) -> str | None:
    message: dict[str, Any] = event["message"]
    return message.get("text")


async def too_many_requests(running: RunningTelegram) -> int:
    return int((await running.client.stats())["too_many_requests"])


async def method_count(running: RunningTelegram, method: str) -> int:
    return int((await running.client.stats())["requests"].get(method, 0))


@pytest.fixture(scope="session")
def mp4_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_mp4(tmp_path_factory.mktemp("media") / "clip.mp4")


async def video_file_id(api_base: str, chat: ChatKey, path: Path) -> str:
    """Upload once (with the bypass bot) so later sends go by file_id, as deliveries often do."""
    async with bypass_bot(api_base) as bot:
        sent = await bot.send_video(chat, path)
    assert sent.video is not None
    return sent.video.file_id


class AwaitingBudgets:
    """MemoryBudgets behind a real suspension point, as a database round trip would be: the
    dispatcher must keep its order while `take` awaits."""

    def __init__(self, inner: MemoryBudgets) -> None:
        self.inner = inner

    async def take(self, chat: ChatKey | None, now: float, spare: int = 0) -> float:
        await asyncio.sleep(0)
        return await self.inner.take(chat, now, spare)

    async def hold(self, chat: ChatKey | None, until: float) -> None:
        await asyncio.sleep(0)
        await self.inner.hold(chat, until)

    async def restamp(self, chat: ChatKey | None, counted: float, at: float) -> None:
        await asyncio.sleep(0)
        await self.inner.restamp(chat, counted, at)


async def finished_at(call: Awaitable[object]) -> float:
    """When `call` finished, on the monotonic clock."""
    await call
    return time.monotonic()
