"""Command line: `python -m bot run` (the real bot), `python -m bot demo` (all offline) and
`python -m bot copy-to-postgres` (moving a SQLite bot to PostgreSQL, once)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

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
    commands.add_parser(
        "copy-to-postgres",
        help="copy every job and setting from DATABASE_PATH into the empty DATABASE_URL, once",
    )
    args = parser.parse_args(argv)
    if args.command == "copy-to-postgres":
        return copy_command()
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
    from storage.connection import DatabaseInUseError
    from storage.postgres import DatabaseUnavailableError

    try:
        return asyncio.run(until_stopped(serve_forever(settings)))
    except DatabaseInUseError as exc:
        print(f"error: DATABASE_PATH: {exc}", file=sys.stderr)
        return 2
    except DatabaseUnavailableError as exc:
        print(f"error: DATABASE_URL: {exc}", file=sys.stderr)
        return 1


def copy_command() -> int:
    """`python -m bot copy-to-postgres`: one line of outcome; 2 when refused, with nothing
    written."""
    import asyncpg

    from storage.connection import DatabaseInUseError
    from storage.copy import CopyRefusedError, copy_to_postgres
    from storage.postgres import describe

    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        print(f"error: {name}: {first['msg']}", file=sys.stderr)
        return 2
    if not settings.database_url:
        print(
            "error: DATABASE_URL: set it to the PostgreSQL database to copy into", file=sys.stderr
        )
        return 2
    source = Path(settings.database_path)
    target = describe(settings.database_url)
    try:
        copied = asyncio.run(copy_to_postgres(source, settings.database_url))
    except DatabaseInUseError as exc:
        print(f"error: DATABASE_PATH: {exc}; stop the bot before copying", file=sys.stderr)
        return 2
    except CopyRefusedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"error: DATABASE_URL: cannot reach {target}: {exc}", file=sys.stderr)
        return 1
    print(f"copied {copied} from {source} to {target}")
    return 0


def _secrets(settings: Settings) -> list[str]:
    values = [settings.telegram_bot_token, settings.runway_api_key, settings.runway_ai_api_key]
    values += [settings.runway_webhook_hmac_key, settings.telegram_webhook_secret]
    secrets = [v.get_secret_value() for v in values if v is not None]
    # DATABASE_URL's password, as written and percent-decoded
    password = urlsplit(settings.database_url).password
    return [*secrets, password, unquote(password)] if password else secrets


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
