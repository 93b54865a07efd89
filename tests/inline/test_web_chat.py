"""Inline mode in the web chat, in headless Chromium, against the real bot: typing `@bot words`
lists the person's own videos, picking one posts it via the bot; with none yet, the button
opens the private chat with /start, as Telegram does."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.telegram import GROUP_ID, PRIVATE_CHAT_ID, YOU_ID
from tests.browser import chromium, chromium_browser, open_web_chat
from tests.chat.conftest import StartSandbox
from tests.inline.test_inline import make_video

pytestmark = pytest.mark.browser

__all__ = ["chromium"]


@pytest.mark.slow(
    "About 8 s: Chromium starts, a clip is made, and the page is typed into as a person would."
)
async def test_inline_results_in_the_web_chat(start_sandbox: StartSandbox, chromium: Path) -> None:
    async with start_sandbox() as sandbox, chromium_browser(chromium) as browser:
        fox = await make_video(sandbox, PRIVATE_CHAT_ID, YOU_ID, "a red fox in the snow")
        page = await open_web_chat(browser, sandbox.telegram.url)
        name = (await sandbox.client.world())["bot"]["username"]

        await page.type("#input", f"@{name} fox", delay=20)
        item = f'.inline-item[data-result-id="{fox.id}"]'
        await page.wait_for_selector(f"{item} >> text=a red fox in the snow", timeout=10_000)
        await page.click(item)
        await page.wait_for_selector("#inline-results", state="hidden")
        await page.wait_for_selector(f".msg .via >> text=via @{name}")

        # In a group, nothing matches: the button takes the person to the bot's private chat.
        await page.click(f'.chat-item[data-chat-id="{GROUP_ID}"]')
        await page.fill("#input", "")
        await page.type("#input", f"@{name} nothing like it", delay=10)
        await page.click(".inline-switch", timeout=10_000)
        await page.wait_for_selector(".msg >> text=/start inline")
        private = await sandbox.client.messages(PRIVATE_CHAT_ID)
        assert any(m.get("text") == "/start inline" for m in private)
        group = await sandbox.client.messages(GROUP_ID)
        assert not any(m.get("text") == "/start inline" for m in group)
