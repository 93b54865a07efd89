"""The web chat in a real headless Chromium: type to the bot, watch its video arrive and play."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from sandbox.telegram import PRIVATE_CHAT_ID, RunningTelegram
from tests.sandbox_telegram.conftest import make_mp4

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIDEO_CAN_PLAY = """(id) => new Promise((resolve) => {
  const video = document.querySelector(`.msg[data-message-id="${id}"] video`);
  if (video.readyState >= 2) return resolve(video.readyState);
  video.addEventListener("canplay", () => resolve(video.readyState), { once: true });
  video.preload = "auto";
  video.load();
})"""


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip("needs Chromium at /usr/bin/chromium: apt-get install chromium")
    return CHROMIUM


@pytest.fixture
async def page(sandbox: RunningTelegram, chromium: Path) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        try:
            tab = await browser.new_page(viewport={"width": 1200, "height": 800})
            await tab.goto(sandbox.url)
            await tab.wait_for_selector("body[data-ready=true]")
            yield tab
        finally:
            await browser.close()


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
