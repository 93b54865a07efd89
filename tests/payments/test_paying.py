"""Paying for a clip: by its own invoice, or from the balance /buy filled."""

from __future__ import annotations

import time

import pytest

from sandbox.telegram import PRIVATE_CHAT_ID
from sandbox.telegram.world import YOU_ID
from tests.chat.conftest import has_video, text_of
from tests.payments.conftest import (
    PRICE,
    Sandbox,
    bot_says,
    buy,
    invoice_for,
    is_invoice,
    ledger_rows,
)


async def test_a_clip_is_paid_by_its_own_invoice(sandbox: Sandbox) -> None:
    client = sandbox.client
    before = await client.stars_balance(YOU_ID)
    request = await client.send_text(PRIVATE_CHAT_ID, "/video a fox in the snow")
    invoice = await invoice_for(sandbox, request)
    assert invoice["invoice"]["currency"] == "XTR"
    assert invoice["invoice"]["total_amount"] == PRICE
    assert "a fox in the snow" in invoice["invoice"]["description"]
    status = await bot_says(sandbox, "Waiting for payment")
    assert f"⭐ {PRICE} Stars" in text_of(status)
    started = time.monotonic()
    outcome = await client.pay(PRIVATE_CHAT_ID, invoice["message_id"])
    assert outcome.paid, outcome.reason
    assert time.monotonic() - started < 2.0  # the pre-checkout answer came long before 10 s
    video = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
    assert video["reply_to_message"]["message_id"] == request["message_id"]
    assert await client.stars_balance(YOU_ID) == before - PRICE
    rows = await ledger_rows(sandbox)
    assert [(row["kind"], row["stars"]) for row in rows] == [("invoice", PRICE), ("spend", -PRICE)]
    assert rows[0]["charge_id"] == outcome.telegram_payment_charge_id


@pytest.mark.slow(
    "About 3 s alone, 5-6 s beside the other workers: a purchase, a clip made and delivered, and "
    "/balance, in one private chat at about one message a second."
)
async def test_a_clip_is_paid_from_the_balance_without_an_invoice(sandbox: Sandbox) -> None:
    client = sandbox.client
    await buy(sandbox, 30)
    await client.send_text(PRIVATE_CHAT_ID, "/video a paper plane")
    await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
    invoices = [m for m in await client.messages(PRIVATE_CHAT_ID) if is_invoice(m)]
    assert len(invoices) == 1  # the /buy one only
    await client.send_text(PRIVATE_CHAT_ID, "/balance")
    answer = await bot_says(sandbox, "Your balance")
    assert f"{30 - PRICE} Stars" in text_of(answer)
    assert f"Spent this month: {PRICE} Stars" in text_of(answer)
    kinds = [row["kind"] for row in await ledger_rows(sandbox)]
    assert kinds == ["purchase", "spend"]
