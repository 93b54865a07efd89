"""Running the emulator on a real socket, for tests, the demo and the command line."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from sandbox.telegram.app import create_telegram_app
from sandbox.telegram.client import SandboxClient
from sandbox.telegram.config import TelegramEmulatorConfig
from sandbox.telegram.keys import TELEGRAM_STATE
from sandbox.telegram.state import TelegramState


@dataclass(frozen=True)
class RunningTelegram:
    url: str
    state: TelegramState
    client: SandboxClient

    @property
    def api_base(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: methods at ``{api_base}{token}/...``."""
        return f"{self.url}/bot"

    @property
    def file_base(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"{self.url}/file/bot"


@asynccontextmanager
async def serve_telegram(
    config: TelegramEmulatorConfig, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningTelegram]:
    """Serve the emulator on ``host:port`` (0: a free port) until the block ends."""
    runner = web.AppRunner(create_telegram_app(config), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        url = f"http://{_reachable(host)}:{runner.addresses[0][1]}"
        async with aiohttp.ClientSession(trust_env=False) as session:
            yield RunningTelegram(url, runner.app[TELEGRAM_STATE], SandboxClient(url, session))
    finally:
        await runner.cleanup()


def _reachable(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104
