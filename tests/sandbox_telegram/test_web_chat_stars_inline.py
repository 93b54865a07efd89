"""Stars and inline mode in the web chat, in headless Chromium, with PTB's real Bot playing
the bot: pay an invoice with the Pay button, see a refusal and a refund; pick inline results."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import (
    Bot,
    InlineQueryResultArticle,
    InlineQueryResultCachedVideo,
    InputTextMessageContent,
    LabeledPrice,
    Update,
)

from sandbox.telegram import PRIVATE_CHAT_ID, YOU_ID, RunningTelegram
from tests.browser import chromium, chromium_browser, open_web_chat

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow("a real Chromium starts for each test (most of its time)"),
]

__all__ = ["chromium"]


@pytest.fixture
async def page(sandbox: RunningTelegram, chromium: Path) -> AsyncIterator[Any]:
    async with chromium_browser(chromium) as browser:
        yield await open_web_chat(browser, sandbox.url)


async def one_update(bot: Bot, offset: int | None = None) -> Update:
    (update,) = await bot.get_updates(offset=offset, timeout=10)
    return update


async def send_invoice(bot: Bot, page: Any, amount: int) -> str:
    sent = await bot.send_invoice(
        PRIVATE_CHAT_ID, "5 s video", "A red fox in the snow", "job:7", "XTR",
        [LabeledPrice("Video", amount)],
    )  # fmt: skip
    bubble = f'.msg[data-message-id="{sent.message_id}"]'
    await page.wait_for_selector(f"{bubble} .kb-btn.pay")
    return bubble


async def test_paying_and_a_refund_in_the_page(page: Any, bot: Bot) -> None:
    stars = f'.stars[data-user-id="{YOU_ID}"]'
    await page.wait_for_selector(f"{stars} >> text=⭐ 500")
    bubble = await send_invoice(bot, page, 100)

    await page.click(f"{bubble} .kb-btn.pay")
    asked = await one_update(bot)
    assert asked.pre_checkout_query is not None
    await page.wait_for_selector(f"{bubble} .invoice-status.pending")
    await bot.answer_pre_checkout_query(asked.pre_checkout_query.id, ok=True)

    await page.wait_for_selector(f"{bubble} .invoice-status.paid >> text=Paid by You")
    await page.wait_for_selector(f"{stars} >> text=⭐ 400")
    await page.wait_for_selector(".service.payment >> text=You paid ⭐ 100")
    paid = await one_update(bot, asked.update_id + 1)
    assert paid.message is not None and paid.message.successful_payment is not None
    assert await page.is_disabled(f"{bubble} .kb-btn.pay")

    charge = paid.message.successful_payment.telegram_payment_charge_id
    await bot.refund_star_payment(YOU_ID, charge)
    await page.wait_for_selector(f"{bubble} .invoice-status >> text=refunded 100 ⭐")
    await page.wait_for_selector(f"{stars} >> text=⭐ 500")


# About 5 s, nearly all of it the set-up: each test of this module starts its own Chromium.
async def test_a_declined_payment_says_why(page: Any, bot: Bot) -> None:
    bubble = await send_invoice(bot, page, 50)

    await page.click(f"{bubble} .kb-btn.pay")
    asked = await one_update(bot)
    assert asked.pre_checkout_query is not None
    await bot.answer_pre_checkout_query(
        asked.pre_checkout_query.id, ok=False, error_message="This video is no longer available"
    )

    await page.wait_for_selector(
        f"{bubble} .invoice-status.failed >> text=This video is no longer available"
    )
    assert await page.inner_text(f'.stars[data-user-id="{YOU_ID}"]') == "⭐ 500"


async def answer_when_asked(
    bot: Bot, results: list[Any], offset: int | None = None, **extra: Any
) -> Update:
    update = await one_update(bot, offset)
    assert update.inline_query is not None
    await bot.answer_inline_query(update.inline_query.id, results, cache_time=0, **extra)
    return update


async def test_inline_results_as_you_type(
    page: Any, bot: Bot, sandbox: RunningTelegram, mp4_path: Path
) -> None:
    clip = await bot.send_video(PRIVATE_CHAT_ID, mp4_path, caption="made earlier")
    assert clip.video is not None
    first_page = [
        InlineQueryResultCachedVideo("v1", clip.video.file_id, "Red fox", caption="🦊"),
        InlineQueryResultArticle("a1", "Make a new one", InputTextMessageContent("/video fox")),
    ]

    await page.type("#input", "@runway_video_bot fox", delay=20)
    update = await answer_when_asked(bot, first_page, next_offset="2")
    assert update.inline_query is not None and update.inline_query.query == "fox"
    await page.wait_for_selector('.inline-item[data-result-id="v1"] >> text=Red fox')

    await page.click(".inline-more")
    older = [InlineQueryResultArticle("a2", "Older", InputTextMessageContent("older"))]
    more = await answer_when_asked(bot, older, update.update_id + 1)
    assert more.inline_query is not None and more.inline_query.offset == "2"
    await page.wait_for_selector('.inline-item[data-result-id="a2"]')
    assert await page.locator(".inline-item").count() == 3

    await page.click('.inline-item[data-result-id="v1"]')
    await page.wait_for_selector("#inline-results", state="hidden")
    (sent,) = await bot.get_updates(offset=more.update_id + 1, timeout=10)
    assert sent.message is not None and sent.message.via_bot is not None
    assert sent.message.video is not None
    bubble = f'.msg[data-message-id="{sent.message.message_id}"]'
    await page.wait_for_selector(f"{bubble} .via >> text=via @runway_video_bot")
    await page.wait_for_selector(f"{bubble} video")
