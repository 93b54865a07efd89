"""The web chat in headless Chromium, with the emulator alone: the bot's side is PTB's real
Bot. The newest message in view, buttons that never break a word, languages, phones, media."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaVideo

from sandbox.telegram import GROUP_ID, PRIVATE_CHAT_ID, YOU_ID, RunningTelegram
from tests.browser import chromium, chromium_browser, open_web_chat

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow(
        "a real Chromium starts for each test and lays the page out (some at two widths)"
    ),
]

__all__ = ["chromium"]

LABELS = [
    ["🔁 Regenerate", "➕ Extend", "📢 Publish"],
    ["Regenerate", "Extending", "Publishing", "Downloading"],
    ["❌ Cancel this generation", "⚙️ Settings"],
]
# Every word of every button label must sit on one line, and no label may spill out of its
# button or its button out of the bubble.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const label of document.querySelectorAll(".kb-label")) {
    const text = label.firstChild;
    let start = 0;
    for (const word of text.data.split(" ")) {
      const range = document.createRange();
      range.setStart(text, start);
      range.setEnd(text, start + word.length);
      const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (tops.size > 1) broken.push(`${word} breaks over ${tops.size} lines`);
      start += word.length + 1;
    }
    const button = label.parentElement;
    const bubble = button.closest(".msg").getBoundingClientRect();
    const box = button.getBoundingClientRect();
    if (button.scrollWidth > button.clientWidth + 1) broken.push(`${text.data} spills out`);
    if (box.right > bubble.right + 1) broken.push(`${text.data} leaves the bubble`);
  }
  return broken;
}"""
IN_VIEW = """(selector) => {
  const box = document.querySelector("#messages").getBoundingClientRect();
  const nodes = [...document.querySelectorAll(selector)];
  return nodes.length > 0 && nodes.every((node) => {
    const r = node.getBoundingClientRect();
    return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  });
}"""


def keyboard(rows: list[list[str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=f"b{i}{j}") for j, t in enumerate(row)]
         for i, row in enumerate(rows)]
    )  # fmt: skip


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Any]:
    async with chromium_browser(chromium) as running:
        yield running


async def test_the_newest_message_and_its_buttons_come_into_view(
    browser: Any, bot: Bot, sandbox: RunningTelegram, jpeg_bytes: bytes
) -> None:
    page = await open_web_chat(browser, sandbox.url, width=1280, height=720)
    for n in range(25):
        await bot.send_message(PRIVATE_CHAT_ID, f"status line {n}\nwith a second line")

    sent = await bot.send_photo(
        PRIVATE_CHAT_ID, jpeg_bytes, caption="Here it is", reply_markup=keyboard(LABELS)
    )
    bubble = f'.msg[data-message-id="{sent.message_id}"]'
    await page.wait_for_selector(f"{bubble} img")
    await page.wait_for_function(f"() => document.querySelector('{bubble} img').complete")
    await page.wait_for_function(IN_VIEW, arg=f"{bubble} .kb-btn", timeout=5000)

    later = await bot.send_message(PRIVATE_CHAT_ID, "one more, buttons come with an edit")
    await bot.edit_message_reply_markup(
        PRIVATE_CHAT_ID, later.message_id, reply_markup=keyboard([["Cancel"], ["Retry"]])
    )
    await page.wait_for_function(
        IN_VIEW, arg=f'.msg[data-message-id="{later.message_id}"] .kb-btn', timeout=5000
    )


@pytest.mark.parametrize("width", [1280, 390])
async def test_no_button_breaks_a_word(
    browser: Any, bot: Bot, sandbox: RunningTelegram, width: int, tmp_path: Path
) -> None:
    page = await open_web_chat(browser, sandbox.url, width=width, height=844)
    sent = await bot.send_message(PRIVATE_CHAT_ID, "Done", reply_markup=keyboard(LABELS))
    wide = await bot.send_message(
        PRIVATE_CHAT_ID, "A longer caption " * 12, reply_markup=keyboard(LABELS)
    )

    for message in (sent, wide):
        await page.wait_for_selector(f'.msg[data-message-id="{message.message_id}"] .kb-btn')
    assert await page.evaluate(BROKEN_WORDS) == []
    await page.screenshot(path=str(tmp_path / f"buttons-{width}.png"))


async def test_the_language_picker_sets_the_next_updates_language(
    browser: Any, bot: Bot, sandbox: RunningTelegram
) -> None:
    page = await open_web_chat(browser, sandbox.url)
    await page.select_option(f'select.lang[data-user-id="{YOU_ID}"]', "ru")
    await page.wait_for_selector(".toast >> text=language ru")

    await page.fill("#input", "/video привет")
    await page.press("#input", "Enter")
    (update,) = await bot.get_updates(timeout=5)

    assert update.effective_user is not None
    assert update.effective_user.language_code == "ru"
    people = {u["id"]: u for u in (await sandbox.client.world())["users"]}
    assert people[YOU_ID]["language_code"] == "ru"


async def test_a_phone_screen_keeps_the_chat_usable(
    browser: Any, bot: Bot, sandbox: RunningTelegram, tmp_path: Path
) -> None:
    page = await open_web_chat(browser, sandbox.url, width=390, height=844)

    assert await page.is_hidden(".sidebar")
    box = await page.locator("#input").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["width"] >= 200
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390

    await page.click("#sidebar-toggle")
    await page.wait_for_selector(".sidebar", state="visible")
    await page.click(f'.chat-item[data-chat-id="{GROUP_ID}"]')
    await page.wait_for_selector(".sidebar", state="hidden")
    assert await page.inner_text("#conv-title") == "Sandbox Group"

    await page.fill("#input", "/video from a phone")
    await page.press("#input", "Enter")
    (update,) = await bot.get_updates(timeout=5)
    assert update.message is not None and update.message.chat.id == GROUP_ID
    await page.screenshot(path=str(tmp_path / "phone.png"))


async def test_photos_audio_and_media_edits_show(
    browser: Any,
    bot: Bot,
    sandbox: RunningTelegram,
    jpeg_bytes: bytes,
    mp3_path: Path,
    mp4_bytes: bytes,
) -> None:
    page = await open_web_chat(browser, sandbox.url)
    photo = await bot.send_photo(PRIVATE_CHAT_ID, jpeg_bytes, caption="a photo")
    song = await bot.send_audio(PRIVATE_CHAT_ID, mp3_path, title="Tone", performer="Sandbox")

    photo_bubble = f'.msg[data-message-id="{photo.message_id}"]'
    await page.wait_for_function(
        f"() => document.querySelector('{photo_bubble} img')?.naturalWidth === 640"
    )
    song_bubble = f'.msg[data-message-id="{song.message_id}"]'
    await page.wait_for_selector(f"{song_bubble} audio")
    assert "Sandbox — Tone" in await page.inner_text(f"{song_bubble} .audio-info")
    await page.wait_for_function(
        f"() => document.querySelector('{song_bubble} audio').readyState >= 1"
    )

    await bot.edit_message_media(
        InputMediaVideo(mp4_bytes, caption="now a video"), PRIVATE_CHAT_ID, photo.message_id
    )
    await page.wait_for_selector(f"{photo_bubble} video")
    assert await page.locator(f"{photo_bubble} img").count() == 0
    assert "now a video" in await page.inner_text(photo_bubble)
