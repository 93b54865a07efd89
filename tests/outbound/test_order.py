"""Who goes first: videos before status edits, latest-wins edits, drop_if, chat actions."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from telegram import Message
from telegram.constants import ChatAction

from bot.outbound.budgets import BudgetLimits, MemoryBudgets, Window
from bot.outbound.scheduler import OutboundScheduler
from bot.outbound.sending import Dropped, Priority, Send, Superseded
from sandbox.telegram import FORUM_ID, GROUP_ID, PRIVATE_CHAT_ID, serve_telegram
from tests.outbound.conftest import (
    AwaitingBudgets,
    add_private_chats,
    bypass_bot,
    finished_at,
    flood_config,
    method_count,
    recorded,
    scheduled_bot,
    scheduler,
    text_of,
    too_many_requests,
    video_file_id,
)
from tests.support import eventually

DELIVERY = Send(Priority.DELIVERY)


async def test_a_video_is_not_queued_behind_status_edits(mp4_path: Path) -> None:
    rate_limiter = scheduler(BudgetLimits(group=(Window(1, 0.25),)))
    async with serve_telegram(flood_config(group_limit_per_minute=60)) as tg:
        file_id = await video_file_id(tg.api_base, PRIVATE_CHAT_ID, mp4_path)
        async with bypass_bot(tg.api_base) as plain:
            statuses = [await plain.send_message(GROUP_ID, f"job {n}: queued") for n in range(6)]
        async with scheduled_bot(tg.api_base, rate_limiter) as bot:
            with recorded(tg.state) as events:
                edits = [
                    asyncio.create_task(bot.edit_message_text(f"job {n}: 50%", GROUP_ID, s.id))
                    for n, s in enumerate(statuses)
                ]
                await eventually(lambda: rate_limiter.stats().waiting == {Priority.STATUS_EDIT: 5})
                await bot.send_video(GROUP_ID, file_id, rate_limit_args=DELIVERY)
                await asyncio.gather(*edits)

    assert [e["type"] for e in events] == [
        "edit",
        "message",
        "edit",
        "edit",
        "edit",
        "edit",
        "edit",
    ]
    assert "video" in events[1]["message"]


async def test_status_edits_in_a_group_leave_room_for_a_video(mp4_path: Path) -> None:
    """A group's 20 messages a minute, the window shortened to 3 s: the status board's edits,
    sent one after another as jobs move, stop 4 short of the window, so a video finished after
    them goes at once instead of waiting for the window to turn."""
    rate_limiter = scheduler(BudgetLimits(group=(Window(20, 3.0),)))
    async with serve_telegram(flood_config(group_window_seconds=3.0)) as tg:
        file_id = await video_file_id(tg.api_base, PRIVATE_CHAT_ID, mp4_path)
        async with scheduled_bot(tg.api_base, rate_limiter) as bot:
            board = await bot.send_message(
                GROUP_ID, "4 jobs: queued", rate_limit_args=Send(Priority.STATUS_NEW)
            )

            async def jobs_move() -> None:
                for step in range(19):
                    await bot.edit_message_text(f"4 jobs: step {step}", GROUP_ID, board.id)

            moving = asyncio.create_task(jobs_move())
            await eventually(lambda: rate_limiter.stats().sent.get(Priority.STATUS_EDIT, 0) >= 15)
            await asyncio.sleep(0.5)  # and no further: the next edit waits for the window
            sent_before = rate_limiter.stats().sent
            start = time.monotonic()
            await bot.send_video(GROUP_ID, file_id, rate_limit_args=DELIVERY)
            waited = time.monotonic() - start
            await moving  # the rest once the window turns
        assert await too_many_requests(tg) == 0

    assert sent_before == {Priority.STATUS_NEW: 1, Priority.STATUS_EDIT: 15}
    assert waited < 1.0, waited


@pytest.mark.slow(
    "About 7 s: 100 status messages, then 200 calls one per 12.5 ms, all real HTTP through PTB."
)
async def test_every_video_of_a_wave_goes_before_its_status_edits(mp4_path: Path) -> None:
    """100 chats, each with a status edit queued before its video, under a global budget that
    lets one call out every 12.5 ms; `take` awaits, as a shared budget's would."""
    limits = BudgetLimits(overall=(Window(1, 0.0125),), skew=0.0)
    rate_limiter = OutboundScheduler(AwaitingBudgets(MemoryBudgets(limits)))
    async with serve_telegram(flood_config(global_limit_per_second=1000)) as tg:
        ids = add_private_chats(tg.state, 100)
        file_id = await video_file_id(tg.api_base, PRIVATE_CHAT_ID, mp4_path)
        async with bypass_bot(tg.api_base) as plain:
            statuses = await asyncio.gather(*(plain.send_message(c, "queued") for c in ids))
        async with scheduled_bot(tg.api_base, rate_limiter) as bot:
            with recorded(tg.state) as events:
                edits = [bot.edit_message_text("generating", s.chat_id, s.id) for s in statuses]
                videos = [bot.send_video(c, file_id, rate_limit_args=DELIVERY) for c in ids]
                await asyncio.gather(*edits, *videos)
        assert await too_many_requests(tg) == 0

    assert [e["type"] for e in events] == ["message"] * 100 + ["edit"] * 100
    assert rate_limiter.stats().sent == {Priority.DELIVERY: 100, Priority.STATUS_EDIT: 100}


async def test_ten_quick_edits_of_one_message_send_the_last_and_hardly_any_other() -> None:
    async with serve_telegram(flood_config()) as tg:
        rate_limiter = scheduler()
        async with scheduled_bot(tg.api_base, rate_limiter) as bot:
            status = await bot.send_message(PRIVATE_CHAT_ID, "queued")
            with recorded(tg.state) as events:
                edits = []
                for n in range(10):
                    text = f"generating {n * 10}%"
                    edit = bot.edit_message_text(text, PRIVATE_CHAT_ID, status.id)
                    edits.append(asyncio.create_task(edit))
                    await asyncio.sleep(0.05)
                results = await asyncio.gather(*edits, return_exceptions=True)
        assert await too_many_requests(tg) == 0
        assert await method_count(tg, "editMessageText") == len(events)

    texts = [text_of(e) for e in events]
    assert texts[-1] == "generating 90%"
    assert len(texts) <= 3
    assert len(set(texts)) == len(texts)  # no two identical edits went out
    assert all(isinstance(r, Message | Superseded) for r in results)
    assert sum(isinstance(r, Superseded) for r in results) == 10 - len(texts)
    assert rate_limiter.stats().superseded == 10 - len(texts)


async def test_drop_if_is_asked_just_before_sending_and_a_final_edit_replaces_it() -> None:
    delivered = False

    def stale() -> bool:
        return delivered

    async with serve_telegram(flood_config()) as tg:
        rate_limiter = scheduler(BudgetLimits(private=(Window(1, 0.5),)))
        async with scheduled_bot(tg.api_base, rate_limiter) as bot:
            status = await bot.send_message(PRIVATE_CHAT_ID, "queued")  # the chat's one token
            progress = Send(Priority.STATUS_EDIT, drop_if=stale)
            edit = bot.edit_message_text(
                "50%", PRIVATE_CHAT_ID, status.id, rate_limit_args=progress
            )
            waiting = asyncio.create_task(edit)
            await eventually(lambda: rate_limiter.stats().waiting == {Priority.STATUS_EDIT: 1})
            delivered = True
            with pytest.raises(Dropped):
                await waiting

            other = await bot.send_message(PRIVATE_CHAT_ID, "another job")
            stale_edit = bot.edit_message_text(
                "40%", PRIVATE_CHAT_ID, other.id, rate_limit_args=progress
            )
            replaced = asyncio.create_task(stale_edit)
            final = Send(Priority.DELIVERY)  # the final edit: no drop_if, the better priority
            done = bot.edit_message_text("done", PRIVATE_CHAT_ID, other.id, rate_limit_args=final)
            finishing = asyncio.create_task(done)  # in line before the older one is looked at
            with pytest.raises(Superseded):
                await replaced
            await finishing

        texts = [m.get("text") for m in await tg.client.messages(PRIVATE_CHAT_ID)]
        assert texts == ["queued", "done"]
        assert await method_count(tg, "editMessageText") == 1
    stats = rate_limiter.stats()
    assert (stats.dropped, stats.superseded) == (1, 1)


async def test_chat_actions_go_only_with_budget_to_spare_and_never_delay_a_message() -> None:
    rate_limiter = scheduler(BudgetLimits(group=(Window(2, 1.0),)), action_patience=0.5)
    async with serve_telegram(flood_config()) as tg:
        async with scheduled_bot(tg.api_base, rate_limiter) as bot:
            assert await bot.send_chat_action(GROUP_ID, ChatAction.UPLOAD_VIDEO)
            assert [a["action"] for a in await tg.client.actions(GROUP_ID)] == ["upload_video"]

            start = time.monotonic()
            replies = [
                asyncio.create_task(finished_at(bot.send_message(FORUM_ID, f"reply {n}")))
                for n in range(4)
            ]
            action = asyncio.create_task(bot.send_chat_action(FORUM_ID, ChatAction.TYPING))
            done = [at - start for at in await asyncio.gather(*replies)]
            assert await action is True  # dropped quietly, as PTB expects of a chat action
        assert await method_count(tg, "sendChatAction") == 1
        assert await tg.client.actions(FORUM_ID) == []

    # The budget alone sets the pace: two at once, then two a second (and the skew) later. Had
    # the action taken a slot, the fourth would wait for the next second (2 s and more); the
    # upper bounds leave room for a loaded machine (five test workers on two cores).
    assert done[1] < 0.8
    assert 0.9 <= done[3] < 1.8
    assert rate_limiter.stats().dropped == 1
