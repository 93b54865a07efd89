"""`python -m bot demo`: the Runway API emulator, the Runway AI API emulator, the Telegram Bot API
emulator with its web chat, and the bot between them, all on loopback, with no token, no key
and no internet. Both providers are configured, so a chat's /settings may pick the video
engine, and the tools run at the Runway AI emulator (MEDIA_TOOLS=auto)."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from decimal import Decimal
from pathlib import Path

from pydantic import SecretStr
from yarl import URL

from bot.config import Settings
from bot.wiring import running_bot
from sandbox.runway import RunwayKnobs, serve_runway
from sandbox.runway_ai import RunwayAiKnobs, serve_runway_ai
from sandbox.telegram import TelegramEmulatorConfig, serve_telegram

logger = logging.getLogger(__name__)

DEMO_API_KEY = "demo-key"
DEMO_HMAC_KEY = "demo-callback-signing-key"
DEMO_RUNWAY_AI_KEY = "demo-runway-ai-key"
YOU = 1001  # the web chat's own user: pays for clips in Stars (the emulator gives it 500)
ANNA = 1002  # the demo's admin (/usage, /refund, provider credits in /balance); never pays


def demo_settings(
    telegram_url: str, runway_url: str, host: str, port: int, data: Path, runway_ai_url: str = ""
) -> Settings:
    """The real bot's settings, pointed at the emulators; updates come by webhook."""
    hosts = {URL(url).authority for url in (runway_url, runway_ai_url) if url}
    return Settings(
        _env_file=None,
        telegram_bot_token=SecretStr(TelegramEmulatorConfig().bot_token),
        telegram_api_url=telegram_url,
        runway_api_key=SecretStr(DEMO_API_KEY),
        runway_api_url=runway_url,
        runway_upload_url=runway_url,
        runway_webhook_hmac_key=SecretStr(DEMO_HMAC_KEY),
        runway_ai_api_url=runway_ai_url or "https://api.runway-ai.ai",
        runway_ai_api_key=SecretStr(DEMO_RUNWAY_AI_KEY if runway_ai_url else ""),
        result_hosts=frozenset(hosts),  # the emulators' results, on loopback
        public_url=f"http://{host}:{port}",
        http_host=host,
        http_port=port,
        telegram_webhook_secret=SecretStr("demo-webhook-secret"),
        database_path=str(data / "bot.sqlite3"),
        poll_interval_seconds=5,
        admin_user_ids=frozenset({ANNA}),
        stars_per_credit=Decimal(1),  # a 5 s 720p clip costs 12 Stars
    )


async def run_demo(host: str, port: int) -> None:
    """Web chat on `port`, the Runway emulator on port+1, the bot's HTTP server on port+2, the
    Runway AI emulator on port+3."""
    knobs = RunwayKnobs(api_key=DEMO_API_KEY, webhook_hmac_key=DEMO_HMAC_KEY, latency=4.0)
    # A quiet tone in its clips, so /audio on them has a sound track to hand back.
    ai_knobs = RunwayAiKnobs(api_key=DEMO_RUNWAY_AI_KEY, latency=1.0, soundtrack=True)
    with tempfile.TemporaryDirectory(prefix="bot-demo-") as data:
        async with (
            serve_telegram(TelegramEmulatorConfig(), host, port) as telegram,
            serve_runway(knobs, host, port + 1) as runway,
            serve_runway_ai(ai_knobs, host, port + 3) as runway_ai,
        ):
            settings = demo_settings(
                telegram.url, runway.url, host, port + 2, Path(data), runway_ai.url
            )
            async with running_bot(settings):
                print(f"\n  Web chat: {telegram.url}/\n  Ctrl-C stops everything.\n", flush=True)
                await asyncio.Event().wait()
