"""Injected faults through PTB's real request stack: late answers, flood waits, errors."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import Bot, BotCommand, ReplyParameters
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from sandbox.telegram import GROUP_ID, PRIVATE_CHAT_ID, RunningTelegram, SandboxError
from tests.support import eventually


@pytest.fixture(autouse=True)
def timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns on every RetryAfter unless time periods are opted in as timedelta."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


def seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def bot_videos(sandbox: RunningTelegram) -> list[dict[str, object]]:
    return [m for m in await sandbox.client.messages(PRIVATE_CHAT_ID) if m.get("video")]


async def test_a_late_answer_after_the_work_makes_a_resend_a_duplicate(
    bot: Bot, sandbox: RunningTelegram, mp4_path: Path
) -> None:
    asked = await sandbox.client.send_text(PRIVATE_CHAT_ID, "/video a heron")
    reply = ReplyParameters(asked["message_id"], allow_sending_without_reply=True)
    fault = await sandbox.client.inject_delay(3, methods=["sendVideo"], times=1)

    with pytest.raises(TimedOut):
        await bot.send_video(PRIVATE_CHAT_ID, mp4_path, reply_parameters=reply, read_timeout=0.5)
    await bot.send_video(PRIVATE_CHAT_ID, mp4_path, reply_parameters=reply)

    assert len(await bot_videos(sandbox)) == 2
    (twice,) = await sandbox.client.duplicates("video")
    assert (twice.reply_to_message_id, twice.count) == (asked["message_id"], 2)
    assert fault.phase == "after" and fault.seconds == 3
    assert await sandbox.client.faults() == []  # times=1: gone after one catch


async def test_a_late_answer_before_the_work_posts_only_when_it_ends(
    bot: Bot, sandbox: RunningTelegram
) -> None:
    await sandbox.client.inject_delay(1.0, methods=["sendMessage"], phase="before")

    sending = asyncio.create_task(bot.send_message(PRIVATE_CHAT_ID, "slow"))
    await asyncio.sleep(0.3)
    posted_early = [m for m in await sandbox.client.messages(PRIVATE_CHAT_ID) if m.get("_by_bot")]
    sent = await sending

    assert posted_early == []
    assert sent.text == "slow"


async def test_a_flood_wait_on_the_whole_bot(bot: Bot, sandbox: RunningTelegram) -> None:
    fault = await sandbox.client.inject_flood_wait(2)

    calls = [
        bot.get_me(),
        bot.set_my_commands([BotCommand("video", "make a video")]),
        bot.set_webhook("http://127.0.0.1:9/telegram"),
        bot.delete_webhook(),
        bot.send_message(PRIVATE_CHAT_ID, "hi"),
    ]
    for call in calls:
        with pytest.raises(RetryAfter) as refused:
            await call
        assert 1 <= seconds(refused.value.retry_after) <= 2

    (listed,) = await sandbox.client.faults()
    assert (listed.id, listed.hits) == (fault.id, 5)
    summary = await sandbox.client.stats_summary()
    assert summary.too_many_requests_by_method["getMe"] == 1
    assert summary.injected_faults["flood_wait"]["setWebhook"] == 1

    async def recovered() -> bool:
        try:
            return (await bot.get_me()).username == "runway_video_bot"
        except RetryAfter:
            return False

    await eventually(recovered, timeout=10, interval=0.25, what="the flood wait to end")


async def test_a_flood_wait_on_one_chat(bot: Bot, sandbox: RunningTelegram) -> None:
    await sandbox.client.inject_flood_wait(30, chat_ids=[PRIVATE_CHAT_ID], retry_after=30)

    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(PRIVATE_CHAT_ID, "hi")
    elsewhere = await bot.send_message(GROUP_ID, "groups go on")

    assert seconds(refused.value.retry_after) == 30
    assert elsewhere.chat.id == GROUP_ID
    stats = await sandbox.client.stats_summary()
    assert stats.too_many_requests_by_chat == {PRIVATE_CHAT_ID: 1}


async def test_failures_a_given_number_of_times(bot: Bot, sandbox: RunningTelegram) -> None:
    await sandbox.client.inject_failure(502, methods=["sendMessage"], times=2)

    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(PRIVATE_CHAT_ID, "x")
    sent = await bot.send_message(PRIVATE_CHAT_ID, "third time")

    assert sent.text == "third time"
    bot_messages = [m for m in await sandbox.client.messages(PRIVATE_CHAT_ID) if m["_by_bot"]]
    assert [m["text"] for m in bot_messages] == ["third time"]


async def test_a_bad_request_worded_as_telegram(bot: Bot, sandbox: RunningTelegram) -> None:
    await sandbox.client.inject_failure(400, "message is too long", chat_ids=[PRIVATE_CHAT_ID])

    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(PRIVATE_CHAT_ID, "short, but refused")
    (fault,) = await sandbox.client.faults()

    assert fault.description == "Bad Request: message is too long"
    await sandbox.client.remove_fault(fault.id)
    assert (await bot.send_message(PRIVATE_CHAT_ID, "now fine")).text == "now fine"


async def test_a_failure_after_the_work_still_posts(bot: Bot, sandbox: RunningTelegram) -> None:
    await sandbox.client.inject_failure(504, methods=["sendMessage"], phase="after", times=1)

    with pytest.raises(NetworkError):
        await bot.send_message(PRIVATE_CHAT_ID, "did it go?")

    texts = [m["text"] for m in await sandbox.client.messages(PRIVATE_CHAT_ID) if m["_by_bot"]]
    assert texts == ["did it go?"]


async def test_faults_are_checked_and_removable(sandbox: RunningTelegram) -> None:
    bad: list[dict[str, Any]] = [
        {"kind": "explode"},
        {"kind": "delay"},
        {"kind": "delay", "seconds": -1},
        {"kind": "fail", "error_code": 200},
        {"kind": "flood_wait", "seconds": 5, "phase": "after"},
        {"kind": "fail", "error_code": 500, "chat_ids": ["me"]},
    ]
    for spec in bad:
        with pytest.raises(SandboxError) as refused:
            await sandbox.client.inject(spec)
        assert refused.value.status == 400

    await sandbox.client.inject_failure(500)
    await sandbox.client.inject_delay(1)
    assert len(await sandbox.client.faults()) == 2
    await sandbox.client.clear_faults()
    assert await sandbox.client.faults() == []
    with pytest.raises(SandboxError) as missing:
        await sandbox.client.remove_fault("f404")
    assert missing.value.status == 404


async def test_a_refused_control_body_is_a_400(sandbox: RunningTelegram) -> None:
    async with aiohttp.ClientSession() as session:
        response = await session.post(f"{sandbox.url}/_emulator/faults", data=b"not json")
        body = await response.json()
    assert response.status == 400 and body["ok"] is False
