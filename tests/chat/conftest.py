"""The whole bot on real HTTP both ways: the Telegram Bot API emulator, the Runway API emulator,
the Runway AI API emulator when a test asks for it, the bot's own HTTP server for callbacks
(and /media), and a real SQLite file."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from yarl import URL

from bot.config import Settings
from bot.domain.policy import Timing
from bot.wiring import RunningBot, running_bot
from sandbox.runway import RunningRunway, RunwayKnobs, serve_runway
from sandbox.runway_ai import RunningRunwayAi, RunwayAiKnobs, serve_runway_ai
from sandbox.telegram import (
    RunningTelegram,
    SandboxClient,
    TelegramEmulatorConfig,
    serve_telegram,
)
from tests.support import QUARTER, free_port

TOKEN = "1000:sandbox"
RUNWAY_AI_KEY = "sandbox-runway-ai-key"
Message = dict[str, Any]


@dataclass
class Sandbox:
    telegram: RunningTelegram
    runway: RunningRunway
    bot: RunningBot
    runway_ai: RunningRunwayAi | None = None

    @property
    def client(self) -> SandboxClient:
        return self.telegram.client

    async def too_many_requests(self) -> int:
        stats = await self.client.stats()
        return int(stats["too_many_requests"])


StartSandbox = Callable[..., AbstractAsyncContextManager[Sandbox]]


def bot_settings(
    telegram: RunningTelegram,
    runway: RunningRunway,
    db: Path,
    runway_ai: RunningRunwayAi | None = None,
    **overrides: Any,
) -> Settings:
    port = free_port()
    hosts = {URL(runway.url).authority}  # the emulators' results, on loopback
    second: dict[str, Any] = {}
    if runway_ai is not None:
        hosts.add(URL(runway_ai.url).authority)
        second = {"runway_ai_api_url": runway_ai.url, "runway_ai_api_key": SecretStr(RUNWAY_AI_KEY)}
    values: dict[str, Any] = {
        "telegram_bot_token": SecretStr(TOKEN),
        "telegram_api_url": telegram.url,
        "runway_api_key": SecretStr("sandbox-key"),
        "runway_api_url": runway.url,
        "runway_upload_url": runway.url,
        "public_url": f"http://127.0.0.1:{port}",
        "http_host": "127.0.0.1",
        "http_port": port,
        "database_path": str(db),
        "poll_interval_seconds": 0.5,
        "drain_seconds": 1.0,  # a test's teardown does not wait out paced group edits
        "result_hosts": frozenset(hosts),
        **second,
        **overrides,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
def start_sandbox(tmp_path: Path) -> StartSandbox:
    """`async with start_sandbox(knobs=..., **settings) as sandbox:` runs all of it."""

    @asynccontextmanager
    async def start(
        knobs: RunwayKnobs | None = None,
        config: TelegramEmulatorConfig | None = None,
        *,
        runway_ai: RunwayAiKnobs | None = None,
        timing: Timing | None = None,
        **overrides: Any,
    ) -> AsyncIterator[Sandbox]:
        """`runway_ai` knobs start the Runway AI emulator too (its key is RUNWAY_AI_KEY)."""
        # Quarter-size frames at 4 fps: about a quarter of a full clip's ffmpeg time; the tests that
        # look at sizes and pixels (tests/sandbox_runway) render full ones.
        knobs = knobs or RunwayKnobs(latency=0.3, fps=4, frame_scale=QUARTER)
        async with AsyncExitStack() as stack:
            runway = await stack.enter_async_context(serve_runway(knobs))
            telegram = await stack.enter_async_context(
                serve_telegram(config or TelegramEmulatorConfig())
            )
            second = None
            if runway_ai is not None:
                second = await stack.enter_async_context(serve_runway_ai(runway_ai))
            db = tmp_path / "bot.sqlite3"
            settings = bot_settings(telegram, runway, db, second, **overrides)
            bot = await stack.enter_async_context(running_bot(settings, timing=timing))
            yield Sandbox(telegram, runway, bot, second)

    return start


@pytest.fixture
async def sandbox(start_sandbox: StartSandbox) -> AsyncIterator[Sandbox]:
    async with start_sandbox() as running:
        yield running


def has_video(message: Message) -> bool:
    return "video" in message


def text_of(message: Message) -> str:
    return str(message.get("text") or message.get("caption") or "")


def buttons_of(message: Message) -> list[str]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or []
    return [str(button.get("callback_data")) for row in rows for button in row]


async def answer_of(sandbox: Sandbox, query: dict[str, Any]) -> dict[str, Any]:
    """The bot's answerCallbackQuery, which must come within a second of the press."""
    deadline = time.monotonic() + 1.0
    while (answer := await sandbox.client.callback_answer(str(query["id"]))) is None:
        assert time.monotonic() < deadline, "the button was not answered within a second"
        await asyncio.sleep(0.02)
    return answer
