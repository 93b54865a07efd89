"""Refunds: a clip that ends without a result gets its Stars back once, through Telegram when
its own invoice paid it, onto the balance otherwise; the user is told how many came back."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.domain.models import Failure, FailureReason, JobState
from sandbox.runway import RunwayKnobs
from sandbox.telegram import PRIVATE_CHAT_ID
from sandbox.telegram.world import YOU_ID
from tests.chat.conftest import text_of
from tests.payments.conftest import (
    PRICE,
    Sandbox,
    StartSandbox,
    bot_says,
    buy,
    invoice_for,
    ledger_rows,
    payments_of,
    wait_rows,
)
from tests.support import QUARTER, eventually


async def _pay_invoice(sandbox: Sandbox, prompt: str) -> dict[str, Any]:
    request = await sandbox.client.send_text(PRIVATE_CHAT_ID, f"/video {prompt}")
    invoice = await invoice_for(sandbox, request)
    outcome = await sandbox.client.pay(PRIVATE_CHAT_ID, invoice["message_id"])
    assert outcome.paid, outcome.reason
    return request


async def _charge_refunded(sandbox: Sandbox) -> bool:
    charges = (await sandbox.client.stars())["charges"]
    return len(charges) == 1 and bool(charges[0]["refunded"])


async def test_a_provider_failure_refunds_the_invoice_through_telegram(
    start_sandbox: StartSandbox,
) -> None:
    async with start_sandbox(
        RunwayKnobs(latency=0.3, failure_rate=1.0, frame_scale=QUARTER), stars_per_credit=1
    ) as sb:
        before = await sb.client.stars_balance(YOU_ID)
        await _pay_invoice(sb, "a storm at sea")
        told = await bot_says(sb, "refunded to your Telegram account")
        assert f"{PRICE} Stars" in text_of(told)
        assert await _charge_refunded(sb)
        assert await sb.client.stars_balance(YOU_ID) == before
        kinds = [(row["kind"], row["stars"]) for row in await ledger_rows(sb)]
        assert kinds == [
            ("invoice", PRICE),
            ("spend", -PRICE),
            ("refund", PRICE),
            ("charge_refunded", -PRICE),
        ]
        assert await payments_of(sb).ledger.balance(YOU_ID) == 0


async def test_a_moderation_refusal_puts_the_price_back_on_the_balance(
    sandbox: Sandbox,
) -> None:
    await buy(sandbox, PRICE)
    await sandbox.client.send_text(PRIVATE_CHAT_ID, "/video a forbidden thing [[nsfw]]")
    told = await bot_says(sandbox, "back on your balance")
    assert f"{PRICE} Stars" in text_of(told)
    assert await payments_of(sandbox).ledger.balance(YOU_ID) == PRICE
    charges = (await sandbox.client.stars())["charges"]
    assert [charge["refunded"] for charge in charges] == [False]  # the /buy stays paid


async def test_a_timeout_is_refunded(start_sandbox: StartSandbox) -> None:
    knobs = RunwayKnobs(latency=60, fps=4, frame_scale=QUARTER)
    async with start_sandbox(knobs, stars_per_credit=1, job_timeout_seconds=1.5) as sb:
        await buy(sb, PRICE)
        await sb.client.send_text(PRIVATE_CHAT_ID, "/video a very slow sunrise")
        await bot_says(sb, "back on your balance")
        job = (await sb.bot.store.recent(PRIVATE_CHAT_ID, 1))[0]
        assert job.failure is not None and job.failure.reason.value == "timeout"
        assert await payments_of(sb).ledger.balance(YOU_ID) == PRICE


async def test_an_undeliverable_video_is_refunded(start_sandbox: StartSandbox) -> None:
    # About 6 s: the clip must take long enough (1.5 s) for the block to come first.
    async with start_sandbox(
        RunwayKnobs(latency=1.5, fps=4, frame_scale=QUARTER), stars_per_credit=1
    ) as sb:
        await _pay_invoice(sb, "a parade for nobody")
        await sb.client.block(YOU_ID)  # the chat refuses the video when it is ready
        await wait_rows(sb, "charge_refunded", 1)
        job = (await sb.bot.store.recent(PRIVATE_CHAT_ID, 1))[0]
        assert job.state.value == "undeliverable"
        assert await _charge_refunded(sb)


async def test_a_failure_reported_twice_is_refunded_once(start_sandbox: StartSandbox) -> None:
    knobs = RunwayKnobs(latency=0.3, duplicate_callbacks=1.0, frame_scale=QUARTER)
    async with start_sandbox(knobs, stars_per_credit=1) as sb:
        await _pay_invoice(sb, "a sketch [[fail]]")
        await bot_says(sb, "refunded to your Telegram account")
        job = (await sb.bot.store.recent(PRIVATE_CHAT_ID, 1))[0]
        payments = payments_of(sb)
        again = await asyncio.gather(*(payments.refund(job) for _ in range(5)))
        assert again == [0] * 5
        await asyncio.sleep(0.5)  # the duplicate callback has come and gone
        assert len(await ledger_rows(sb, "refund")) == 1
        assert len(await ledger_rows(sb, "charge_refunded")) == 1
        notices = [m for m in await sb.client.messages(PRIVATE_CHAT_ID) if "↩️" in text_of(m)]
        assert len(notices) == 1


async def test_a_refund_a_stop_cut_off_is_given_by_the_start_up_sweep(
    start_sandbox: StartSandbox,
) -> None:
    async with start_sandbox(
        RunwayKnobs(latency=60, fps=4, frame_scale=QUARTER), stars_per_credit=1
    ) as sb:
        await buy(sb, PRICE)
        await sb.client.send_text(PRIVATE_CHAT_ID, "/video cut off by a restart")
        store = sb.bot.store

        async def queued() -> bool:
            jobs = await store.recent(PRIVATE_CHAT_ID, 1)
            return bool(jobs) and jobs[0].state is JobState.QUEUED

        await eventually(queued, what="the job at the provider")
        job = (await store.recent(PRIVATE_CHAT_ID, 1))[0]
        # The job fails as a process stops: the state is written, its refund never runs.
        failure = Failure(FailureReason.GENERATION_FAILED, "the provider failed it")
        assert await store.advance(job.id, JobState.FAILED, job.updated_at, failure=failure)
        payments = payments_of(sb)
        assert await payments.sweep() == PRICE
        assert await payments.sweep() == 0
        assert await payments.ledger.balance(YOU_ID) == PRICE
