"""Telegram Stars through PTB's real Bot: invoices, the pre-checkout handshake, refunds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LabeledPrice, Update
from telegram.error import BadRequest

from sandbox.telegram import (
    PRIVATE_CHAT_ID,
    YOU_ID,
    PaymentOutcome,
    RunningTelegram,
    SandboxError,
    TelegramEmulatorConfig,
    serve_telegram,
)
from tests.sandbox_telegram.conftest import TOKEN
from tests.support import bot_requests

STARS = "XTR"


async def invoice(bot: Bot, amount: int = 100, **extra: Any) -> int:
    sent = await bot.send_invoice(
        PRIVATE_CHAT_ID, "5 s video", "A video of a red fox", "job:42", STARS,
        [LabeledPrice("Video", amount)], **extra,
    )  # fmt: skip
    return sent.message_id


async def next_update(bot: Bot, offset: int | None = None) -> Update:
    (update,) = await bot.get_updates(offset=offset, timeout=5)
    return update


async def test_an_invoice_in_stars(bot: Bot, sandbox: RunningTelegram) -> None:
    sent = await bot.send_invoice(
        PRIVATE_CHAT_ID, "5 s video", "A video of a red fox", "job:42", STARS,
        [LabeledPrice("Video", 100)], start_parameter="fox",
    )  # fmt: skip

    assert sent.invoice is not None
    assert (sent.invoice.currency, sent.invoice.total_amount) == ("XTR", 100)
    assert (sent.invoice.title, sent.invoice.start_parameter) == ("5 s video", "fox")
    (listed,) = [m for m in await sandbox.client.messages(PRIVATE_CHAT_ID) if "invoice" in m]
    assert listed["_invoice"] == {"amount": 100, "paying": False}
    (entry,) = await sandbox.client.timeline()
    assert (entry.kind, entry.content) == ("message", "invoice")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"currency": "USD"}, "PAYMENT_PROVIDER_INVALID"),
        ({"provider_token": "284685063:TEST:abc"}, "STARS_INVOICE_INVALID"),
        ({"prices": [LabeledPrice("Video", 50), LabeledPrice("Tax", 5)]}, "STARS_INVOICE_INVALID"),
        ({"max_tip_amount": 10, "suggested_tip_amounts": [5]}, "STARS_INVOICE_INVALID"),
        ({"need_email": True}, "STARS_INVOICE_INVALID"),
        ({"prices": [LabeledPrice("Video", 0)]}, "Total price must be positive"),
        ({"prices": []}, "There must be at least one price"),
        ({"prices": [LabeledPrice("Video", 10_001)]}, "CURRENCY_TOTAL_AMOUNT_INVALID"),
        ({"payload": ""}, 'Parameter "payload" is required'),
        ({"payload": "x" * 129}, "INVOICE_PAYLOAD_INVALID"),
        ({"title": "t" * 33}, "TITLE_INVALID"),
        ({"description": "d" * 256}, "DESCRIPTION_INVALID"),
        (
            {
                "reply_markup": InlineKeyboardMarkup(
                    [[InlineKeyboardButton("Go", url="https://t.me")]]
                )
            },
            "REPLY_MARKUP_BUY_EMPTY",
        ),
    ],
)
async def test_invoices_telegram_refuses(bot: Bot, changes: dict[str, Any], error: str) -> None:
    fields: dict[str, Any] = {
        "title": "5 s video",
        "description": "A video",
        "payload": "job:1",
        "currency": STARS,
        "prices": [LabeledPrice("Video", 100)],
        **changes,
    }
    with pytest.raises(BadRequest) as refused:
        await bot.send_invoice(PRIVATE_CHAT_ID, **fields)
    assert error.lower() in refused.value.message.lower()


async def test_a_pay_button_first_is_fine(bot: Bot) -> None:
    pay_first = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Pay ⭐100", pay=True)],
            [InlineKeyboardButton("Help", url="https://t.me")],
        ]
    )
    assert await invoice(bot, reply_markup=pay_first)


async def test_paying_runs_the_pre_checkout_handshake(bot: Bot, sandbox: RunningTelegram) -> None:
    message_id = await invoice(bot, 100)
    paying = asyncio.create_task(sandbox.client.pay(PRIVATE_CHAT_ID, message_id))

    asked = await next_update(bot)
    assert asked.pre_checkout_query is not None
    query = asked.pre_checkout_query
    assert (query.currency, query.total_amount, query.invoice_payload) == ("XTR", 100, "job:42")
    assert query.from_user.id == YOU_ID
    assert await bot.answer_pre_checkout_query(query.id, ok=True)
    outcome = await paying
    paid = await next_update(bot, asked.update_id + 1)

    assert outcome.paid and outcome.balance == 400
    assert paid.message is not None and paid.message.successful_payment is not None
    payment = paid.message.successful_payment
    assert paid.message.from_user is not None and paid.message.from_user.id == YOU_ID
    assert (payment.currency, payment.total_amount) == ("XTR", 100)
    assert payment.invoice_payload == "job:42"
    assert payment.telegram_payment_charge_id == outcome.telegram_payment_charge_id
    assert payment.provider_payment_charge_id
    assert await sandbox.client.stars_balance(YOU_ID) == 400
    assert (await bot.get_my_star_balance()).amount == 100
    (incoming,) = (await bot.get_star_transactions()).transactions
    assert incoming.amount == 100 and incoming.source is not None
    assert incoming.source.user.id == YOU_ID  # type: ignore[attr-defined]
    with pytest.raises(SandboxError, match="already paid"):
        await sandbox.client.pay(PRIVATE_CHAT_ID, message_id)


async def test_a_declined_order_moves_no_stars(bot: Bot, sandbox: RunningTelegram) -> None:
    message_id = await invoice(bot, 100)
    paying = asyncio.create_task(sandbox.client.pay(PRIVATE_CHAT_ID, message_id))

    asked = await next_update(bot)
    assert asked.pre_checkout_query is not None
    query_id = asked.pre_checkout_query.id
    await bot.answer_pre_checkout_query(query_id, ok=False, error_message="Sold out")
    outcome = await paying

    assert outcome == PaymentOutcome(paid=False, balance=500, reason="Sold out")
    assert await bot.get_updates(offset=asked.update_id + 1, timeout=0) == ()
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_pre_checkout_query(asked.pre_checkout_query.id, ok=True)
    again = asyncio.create_task(sandbox.client.pay(PRIVATE_CHAT_ID, message_id, user_id=YOU_ID))
    asked_again = await next_update(bot, offset=asked.update_id + 1)
    assert asked_again.pre_checkout_query is not None  # a new order, a new question
    await bot.answer_pre_checkout_query(
        asked_again.pre_checkout_query.id, ok=False, error_message="Sold out"
    )
    assert (await again).paid is False


async def test_refusing_needs_a_reason(bot: Bot, sandbox: RunningTelegram) -> None:
    message_id = await invoice(bot)
    paying = asyncio.create_task(sandbox.client.pay(PRIVATE_CHAT_ID, message_id))
    asked = await next_update(bot)
    assert asked.pre_checkout_query is not None

    with pytest.raises(BadRequest, match=r'(?i)parameter "error_message" is required'):
        await bot.answer_pre_checkout_query(asked.pre_checkout_query.id, ok=False)
    await bot.answer_pre_checkout_query(asked.pre_checkout_query.id, ok=True)
    assert (await paying).paid


async def test_not_enough_stars_asks_the_bot_nothing(bot: Bot, sandbox: RunningTelegram) -> None:
    await sandbox.client.set_stars_balance(YOU_ID, 50)
    message_id = await invoice(bot, 100)

    outcome = await sandbox.client.pay(PRIVATE_CHAT_ID, message_id)

    assert not outcome.paid and outcome.balance == 50
    assert outcome.reason is not None and "not enough Stars" in outcome.reason
    assert await bot.get_updates(timeout=0) == ()


@pytest.fixture
async def impatient() -> AsyncIterator[RunningTelegram]:
    async with serve_telegram(TelegramEmulatorConfig(pre_checkout_timeout=0.5)) as running:
        yield running


async def test_no_answer_in_time_fails_the_payment(impatient: RunningTelegram) -> None:
    async with Bot(TOKEN, base_url=impatient.api_base, **bot_requests()) as bot:
        message_id = await invoice(bot, 100)
        outcome = await impatient.client.pay(PRIVATE_CHAT_ID, message_id)
        asked = await next_update(bot)
        assert asked.pre_checkout_query is not None
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_pre_checkout_query(asked.pre_checkout_query.id, ok=True)

    assert not outcome.paid and outcome.balance == 500
    assert outcome.reason == "the bot did not confirm the order within 0.5 s"


async def paid_invoice(bot: Bot, sandbox: RunningTelegram, amount: int = 100) -> str:
    message_id = await invoice(bot, amount)
    paying = asyncio.create_task(sandbox.client.pay(PRIVATE_CHAT_ID, message_id))
    asked = await next_update(bot)
    assert asked.pre_checkout_query is not None
    await bot.answer_pre_checkout_query(asked.pre_checkout_query.id, ok=True)
    charge = (await paying).telegram_payment_charge_id
    assert charge is not None
    paid = await next_update(bot, asked.update_id + 1)
    await bot.get_updates(offset=paid.update_id + 1, timeout=0)  # confirms the payment
    return charge


async def test_a_refund_gives_the_stars_back_once(bot: Bot, sandbox: RunningTelegram) -> None:
    charge = await paid_invoice(bot, sandbox, 120)

    assert await bot.refund_star_payment(YOU_ID, charge)
    with pytest.raises(BadRequest, match=r"(?i)charge_already_refunded"):
        await bot.refund_star_payment(YOU_ID, charge)
    with pytest.raises(BadRequest, match=r"(?i)charge_not_found"):
        await bot.refund_star_payment(YOU_ID, "stx-no-such-charge")

    assert await sandbox.client.stars_balance(YOU_ID) == 500
    assert (await bot.get_my_star_balance()).amount == 0
    incoming, outgoing = (await bot.get_star_transactions()).transactions
    assert incoming.id == outgoing.id == charge
    assert outgoing.receiver is not None and outgoing.receiver.user.id == YOU_ID  # type: ignore[attr-defined]
    notes = [m for m in await sandbox.client.messages(PRIVATE_CHAT_ID) if "refunded_payment" in m]
    assert [n["refunded_payment"]["total_amount"] for n in notes] == [120]
    (listed,) = [m for m in await sandbox.client.messages(PRIVATE_CHAT_ID) if "invoice" in m]
    assert listed["_invoice"]["refunded"] is True


async def test_transactions_page_by_offset(bot: Bot, sandbox: RunningTelegram) -> None:
    for amount in (10, 20, 30):
        await paid_invoice(bot, sandbox, amount)

    page = await bot.get_star_transactions(offset=1, limit=1)

    assert [t.amount for t in page.transactions] == [20]


async def test_one_payment_of_an_invoice_at_a_time(bot: Bot, sandbox: RunningTelegram) -> None:
    message_id = await invoice(bot)
    paying = asyncio.create_task(sandbox.client.pay(PRIVATE_CHAT_ID, message_id))
    asked = await next_update(bot)
    assert asked.pre_checkout_query is not None

    with pytest.raises(SandboxError) as busy:
        await sandbox.client.pay(PRIVATE_CHAT_ID, message_id)
    await bot.answer_pre_checkout_query(asked.pre_checkout_query.id, ok=True)

    assert busy.value.status == 409
    assert (await paying).paid


async def test_a_malformed_keyboard_on_an_invoice_is_a_400(sandbox: RunningTelegram) -> None:
    fields = {
        "chat_id": PRIVATE_CHAT_ID, "title": "t", "description": "d", "payload": "p",
        "currency": STARS, "prices": '[{"label": "a", "amount": 1}]',
        "reply_markup": '{"inline_keyboard": [5]}',
    }  # fmt: skip
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{sandbox.api_base}{TOKEN}/sendInvoice", data=fields) as response,
    ):
        body = await response.json()
    assert response.status == 400 and body["ok"] is False
