"""The web chat in a real headless Chromium: type to the bot, watch its video arrive and play."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from sandbox.telegram import PRIVATE_CHAT_ID, RunningTelegram
from tests.browser import VIDEO_CAN_PLAY, chromium, web_chat_page
from tests.sandbox_telegram.conftest import make_mp4

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow("a real Chromium starts and the chat is used in it as a person would"),
]

__all__ = ["chromium"]


@pytest.fixture
async def page(sandbox: RunningTelegram, chromium: Path) -> AsyncIterator[Any]:
    async with web_chat_page(sandbox.url, chromium) as tab:
        yield tab


async def test_chat_with_the_bot_in_the_browser(
    page: Any, bot: Bot, sandbox: RunningTelegram, tmp_path: Path
) -> None:
    await page.fill("#input", "/video a paper boat on a pond")
    await page.press("#input", "Enter")

    (update,) = await bot.get_updates(timeout=5)
    assert update.message is not None
    assert update.message.text == "/video a paper boat on a pond"

    await bot.send_chat_action(PRIVATE_CHAT_ID, "upload_video")
    await page.wait_for_selector("#typing:not([hidden])")
    assert "sending a video" in await page.inner_text("#typing")

    clip = make_mp4(tmp_path / "boat.mp4", seconds=2)
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Extend", callback_data="extend:1")]])
    sent = await bot.send_video(
        PRIVATE_CHAT_ID,
        clip,
        caption="Here is your boat",
        reply_parameters=ReplyParameters(update.message.message_id),
        reply_markup=buttons,
    )

    bubble = f'.msg[data-message-id="{sent.message_id}"]'
    await page.wait_for_selector(f"{bubble} video")
    assert await page.evaluate(VIDEO_CAN_PLAY, sent.message_id) >= 2
    assert "paper boat" in await page.inner_text(f"{bubble} .quote")
    assert await page.is_hidden("#typing")

    await page.click(f"{bubble} .kb-btn")
    (pressed,) = await bot.get_updates(offset=update.update_id + 1, timeout=5)
    assert pressed.callback_query is not None and pressed.callback_query.data == "extend:1"

    shot = tmp_path / "web-chat.png"
    await page.screenshot(path=str(shot))
    print(f"web chat screenshot: {shot}")
