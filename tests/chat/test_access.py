"""Allowlists, budgets, admin commands, /status and /cancel, blocked users, flood limits."""

from __future__ import annotations

import asyncio

import pytest

from bot.domain.models import JobState
from sandbox.runway import RunwayKnobs
from sandbox.telegram import BEN_ID, GROUP_ID, PRIVATE_CHAT_ID, YOU_ID
from tests.chat.conftest import Sandbox, StartSandbox, has_video, text_of
from tests.support import QUARTER, eventually

SLOW = RunwayKnobs(latency=2.5, fps=4, frame_scale=QUARTER)
SLOWER = RunwayKnobs(latency=6.0, fps=4, frame_scale=QUARTER)


async def test_allowlists_admit_users_and_whole_chats(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(allowed_user_ids="1003", allowed_chat_ids=str(GROUP_ID)) as sandbox:
        client = sandbox.client
        await client.send_text(PRIVATE_CHAT_ID, "/video a lake")
        await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "private" in text_of(m))
        await client.send_text(GROUP_ID, "/video a lake")  # You are not listed; the group is
        await client.wait_for_message(GROUP_ID, has_video, timeout=20)
        assert await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 5) == []


@pytest.mark.slow(
    "About 5 s: a clip rendered and delivered with its status message and edits, then the "
    "refusal, all in one private chat at about one message a second."
)
async def test_daily_budget_says_when_to_try_again(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(daily_jobs_per_user=1) as sandbox:
        client = sandbox.client
        await client.send_text(PRIVATE_CHAT_ID, "/video one")
        await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
        await client.send_text(PRIVATE_CHAT_ID, "/video two")
        refusal = await client.wait_for_message(
            PRIVATE_CHAT_ID, lambda m: "Try again" in text_of(m)
        )
        assert "UTC" in text_of(refusal) and "1 video for today" in text_of(refusal)


@pytest.mark.slow(
    "About 6 s: two clips rendered and delivered in one private chat, each with its status "
    "message and edits at about one message a second."
)
async def test_admins_are_exempt_from_budgets(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(daily_jobs_per_user=1, admin_user_ids=str(YOU_ID)) as sandbox:
        client = sandbox.client
        for prompt in ("one", "two"):
            await client.send_text(PRIVATE_CHAT_ID, f"/video {prompt}")
        await eventually(
            lambda: _count_delivered(sandbox, 2), timeout=20, what="two delivered videos"
        )


async def _count_delivered(sandbox: Sandbox, wanted: int) -> bool:
    jobs = await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 10)
    return sum(job.state is JobState.DELIVERED for job in jobs) >= wanted


@pytest.mark.slow(
    "About 10 s: the clip must still be in the making after four exchanges paced at about one "
    "message a second, and then be seen never to arrive."
)
async def test_active_budget_and_status_and_cancel(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(knobs=SLOWER, active_jobs_per_user=1) as sandbox:
        client = sandbox.client
        await client.send_text(PRIVATE_CHAT_ID, "/video a slow sunset")
        await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "credits" in text_of(m))
        await client.send_text(PRIVATE_CHAT_ID, "/video another")
        await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "in the making" in text_of(m))
        await client.send_text(PRIVATE_CHAT_ID, "/status")
        listing = await client.wait_for_message(
            PRIVATE_CHAT_ID, lambda m: "in the making:" in text_of(m)
        )
        assert "a slow sunset" in text_of(listing)
        await client.send_text(PRIVATE_CHAT_ID, "/cancel")
        await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "Cancelled #" in text_of(m))
        await asyncio.sleep(SLOWER.latency + 1.0)
        assert not [m for m in await client.messages(PRIVATE_CHAT_ID) if has_video(m)]
        job = (await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 1))[0]
        assert job.state is JobState.CANCELLED


async def test_provider_credits_and_usage_for_admins_only(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(admin_user_ids=str(YOU_ID)) as sandbox:
        client = sandbox.client
        await client.send_text(GROUP_ID, "/video a hill", user_id=BEN_ID)
        await client.wait_for_message(GROUP_ID, has_video, timeout=20)
        await client.send_text(GROUP_ID, "/balance", user_id=BEN_ID)  # his own Stars only
        own = await client.wait_for_message(GROUP_ID, lambda m: "Payments are off" in text_of(m))
        assert "credits left" not in text_of(own)
        await client.send_text(GROUP_ID, "/usage", user_id=BEN_ID)
        await client.wait_for_message(GROUP_ID, lambda m: "for the bot's admins" in text_of(m))
        await client.send_text(PRIVATE_CHAT_ID, "/balance")
        balance = await client.wait_for_message(
            PRIVATE_CHAT_ID, lambda m: "credits left" in text_of(m)
        )
        assert any(char.isdigit() for char in text_of(balance))
        await client.send_text(PRIVATE_CHAT_ID, "/usage")
        usage = await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "Usage" in text_of(m))
        assert f"user {BEN_ID}: 1 / 12" in text_of(usage)
        assert "Last 30 days" in text_of(usage)


async def test_blocked_user_is_undeliverable_without_a_retry_storm(
    start_sandbox: StartSandbox,
) -> None:
    async with start_sandbox(knobs=SLOW) as sandbox:
        client = sandbox.client
        await client.send_text(PRIVATE_CHAT_ID, "/video a locked door")
        await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "credits" in text_of(m))
        await client.block(YOU_ID)
        store = sandbox.bot.store

        async def undeliverable() -> bool:
            jobs = await store.recent(PRIVATE_CHAT_ID, 1)
            return bool(jobs) and jobs[0].state is JobState.UNDELIVERABLE

        await eventually(undeliverable, timeout=20, what="the job to be undeliverable")
        await asyncio.sleep(1.0)
        stats = await client.stats()
        assert stats["requests"].get("sendVideo", 0) == 1  # tried once, then left alone
        assert stats["too_many_requests"] == 0


async def test_a_burst_of_jobs_in_a_group_causes_no_429(sandbox: Sandbox) -> None:
    client = sandbox.client
    for index in range(4):
        await client.send_text(
            GROUP_ID, f"/video scene {index}", user_id=BEN_ID if index % 2 else YOU_ID
        )

    async def all_done() -> bool:
        jobs = await sandbox.bot.store.recent(GROUP_ID, 10)
        return len(jobs) == 4 and all(job.state is JobState.DELIVERED for job in jobs)

    # Alone this takes about 2 s; the wide timeout is for a machine busy rendering other
    # tests' clips (the emulator renders each of these four with ffmpeg too).
    await eventually(all_done, timeout=60, what="four delivered videos")
    videos = [m for m in await client.messages(GROUP_ID) if has_video(m)]
    assert len(videos) == 4
    assert await sandbox.too_many_requests() == 0
