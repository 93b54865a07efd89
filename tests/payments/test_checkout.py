"""Cancelled jobs, pre-checkout refusals for jobs that can no longer run, and payments at once."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.models import JobState
from sandbox.runway import RunwayKnobs
from sandbox.telegram import PRIVATE_CHAT_ID
from sandbox.telegram.world import YOU_ID
from tests.chat.conftest import buttons_of, has_video, text_of
from tests.payments.conftest import (
    PRICE,
    Sandbox,
    StartSandbox,
    bot_says,
    buy,
    invoice_for,
    ledger_rows,
    payments_of,
)
from tests.support import QUARTER, eventually


async def _state(sandbox: Sandbox, state: JobState) -> None:
    async def reached() -> bool:
        jobs = await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 1)
        return bool(jobs) and jobs[0].state is state

    await eventually(reached, timeout=15, what=f"the job to be {state.value}")


async def test_an_invoice_of_a_cancelled_job_is_refused_at_checkout(sandbox: Sandbox) -> None:
    client = sandbox.client
    before = await client.stars_balance(YOU_ID)
    request = await client.send_text(PRIVATE_CHAT_ID, "/video a lighthouse")
    invoice = await invoice_for(sandbox, request)
    status = await bot_says(sandbox, "Waiting for payment")
    cancel = next(data for data in buttons_of(status) if data.startswith("cancel"))
    await client.press_button(PRIVATE_CHAT_ID, status["message_id"], cancel)
    await _state(sandbox, JobState.CANCELLED)
    outcome = await client.pay(PRIVATE_CHAT_ID, invoice["message_id"])
    assert not outcome.paid
    assert outcome.reason is not None and "was cancelled" in outcome.reason
    assert await client.stars_balance(YOU_ID) == before
    assert await ledger_rows(sandbox) == []


@pytest.mark.slow(
    "About 6 s: an invoice paid, the provider's maintenance seen by the bot's probe, and a job "
    "held in line, cancelled and refunded, in one private chat at about one message a second."
)
async def test_provider_down_refuses_checkout_and_a_job_cancelled_in_line_is_refunded(
    start_sandbox: StartSandbox,
) -> None:
    # About 7 s: the provider client retries a maintenance answer before the line hears of it.
    async with start_sandbox(
        RunwayKnobs(latency=0.3, maintenance_for=60, frame_scale=QUARTER), stars_per_credit=1
    ) as sb:
        await buy(sb, PRICE)
        await sb.client.send_text(PRIVATE_CHAT_ID, "/video waits for maintenance")
        await bot_says(sb, "Delayed")  # turned away by the provider, back in line
        request = await sb.client.send_text(PRIVATE_CHAT_ID, "/video paid by invoice")
        invoice = await invoice_for(sb, request)
        outcome = await sb.client.pay(PRIVATE_CHAT_ID, invoice["message_id"])
        assert not outcome.paid
        assert outcome.reason is not None and "unavailable" in outcome.reason
        await sb.client.send_text(PRIVATE_CHAT_ID, "/cancel")
        await bot_says(sb, "back on your balance")  # it never reached the provider
        assert await payments_of(sb).ledger.balance(YOU_ID) == PRICE


async def test_a_job_cancelled_after_the_provider_took_it_is_not_refunded(
    start_sandbox: StartSandbox,
) -> None:
    async with start_sandbox(
        RunwayKnobs(latency=60, fps=4, frame_scale=QUARTER), stars_per_credit=1
    ) as sb:
        await buy(sb, PRICE)
        await sb.client.send_text(PRIVATE_CHAT_ID, "/video takes a long time")
        await _state(sb, JobState.QUEUED)
        await sb.client.send_text(PRIVATE_CHAT_ID, "/cancel")
        await _state(sb, JobState.CANCELLED)
        await asyncio.sleep(0.5)  # a refund would have been written by now
        assert await ledger_rows(sb, "refund") == []
        assert await payments_of(sb).ledger.balance(YOU_ID) == 0


async def test_an_invoice_over_the_daily_budget_is_refused_at_checkout(
    start_sandbox: StartSandbox,
) -> None:
    async with start_sandbox(stars_per_credit=1, daily_jobs_per_user=1) as sb:
        first = await sb.client.send_text(PRIVATE_CHAT_ID, "/video the first")
        second = await sb.client.send_text(PRIVATE_CHAT_ID, "/video the second")
        invoices = [await invoice_for(sb, request) for request in (first, second)]
        paid = await sb.client.pay(PRIVATE_CHAT_ID, invoices[0]["message_id"])
        assert paid.paid

        async def first_in_line() -> bool:  # updates run concurrently: let the payment land
            jobs = await sb.bot.store.recent(PRIVATE_CHAT_ID, 2)
            return any(job.state is not JobState.AWAITING_PAYMENT for job in jobs)

        await eventually(first_in_line, what="the first job paid")
        refused = await sb.client.pay(PRIVATE_CHAT_ID, invoices[1]["message_id"])
        assert not refused.paid
        assert refused.reason is not None and "for today" in refused.reason


async def test_two_invoices_paid_at_once_both_run(sandbox: Sandbox) -> None:
    client = sandbox.client
    requests = [await client.send_text(PRIVATE_CHAT_ID, f"/video clip {n}") for n in (1, 2)]
    invoices = [await invoice_for(sandbox, request) for request in requests]
    outcomes = await asyncio.gather(
        *(client.pay(PRIVATE_CHAT_ID, invoice["message_id"]) for invoice in invoices)
    )
    assert all(outcome.paid for outcome in outcomes)

    async def two_videos() -> bool:
        return len([m for m in await client.messages(PRIVATE_CHAT_ID) if has_video(m)]) == 2

    await eventually(two_videos, timeout=20, what="both videos")
    assert len(await ledger_rows(sandbox, "spend")) == 2
    assert await payments_of(sandbox).ledger.balance(YOU_ID) == 0


@pytest.mark.slow(
    "About 3 s alone, 5 s beside the other workers: a purchase, two requests, a clip made and "
    "delivered and an invoice, in one private chat at about one message a second."
)
async def test_two_requests_at_once_spend_one_balance_once(sandbox: Sandbox) -> None:
    """The balance holds one clip's price: one request takes it, the other gets an invoice."""
    client = sandbox.client
    await buy(sandbox, PRICE)
    await asyncio.gather(
        client.send_text(PRIVATE_CHAT_ID, "/video left"),
        client.send_text(PRIVATE_CHAT_ID, "/video right"),
    )

    async def one_invoice() -> bool:
        invoices = [m for m in await client.messages(PRIVATE_CHAT_ID) if "invoice" in m]
        return len(invoices) == 2  # the /buy one and one of the two requests

    await eventually(one_invoice, timeout=10, what="an invoice for the second request")
    await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
    assert len(await ledger_rows(sandbox, "spend")) == 1
    assert await payments_of(sandbox).ledger.balance(YOU_ID) == 0
    status = await bot_says(sandbox, "Waiting for payment")
    assert f"⭐ {PRICE} Stars" in text_of(status)


async def test_an_invoice_left_unpaid_ends_the_job_and_is_refused_later(
    start_sandbox: StartSandbox,
) -> None:
    async with start_sandbox(stars_per_credit=1, job_timeout_seconds=1) as sb:
        request = await sb.client.send_text(PRIVATE_CHAT_ID, "/video never paid for")
        invoice = await invoice_for(sb, request)
        await bot_says(sb, "not paid in time")
        outcome = await sb.client.pay(PRIVATE_CHAT_ID, invoice["message_id"])
        assert not outcome.paid
        assert outcome.reason is not None and "no longer waits for payment" in outcome.reason


async def test_a_payment_that_arrives_after_a_cancel_goes_onto_the_balance(
    sandbox: Sandbox,
) -> None:
    """Telegram confirmed a payment the bot had agreed to just before the job was cancelled."""
    request = await sandbox.client.send_text(PRIVATE_CHAT_ID, "/video changed my mind")
    await invoice_for(sandbox, request)
    job = (await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 1))[0]
    assert await sandbox.bot.chat.cancel(job, YOU_ID)
    payments = payments_of(sandbox)
    for _ in range(2):  # the same charge twice adds it once
        late = await payments.paid(
            f"job:{job.id}", YOU_ID, PRICE, "late-charge", chat_id=PRIVATE_CHAT_ID, lang="en"
        )
        assert late is None
    await bot_says(sandbox, f"your {PRICE} Stars went onto your balance")
    assert await payments.ledger.balance(YOU_ID) == PRICE
