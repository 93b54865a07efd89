"""Updates: long polling, webhooks, privacy mode, callback queries, channel posts."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict

from sandbox.telegram import (
    ANNA_ID,
    CHANNEL_ID,
    FORUM_ID,
    GROUP_ID,
    PRIVATE_CHAT_ID,
    RunningTelegram,
)
from tests.support import bot_requests


async def test_long_poll_waits_for_the_next_update(bot: Bot, sandbox: RunningTelegram) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()

    await sandbox.client.send_text(PRIVATE_CHAT_ID, "/video@runway_video_bot a cat")
    updates = await asyncio.wait_for(poll, 2)

    message = updates[0].message
    assert message is not None and message.text == "/video@runway_video_bot a cat"
    assert message.parse_entities(["bot_command"]) == {
        message.entities[0]: "/video@runway_video_bot"
    }
    assert message.from_user is not None and message.from_user.language_code == "en"


async def test_offset_confirms_updates(bot: Bot, sandbox: RunningTelegram) -> None:
    for text in ("one", "two", "three"):
        await sandbox.client.send_text(PRIVATE_CHAT_ID, text)

    first = await bot.get_updates(limit=2)
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    again = await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0)

    assert [u.message.text for u in first if u.message] == ["one", "two"]
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert again == ()


async def test_allowed_updates_filter_new_updates(bot: Bot, sandbox: RunningTelegram) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    await sandbox.client.send_text(PRIVATE_CHAT_ID, "ignored")
    assert await bot.get_updates() == ()


async def test_a_second_poller_ends_the_first(bot: Bot, sandbox: RunningTelegram) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    async with Bot(bot.token, base_url=sandbox.api_base, **bot_requests()) as other:
        assert await other.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def test_privacy_mode_in_a_plain_group(bot: Bot, sandbox: RunningTelegram) -> None:
    ours = await bot.send_message(GROUP_ID, "your video")
    await sandbox.client.send_text(GROUP_ID, "just chatting", user_id=ANNA_ID)
    await sandbox.client.send_text(GROUP_ID, "/video@other_bot x", user_id=ANNA_ID)
    await sandbox.client.send_text(GROUP_ID, "/video a dog", user_id=ANNA_ID)
    await sandbox.client.send_text(GROUP_ID, "longer", reply_to=ours.message_id)
    await sandbox.client.send_text(FORUM_ID, "admins see all", user_id=ANNA_ID)

    texts = [u.message.text for u in await bot.get_updates() if u.message]

    assert texts == ["/video a dog", "longer", "admins see all"]


async def test_forum_message_without_reply_points_at_its_topic(
    bot: Bot, sandbox: RunningTelegram
) -> None:
    await sandbox.client.send_text(FORUM_ID, "in ideas", thread_id=2)
    (update,) = await bot.get_updates()
    message = update.message
    assert message is not None and message.message_thread_id == 2 and message.is_topic_message
    assert message.reply_to_message is not None
    assert message.reply_to_message.forum_topic_created is not None


async def test_callback_query_and_answer(bot: Bot, sandbox: RunningTelegram) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Cancel", callback_data="cancel:7")]])
    sent = await bot.send_message(PRIVATE_CHAT_ID, "running", reply_markup=markup)

    pressed = await sandbox.client.press_button(PRIVATE_CHAT_ID, sent.message_id, "cancel:7")
    (update,) = await bot.get_updates()

    query = update.callback_query
    assert query is not None and query.data == "cancel:7"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await query.answer("Cancelled")
    assert await sandbox.client.callback_answer(pressed["id"]) == {
        "text": "Cancelled",
        "show_alert": False,
        "url": None,
    }
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer("again")


async def test_channel_posts_and_edits(bot: Bot, sandbox: RunningTelegram) -> None:
    post = await sandbox.client.send_text(CHANNEL_ID, "#daily /video a sunrise")
    await sandbox.client.edit_text(CHANNEL_ID, post["message_id"], "/video a sunset")

    first, second = await bot.get_updates()

    assert first.channel_post is not None
    assert first.channel_post.sender_chat is not None
    assert first.channel_post.sender_chat.id == CHANNEL_ID
    assert first.channel_post.from_user is None
    assert second.edited_channel_post is not None
    assert second.edited_channel_post.text == "/video a sunset"


async def test_user_media_reaches_the_bot(
    bot: Bot, sandbox: RunningTelegram, jpeg_bytes: bytes
) -> None:
    await sandbox.client.send_photo(PRIVATE_CHAT_ID, jpeg_bytes, "make it move")
    (update,) = await bot.get_updates()
    message = update.message
    assert message is not None and message.caption == "make it move"
    photo = await message.photo[-1].get_file()
    assert len(await photo.download_as_bytearray()) > 0


@dataclass
class Receiver:
    url: str
    received: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    fail_first: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A small webhook endpoint that records what it gets and can refuse the first tries."""
    app = web.Application()
    runner = web.AppRunner(app, access_log=None)
    box = Receiver("")

    async def hook(request: web.Request) -> web.Response:
        if box.fail_first > 0:
            box.fail_first -= 1
            return web.Response(status=500)
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        box.received.append((secret, json.loads(await request.read())))
        box.arrived.set()
        return web.Response()

    app.router.add_post("/telegram", hook)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        box.url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram"
        yield box
    finally:
        await runner.cleanup()


async def test_webhook_delivery_with_secret_and_retries(
    bot: Bot, sandbox: RunningTelegram, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    assert await bot.set_webhook(receiver.url, secret_token="s3cret-token_1")

    await sandbox.client.send_text(PRIVATE_CHAT_ID, "via webhook")
    await asyncio.wait_for(receiver.arrived.wait(), 5)

    secret, update = receiver.received[0]
    assert secret == "s3cret-token_1"
    assert update["message"]["text"] == "via webhook"
    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    assert info.last_error_message is not None and "500" in info.last_error_message
    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_webhook_url_checks(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
        await bot.set_webhook("ftp://127.0.0.1/hook")
    with pytest.raises(BadRequest, match=r"(?i)secret token contains unallowed characters"):
        await bot.set_webhook("http://127.0.0.1:9/hook", secret_token="no spaces")
