"""A person in the web chat, in real headless Chromium, with the real bot and both emulators:
type /video, watch the status move, and see a playable video arrive."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.telegram import PRIVATE_CHAT_ID
from tests.browser import VIDEO_CAN_PLAY, chromium, web_chat_page
from tests.chat.conftest import Sandbox, StartSandbox, has_video
from tests.e2e.test_whole_system import make_photo

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow(
        "a real Chromium starts for each test and a person's steps are typed and clicked in it"
    ),
]

__all__ = ["chromium"]


@pytest.fixture
async def system(start_sandbox: StartSandbox) -> AsyncIterator[Sandbox]:
    async with start_sandbox() as sandbox:
        yield sandbox


@pytest.fixture
async def page(system: Sandbox, chromium: Path) -> AsyncIterator[Any]:
    async with web_chat_page(system.telegram.url, chromium, width=1280) as tab:
        yield tab


async def test_a_person_makes_a_video_in_the_web_chat(
    page: Any, system: Sandbox, tmp_path: Path
) -> None:
    await page.fill("#input", "/video a lighthouse in a storm, waves crashing --ar 16:9")
    await page.press("#input", "Enter")

    video = await system.client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=30)
    bubble = f'.msg[data-message-id="{video["message_id"]}"]'
    await page.wait_for_selector(f"{bubble} video", timeout=10_000)
    assert await page.evaluate(VIDEO_CAN_PLAY, video["message_id"]) >= 2
    assert "lighthouse" in await page.inner_text(f"{bubble} .quote")
    await page.wait_for_function(
        "() => [...document.querySelectorAll('.msg')].some(m => m.innerText.includes('✅'))",
        timeout=10_000,
    )

    shot = tmp_path / "web-chat.png"
    await page.screenshot(path=str(shot))
    print(f"web chat screenshot: {shot}")
    if target := _screenshot_target():
        shutil.copyfile(shot, target)


async def test_a_person_animates_a_photo_and_extends_the_clip_by_replying(
    page: Any, system: Sandbox, tmp_path: Path
) -> None:
    await page.set_input_files("#file", str(make_photo(tmp_path / "harbour.jpg")))
    await page.fill("#input", "boats rock gently in the harbour")
    await page.press("#input", "Enter")
    animated = await system.client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=30)
    assert animated["reply_to_message"]["photo"]

    bubble = f'.msg[data-message-id="{animated["message_id"]}"]'
    await page.wait_for_selector(f"{bubble} video")
    await page.hover(bubble)
    await page.click(f"{bubble} .reply-btn")
    await page.fill("#input", "a seagull lands on the mast")
    await page.press("#input", "Enter")

    def extension(message: dict[str, Any]) -> bool:
        return has_video(message) and message["message_id"] > animated["message_id"]

    extended = await system.client.wait_for_message(PRIVATE_CHAT_ID, extension, timeout=30)
    await page.wait_for_selector(f'.msg[data-message-id="{extended["message_id"]}"] video')
    assert await page.evaluate(VIDEO_CAN_PLAY, extended["message_id"]) >= 2
    [extend] = [r.json for r in system.runway.state.requests if r.path.endswith("/extend")]
    assert extend["prompt"] == "a seagull lands on the mast"


def _screenshot_target() -> Path | None:
    """`WEBCHAT_SCREENSHOT=docs/webchat.png make test` refreshes the README's picture."""
    value = os.environ.get("WEBCHAT_SCREENSHOT")
    return Path(value) if value else None
