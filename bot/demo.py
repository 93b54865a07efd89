"""`python -m bot demo`: the Runway API emulator, the Telegram Bot API emulator with its web chat,
and the bot between them, all on loopback, with no token, no key and no internet."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from pydantic import SecretStr

from bot.config import Settings
from bot.wiring import running_bot
from sandbox.runway import RunwayKnobs, serve_runway
from sandbox.telegram import TelegramEmulatorConfig, serve_telegram

logger = logging.getLogger(__name__)

DEMO_API_KEY = "demo-key"
DEMO_HMAC_KEY = "demo-callback-signing-key"
YOU = 1001  # the web chat's own user, made an admin so /balance and /usage work


def demo_settings(telegram_url: str, runway_url: str, host: str, port: int, data: Path) -> Settings:
    """The real bot's settings, pointed at the two emulators; updates come by webhook."""
    return Settings(
        _env_file=None,
        telegram_bot_token=SecretStr(TelegramEmulatorConfig().bot_token),
        telegram_api_url=telegram_url,
        runway_api_key=SecretStr(DEMO_API_KEY),
        runway_api_url=runway_url,
        runway_upload_url=runway_url,
        runway_webhook_hmac_key=SecretStr(DEMO_HMAC_KEY),
        public_url=f"http://{host}:{port}",
        http_host=host,
        http_port=port,
        telegram_webhook_secret=SecretStr("demo-webhook-secret"),
        database_path=str(data / "bot.sqlite3"),
        poll_interval_seconds=5,
        admin_user_ids=frozenset({YOU}),
    )


async def run_demo(host: str, port: int) -> None:
    """Web chat on `port`, the Runway emulator on port+1, the bot's HTTP server on port+2."""
    knobs = RunwayKnobs(api_key=DEMO_API_KEY, webhook_hmac_key=DEMO_HMAC_KEY, latency=4.0)
    with tempfile.TemporaryDirectory(prefix="bot-demo-") as data:
        async with (
            serve_telegram(TelegramEmulatorConfig(), host, port) as telegram,
            serve_runway(knobs, host, port + 1) as runway,
        ):
            settings = demo_settings(telegram.url, runway.url, host, port + 2, Path(data))
            async with running_bot(settings):
                print(f"\n  Web chat: {telegram.url}/\n  Ctrl-C stops everything.\n", flush=True)
                await asyncio.Event().wait()
