"""The bot token and Telegram file URLs never reach a log line; missing settings say which."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from yarl import URL

from sandbox.runway import RunwayKnobs, serve_runway
from sandbox.telegram import PRIVATE_CHAT_ID, TelegramEmulatorConfig, serve_telegram
from tests.chat.conftest import has_video
from tests.e2e.test_whole_system import make_photo
from tests.support import QUARTER, free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow(
    "About 4 s: `python -m bot run` started as a process and a photo job made through it."
)
async def test_no_log_line_of_the_running_bot_carries_the_token_or_a_file_url(
    tmp_path: Path,
) -> None:
    """`python -m bot run` as a process, logging at DEBUG as an operator would set it up: its
    whole output, through a photo job (the photo is fetched from Telegram with a file URL that
    holds the token), never shows the token."""
    token = "4242:Zq9pX-logged-nowhere_7Wx"
    async with (
        serve_runway(RunwayKnobs(latency=0.3, fps=4, frame_scale=QUARTER)) as runway,
        serve_telegram(TelegramEmulatorConfig(bot_token=token)) as telegram,
    ):
        port = free_port()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_URL": telegram.url,
            "RUNWAY_API_KEY": "sandbox-key",
            "RUNWAY_API_URL": runway.url,
            "RUNWAY_UPLOAD_URL": runway.url,
            "RESULT_HOSTS": URL(runway.url).authority,
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_PORT": str(port),
            "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
            "POLL_INTERVAL_SECONDS": "0.5",
            "LOG_LEVEL": "DEBUG",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            client = telegram.client
            photo = make_photo(tmp_path / "photo.jpg")
            await client.send_photo(PRIVATE_CHAT_ID, photo, "waves roll in")
            await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=60)
        finally:
            process.terminate()
            output, _ = await process.communicate()
    logged = output.decode(errors="replace")
    assert "submitted image task" in logged  # the bot's logging was on for the whole run
    assert "getFile" in logged  # the photo was fetched through the Bot API...
    assert token.split(":")[1] not in logged  # ...and never the token, in a file URL or not


def test_the_redacting_filter_hides_token_paths_whoever_logs_them() -> None:
    from bot.logs import RedactingFilter

    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "GET %s",
        ("http://h/file/bot123:abc-DEF/photos/1.jpg",),
        None,
    )
    RedactingFilter(["other-secret"]).filter(record)
    assert record.getMessage() == "GET http://h/file/bot<redacted>/photos/1.jpg"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "TELEGRAM_BOT_TOKEN, RUNWAY_API_KEY"),
        ({"TELEGRAM_BOT_TOKEN": "1:x"}, "RUNWAY_API_KEY"),
        ({"RUNWAY_API_KEY": "k"}, "TELEGRAM_BOT_TOKEN"),
    ],
)
def test_missing_settings_give_one_line_naming_them(
    env: dict[str, str], named: str, tmp_path: Path
) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RUNWAY_"))}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,  # no .env here
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error: {named} must be set (see .env.example)"]


def test_a_bad_setting_gives_one_line_naming_it(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HTTP_PORT": "eighty"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: HTTP_PORT:")
