"""Closing a web chat tab ends its event stream quietly."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from telegram import Bot

from sandbox.telegram import PRIVATE_CHAT_ID, RunningTelegram
from tests.browser import chromium, chromium_browser, open_web_chat
from tests.support import eventually

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow("a real Chromium starts, and a tab is opened and closed"),
]

__all__ = ["chromium"]


# About 4-6 s: a real Chromium starts, opens the web chat and closes its tab.
async def test_closing_a_tab_logs_no_traceback(
    bot: Bot, sandbox: RunningTelegram, chromium: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with chromium_browser(chromium) as browser:
        tab = await open_web_chat(browser, sandbox.url)
        await eventually(lambda: sandbox.state.events.subscribers == 1, what="the stream")
        await tab.close()

        async def stream_ended() -> bool:
            """Each message makes the stream write to the closed tab, until it notices."""
            await bot.send_message(PRIVATE_CHAT_ID, "after the tab closed")
            return sandbox.state.events.subscribers == 0

        await eventually(stream_ended, interval=0.2, what="the stream to end")

    assert [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR] == []
