"""The bot token and Telegram file URLs never reach a log line; missing settings say which."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.logs import quiet_noisy_loggers, redacting_handler
from sandbox.telegram import PRIVATE_CHAT_ID
from tests.chat.conftest import TOKEN, StartSandbox, has_video
from tests.e2e.test_whole_system import make_photo

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def bot_logging() -> Iterator[io.StringIO]:
    """The bot's own log handler at DEBUG, writing into a buffer, for the duration of the block."""
    root, buffer = logging.getLogger(), io.StringIO()
    handler, level = redacting_handler([TOKEN], buffer), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    quiet_noisy_loggers()
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_no_log_line_carries_the_token_or_a_file_url(
    start_sandbox: StartSandbox, tmp_path: Path
) -> None:
    with bot_logging() as buffer:
        async with start_sandbox() as sandbox:
            photo = make_photo(tmp_path / "photo.jpg")
            await sandbox.client.send_photo(PRIVATE_CHAT_ID, photo, "waves roll in")
            await sandbox.client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=30)
    logged = buffer.getvalue()
    assert "submitted image task" in logged  # the bot's logging was on for the whole run
    assert "getFile" in logged  # the photo was fetched through the Bot API...
    assert TOKEN not in logged  # ...and neither the token nor a file URL with it was logged


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
