"""Headless Chromium (Debian's package) driven by Playwright, for the web chat's browser tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

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


@asynccontextmanager
async def chromium_browser(chromium: Path) -> AsyncIterator[Any]:
    """A headless Chromium, closed when the block ends."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


async def open_web_chat(browser: Any, url: str, width: int = 1200, height: int = 860) -> Any:
    """A new tab on the web chat, once its script says it is ready."""
    tab = await browser.new_page(viewport={"width": width, "height": height})
    await tab.goto(url)
    await tab.wait_for_selector("body[data-ready=true]")
    return tab


@asynccontextmanager
async def web_chat_page(url: str, chromium: Path, width: int = 1200) -> AsyncIterator[Any]:
    """A browser tab on the web chat, once its script says it is ready."""
    async with chromium_browser(chromium) as browser:
        yield await open_web_chat(browser, url, width)
