"""Command line: `python -m bot run` (the real bot) and `python -m bot demo` (all offline)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Coroutine
from typing import Any

from pydantic import ValidationError

from bot.config import Settings
from bot.logs import configure_logging


def main(argv: list[str] | None = None) -> int:
    # python-telegram-bot 22 opt-in: durations such as RetryAfter.retry_after as timedelta
    # (the int form is deprecated and warns on every flood-control answer).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot, configured from the environment or .env")
    demo = commands.add_parser("demo", help="run the bot with both emulators, offline")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8088, help="web chat port (the next two too)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from bot.demo import run_demo

        configure_logging("INFO")
        return asyncio.run(until_stopped(run_demo(args.host, args.port)))
    return run()


def run() -> int:
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        print(f"error: {name}: {first['msg']}", file=sys.stderr)
        return 2
    if missing := settings.missing_for_run():
        print(f"error: {', '.join(missing)} must be set (see .env.example)", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, _secrets(settings))
    from bot.wiring import serve_forever

    return asyncio.run(until_stopped(serve_forever(settings)))


def _secrets(settings: Settings) -> list[str]:
    values = [settings.telegram_bot_token, settings.runway_api_key]
    values += [settings.runway_webhook_hmac_key, settings.telegram_webhook_secret]
    return [v.get_secret_value() for v in values if v is not None]


async def until_stopped(work: Coroutine[Any, Any, None]) -> int:
    """Run `work` until it ends or SIGINT/SIGTERM arrives."""
    task = asyncio.create_task(work)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        print("stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
