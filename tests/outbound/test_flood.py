"""429s: one chat's wait holds up no other chat, a bot-wide one pauses everything once, and
within the budgets Telegram never answers 429 at all."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web
from telegram.error import RetryAfter

from bot.outbound.budgets import BudgetLimits, Window
from bot.outbound.sending import Priority
from sandbox.telegram import GROUP_ID, PRIVATE_CHAT_ID, serve_telegram
from tests.outbound.conftest import (
    add_private_chats,
    bypass_bot,
    finished_at,
    flood_config,
    scheduled_bot,
    scheduler,
    too_many_requests,
)
from tests.outbound.scripted import Params, serve_scripted, too_many
from tests.support import eventually, grants_made


async def test_a_429_in_one_chat_does_not_hold_up_another() -> None:
    rate_limiter = scheduler()
    async with serve_telegram(flood_config()) as tg:
        async with bypass_bot(tg.api_base) as plain:  # spends the private chat's burst of 3
            for n in range(3):
                await plain.send_message(PRIVATE_CHAT_ID, f"from elsewhere {n}")
        async with scheduled_bot(tg.api_base, rate_limiter) as bot:
            start = time.monotonic()
            late = asyncio.create_task(finished_at(bot.send_message(PRIVATE_CHAT_ID, "late")))
            await eventually(lambda: rate_limiter.stats().retry_afters == 1, what="the 429")
            assert str(PRIVATE_CHAT_ID) in rate_limiter.stats().paused
            others = [await finished_at(bot.send_message(GROUP_ID, f"g{n}")) for n in range(3)]
            late_at = await late
        texts = [m.get("text") for m in await tg.client.messages(PRIVATE_CHAT_ID)]
        assert await too_many_requests(tg) == 1

    assert max(others) < late_at - 0.5  # the group went on while the private chat waited
    assert late_at - start >= 0.95  # retry_after: 1
    assert texts.count("late") == 1
    assert rate_limiter.stats().retry_afters == 1


async def test_a_bot_wide_429_pauses_every_chat_once_and_nothing_goes_twice() -> None:
    """Telegram floods the bot for a second from its first message on; three chats refused at
    once mean the bot's own limit, so every chat waits, and each message goes exactly once."""
    flood_ends = 0.0

    async def script(method: str, params: Params) -> web.Response | None:
        nonlocal flood_ends
        if method != "sendMessage":
            return None
        now = time.monotonic()
        flood_ends = flood_ends or now + 1.0
        return too_many(1) if now < flood_ends else None

    rate_limiter = scheduler()
    async with (
        serve_scripted(script) as (api_base, api),
        scheduled_bot(api_base, rate_limiter) as bot,
    ):
        first = [asyncio.create_task(bot.send_message(c, "first")) for c in (1, 2, 3)]
        await eventually(lambda: rate_limiter.stats().retry_afters == 3, what="three 429s")
        assert "all" in rate_limiter.stats().paused
        later = [asyncio.create_task(bot.send_message(c, "later")) for c in range(4, 11)]
        other_call = asyncio.create_task(finished_at(bot.delete_webhook()))
        await asyncio.gather(*first, *later)
        webhook_deleted_at = await other_call

    sends = api.calls("sendMessage")
    refused = [s for s in sends if s.at < flood_ends]
    accepted = [s for s in sends if s.at >= flood_ends]
    assert sorted(s.chat_id or 0 for s in refused) == [1, 2, 3]
    assert sorted(s.chat_id or 0 for s in accepted) == list(range(1, 11))  # each once
    assert webhook_deleted_at >= flood_ends  # calls outside the budgets wait too
    assert rate_limiter.stats().retry_afters == 3  # each 429 counted once


@pytest.mark.slow(
    "About 7 s: 900 real sendMessage calls, each private chat's three spaced by its one-a-second "
    "window."
)
async def test_300_private_chats_with_3_messages_each_draw_no_429() -> None:
    """Scaled so the test stays short: the emulator lets the bot send 300 in any second overall
    (and 2 back to back per private chat, then 1/s); the scheduler keeps to 1 per chat in any
    second and 300 in any second overall, each window 0.1 s longer for timing skew. The
    spacing between grants is scaled too (none): Telegram's 0.03 s would cap it at 33/s.
    Each chat's messages go one after another, as a bot that cares about their order sends
    them: calls made at once to one chat are granted in order but may arrive out of it (the
    first one's HTTP call can take longer than the chat's window on a busy machine).
    About 6 s: most of it is the 900 real HTTP calls through PTB and the emulator."""
    config = flood_config(private_chat_burst=2, global_limit_per_second=300)
    limits = BudgetLimits(
        private=(Window(1, 1.0),), overall=(Window(300, 1.0),), skew=0.1, spacing=0.0
    )
    rate_limiter = scheduler(limits)
    async with serve_telegram(config) as tg:
        chats = add_private_chats(tg.state, 300)
        async with scheduled_bot(tg.api_base, rate_limiter) as bot:
            start = time.monotonic()

            async def three_to(chat: int) -> None:
                for n in range(3):
                    await bot.send_message(chat, f"message {n}")

            await asyncio.gather(*(three_to(c) for c in chats))
            elapsed = time.monotonic() - start
        assert await too_many_requests(tg) == 0
        texts = {tuple(m.get("text") for m in await tg.client.messages(c)) for c in chats}

    assert texts == {("message 0", "message 1", "message 2")}
    assert elapsed >= 2.0  # 900 messages at 300 in any 1.1 s: three windows
    assert rate_limiter.stats().sent == {Priority.REPLY: 900}


async def test_30_messages_to_one_group_take_a_full_window_and_draw_no_429() -> None:
    """Telegram's 20 in any 60 s, with the window shortened to 2 s on both sides so the test
    stays short: 20 go at once, the other 10 a window (and the skew) later, none refused.
    When each went is the scheduler's record of its grants: how long the answers take on a
    busy machine (eight test workers on two cores) is not the scheduler's to keep."""
    rate_limiter = scheduler(BudgetLimits(group=(Window(20, 2.0),)))
    with grants_made() as grants:
        async with serve_telegram(flood_config(group_window_seconds=2.0)) as tg:
            async with scheduled_bot(tg.api_base, rate_limiter) as bot:
                start = time.monotonic()
                done = await asyncio.gather(
                    *(finished_at(bot.send_message(GROUP_ID, f"update {n}")) for n in range(30))
                )
            assert await too_many_requests(tg) == 0
            assert len(await tg.client.messages(GROUP_ID)) == 30

    let_out = sorted(g.at - start for g in grants.made)
    assert len(let_out) == 30
    assert let_out[19] < 1.0  # the first 20 back to back
    assert 2.0 <= let_out[20] < 3.5  # the rest once the first have left the window
    assert sorted(at - start for at in done)[20] >= 2.0  # and none answered sooner


async def test_the_same_burst_without_the_scheduler_draws_429s() -> None:
    """The other side of the test above: without the scheduler, 30 at once to the same group
    are refused 10 times, so the emulator's window is the one Telegram enforces."""
    async with serve_telegram(flood_config(group_window_seconds=2.0)) as tg:
        async with bypass_bot(tg.api_base) as plain:
            results = await asyncio.gather(
                *(plain.send_message(GROUP_ID, f"update {n}") for n in range(30)),
                return_exceptions=True,
            )
        assert await too_many_requests(tg) == 10
    assert sum(isinstance(r, RetryAfter) for r in results) == 10
