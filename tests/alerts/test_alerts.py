"""Operator alerts through both emulators: each condition the kie.ai emulator (or the Telegram
one) is made to show reaches the admin's private chat once, and its clearing once more."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.alerts import Condition
from bot.domain.policy import Timing
from sandbox.runway import RunwayKnobs
from sandbox.telegram import PRIVATE_CHAT_ID, YOU_ID
from tests.chat.conftest import Sandbox, StartSandbox, has_video, text_of
from tests.core.test_pipeline import knobs
from tests.support import QUARTER, eventually

ADMIN = YOU_ID  # the admin's private chat is PRIVATE_CHAT_ID
FAST = Timing(
    poll_interval=0.5,
    tick=0.1,
    delivery_backoff=0.1,
    resubmit_backoff=0.2,
    max_poll_interval=1.0,
    alert_probe=0.2,
    provider_down_alert=1.0,
)
SETTLE = 1.0  # seconds of further probes and observations that must not repeat an alert


async def alerts_in(sandbox: Sandbox) -> list[str]:
    """The alert and clearing messages in the admin's chat, oldest first."""
    messages = await sandbox.client.messages(PRIVATE_CHAT_ID)
    texts = [text_of(m) for m in messages if m.get("_by_bot")]
    return [t for t in texts if t.split(" ", 1)[-1].startswith(("Alert:", "Cleared:"))]


async def wait_alerts(sandbox: Sandbox, count: int) -> list[str]:
    async def enough() -> bool:
        return len(await alerts_in(sandbox)) >= count

    await eventually(enough, timeout=20, what=f"{count} alert messages")
    await asyncio.sleep(SETTLE)  # none more may follow
    return await alerts_in(sandbox)


async def test_a_refused_key_is_told_once_and_cleared(start_sandbox: StartSandbox) -> None:
    refusing = RunwayKnobs(latency=0.3, fps=4, api_key="the-real-key", frame_scale=QUARTER)
    async with start_sandbox(knobs=refusing, timing=FAST, admin_user_ids={ADMIN}) as sandbox:
        (alert,) = await wait_alerts(sandbox, 1)
        assert "API key (401)" in alert and "RUNWAY_API_KEY" in alert
        assert sandbox.bot.alerts is not None
        assert sandbox.bot.alerts.holds(Condition.KEY_REFUSED)

        await knobs(sandbox.runway, api_key="sandbox-key")  # the operator fixed the key
        alert, cleared = await wait_alerts(sandbox, 2)
        assert "accepts the API key again" in cleared


async def test_low_credits_are_told_once_and_cleared(start_sandbox: StartSandbox) -> None:
    poor = RunwayKnobs(latency=0.3, fps=4, credits=40, frame_scale=QUARTER)
    async with start_sandbox(
        knobs=poor, timing=FAST, admin_user_ids={ADMIN}, low_credits_alert=100
    ) as sandbox:
        (alert,) = await wait_alerts(sandbox, 1)
        assert "40 left" in alert and "below 100" in alert

        await knobs(sandbox.runway, credits=5000)  # topped up
        alert, cleared = await wait_alerts(sandbox, 2)
        assert "back at 5000" in cleared


@pytest.mark.slow(
    "About 8 s: a second of 455s before the alert, then a clip rendered and delivered once the "
    "maintenance ends, then the all-clear."
)
async def test_maintenance_for_a_while_is_told_and_its_end(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(timing=FAST, admin_user_ids={ADMIN}) as sandbox:
        await knobs(sandbox.runway, maintenance_for=60.0)
        await sandbox.client.send_text(PRIVATE_CHAT_ID, "/video a lighthouse in a storm")
        (alert,) = await wait_alerts(sandbox, 1)  # after provider_down_alert (1 s) of 455s
        assert "maintenance" in alert and "min" in alert

        await knobs(sandbox.runway, maintenance_for=0.0)  # over: the job goes out now
        await sandbox.client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
        alert, cleared = await wait_alerts(sandbox, 2)
        assert "answers again" in cleared


@pytest.mark.slow(
    "About 15 s: each refused round sends the video twice (by URL, then uploaded) within the "
    "private chat's flood budget of about one message a second."
)
async def test_failing_deliveries_are_told_once_and_cleared(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(timing=FAST, admin_user_ids={ADMIN}) as sandbox:
        client = sandbox.client
        refusal = "Bad Request: wrong file identifier/HTTP URL specified"
        fault = await client.inject_failure(400, refusal, methods=["sendVideo"])
        await client.send_text(PRIVATE_CHAT_ID, "/video a paper boat")
        (alert,) = await wait_alerts(sandbox, 1)
        assert "deliveries keep failing: 3 in a row" in alert and "wrong file" in alert.lower()

        await client.remove_fault(fault.id)
        await client.send_text(PRIVATE_CHAT_ID, "/video a paper plane")
        await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
        alert, cleared = await wait_alerts(sandbox, 2)
        assert "delivered again" in cleared


async def test_an_admin_is_alerted_in_their_own_language(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(timing=FAST, admin_user_ids={ADMIN}) as sandbox:
        client = sandbox.client
        await client.set_language(ADMIN, "ru")
        hello = await client.send_text(PRIVATE_CHAT_ID, "/help")  # the bot learns the language
        await client.wait_for_message(
            PRIVATE_CHAT_ID,
            lambda m: m.get("reply_to_message", {}).get("message_id") == hello["message_id"],
        )
        await knobs(sandbox.runway, credits=40)

        async def alerted() -> bool:
            texts = [text_of(m) for m in await client.messages(PRIVATE_CHAT_ID)]
            return any("мало кредитов: осталось 40" in t for t in texts)

        await eventually(alerted, what="a Russian low-credit alert")


@pytest.mark.slow(
    "About 8 s: each failing credit probe first spends the client's retries (up to 3.5 s)."
)
async def test_a_failing_provider_is_told_and_its_recovery(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(timing=FAST, admin_user_ids={ADMIN}) as sandbox:
        await knobs(sandbox.runway, rate_500=1.0)  # every call: HTTP 500 or code 500
        (alert,) = await wait_alerts(sandbox, 1)
        assert "failing or in maintenance" in alert

        await knobs(sandbox.runway, rate_500=0.0)
        alert, cleared = await wait_alerts(sandbox, 2)
        assert "answers again" in cleared
