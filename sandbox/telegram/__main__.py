"""``python -m sandbox.telegram --port N [--host H] [--token T]``: the emulator and its web chat."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from sandbox.telegram.config import TelegramEmulatorConfig
from sandbox.telegram.server import serve_telegram

logger = logging.getLogger(__name__)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Offline Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=TelegramEmulatorConfig.bot_token)
    parser.add_argument("--username", default=TelegramEmulatorConfig.bot_username)
    parser.add_argument("--no-flood-limits", action="store_true")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> None:
    config = TelegramEmulatorConfig(
        bot_token=args.token, bot_username=args.username, flood_limits=not args.no_flood_limits
    )
    async with serve_telegram(config, args.host, args.port) as running:
        logger.info("Telegram emulator: web chat at %s/", running.url)
        logger.info("Bot API base URL: %s (file base: %s)", running.api_base, running.file_base)
        await asyncio.Event().wait()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(parse_args()))


if __name__ == "__main__":
    main()
