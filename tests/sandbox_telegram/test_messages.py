"""Sending, editing and deleting messages through PTB's real Bot."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from sandbox.telegram import (
    CHANNEL_ID,
    FORUM_ID,
    GROUP_ID,
    PRIVATE_CHAT_ID,
    YOU_ID,
    RunningTelegram,
)


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data=data)]])


async def test_send_message_is_stored_and_shown(bot: Bot, sandbox: RunningTelegram) -> None:
    sent = await bot.send_message(PRIVATE_CHAT_ID, "hello", reply_markup=keyboard("job:1"))

    assert sent.from_user is not None and sent.from_user.username == "runway_video_bot"
    assert sent.reply_markup == keyboard("job:1")
    seen = await sandbox.client.wait_for_message(PRIVATE_CHAT_ID, lambda m: m["text"] == "hello")
    assert seen["message_id"] == sent.message_id


@pytest.mark.parametrize(
    ("text", "error"),
    [("   ", "(?i)Message text is empty"), ("x" * 4097, "(?i)Message is too long")],
)
async def test_send_message_text_limits(bot: Bot, text: str, error: str) -> None:
    with pytest.raises(BadRequest, match=error):
        await bot.send_message(PRIVATE_CHAT_ID, text)


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)Chat not found"):
        await bot.send_message(424242, "hi")


async def test_callback_data_over_64_bytes_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)Button_data_invalid"):
        await bot.send_message(PRIVATE_CHAT_ID, "hi", reply_markup=keyboard("x" * 65))


async def test_reply_carries_the_full_original(bot: Bot, sandbox: RunningTelegram) -> None:
    asked = await sandbox.client.send_text(PRIVATE_CHAT_ID, "a prompt")

    answer = await bot.send_message(
        PRIVATE_CHAT_ID, "on it", reply_parameters=ReplyParameters(asked["message_id"])
    )

    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "a prompt"


async def test_reply_to_a_missing_message(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)Message to be replied not found"):
        await bot.send_message(PRIVATE_CHAT_ID, "x", reply_parameters=ReplyParameters(999))
    lenient = ReplyParameters(999, allow_sending_without_reply=True)
    sent = await bot.send_message(PRIVATE_CHAT_ID, "x", reply_parameters=lenient)
    assert sent.reply_to_message is None


async def test_html_and_markdown_become_entities(bot: Bot) -> None:
    html = await bot.send_message(
        PRIVATE_CHAT_ID, "<b>Done</b> in <code>5 s</code>", parse_mode=ParseMode.HTML
    )
    markdown = await bot.send_message(
        PRIVATE_CHAT_ID, r"*Done* in `5 s`\!", parse_mode=ParseMode.MARKDOWN_V2
    )

    assert html.text == "Done in 5 s"
    assert [e.type for e in html.entities] == ["bold", "code"]
    assert markdown.text == "Done in 5 s!"
    assert [(e.type, e.offset, e.length) for e in markdown.entities] == [
        ("bold", 0, 4),
        ("code", 8, 3),
    ]


@pytest.mark.parametrize(
    ("text", "mode", "error"),
    [
        ("<b>open", ParseMode.HTML, "(?i)Can.t find end tag"),
        ("<div>x</div>", ParseMode.HTML, "(?i)Unsupported start tag"),
        ("Done.", ParseMode.MARKDOWN_V2, "(?i)reserved and must be escaped"),
    ],
)
async def test_bad_markup_is_refused(bot: Bot, text: str, mode: str, error: str) -> None:
    with pytest.raises(BadRequest, match=error):
        await bot.send_message(PRIVATE_CHAT_ID, text, parse_mode=mode)


async def test_edit_text_and_markup(bot: Bot, sandbox: RunningTelegram) -> None:
    sent = await bot.send_message(PRIVATE_CHAT_ID, "queued", reply_markup=keyboard("c:1"))

    edited = await bot.edit_message_text("running", PRIVATE_CHAT_ID, sent.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "running" and edited.edit_date is not None
    assert edited.reply_markup is None
    with pytest.raises(BadRequest, match=r"(?i)Message is not modified"):
        await bot.edit_message_text("running", PRIVATE_CHAT_ID, sent.message_id)
    marked = await bot.edit_message_reply_markup(
        PRIVATE_CHAT_ID, sent.message_id, reply_markup=keyboard("c:2")
    )
    assert isinstance(marked, Message) and marked.reply_markup == keyboard("c:2")
    shown = await sandbox.client.messages(PRIVATE_CHAT_ID)
    assert shown[-1]["text"] == "running"


async def test_edit_errors(bot: Bot, sandbox: RunningTelegram) -> None:
    theirs = await sandbox.client.send_text(PRIVATE_CHAT_ID, "mine")
    with pytest.raises(BadRequest, match=r"(?i)Message to edit not found"):
        await bot.edit_message_text("x", PRIVATE_CHAT_ID, 999)
    with pytest.raises(BadRequest, match=r"(?i)Message can't be edited"):
        await bot.edit_message_text("x", PRIVATE_CHAT_ID, theirs["message_id"])
    text = await bot.send_message(PRIVATE_CHAT_ID, "plain")
    with pytest.raises(BadRequest, match=r"(?i)There is no caption in the message to edit"):
        await bot.edit_message_caption(PRIVATE_CHAT_ID, text.message_id, caption="c")


async def test_delete_message(bot: Bot, sandbox: RunningTelegram) -> None:
    sent = await bot.send_message(PRIVATE_CHAT_ID, "short-lived")
    assert await bot.delete_message(PRIVATE_CHAT_ID, sent.message_id)
    assert await sandbox.client.messages(PRIVATE_CHAT_ID) == []
    with pytest.raises(BadRequest, match=r"(?i)Message to delete not found"):
        await bot.delete_message(PRIVATE_CHAT_ID, sent.message_id)


async def test_bot_cannot_delete_others_in_a_group_where_it_is_no_admin(
    bot: Bot, sandbox: RunningTelegram
) -> None:
    theirs = await sandbox.client.send_text(GROUP_ID, "hello all")
    with pytest.raises(BadRequest, match=r"(?i)Message can't be deleted"):
        await bot.delete_message(GROUP_ID, theirs["message_id"])


async def test_forum_topics(bot: Bot, sandbox: RunningTelegram) -> None:
    asked = await sandbox.client.send_text(FORUM_ID, "/video a fox", thread_id=3)
    assert asked["message_thread_id"] == 3 and asked["is_topic_message"]

    answer = await bot.send_message(
        FORUM_ID,
        "queued",
        message_thread_id=3,
        reply_parameters=ReplyParameters(asked["message_id"]),
    )

    assert answer.message_thread_id == 3 and answer.is_topic_message
    in_topic = await sandbox.client.messages(FORUM_ID, thread_id=3)
    assert [m["message_id"] for m in in_topic][-2:] == [asked["message_id"], answer.message_id]
    with pytest.raises(BadRequest, match=r"(?i)Message thread not found"):
        await bot.send_message(FORUM_ID, "x", message_thread_id=77)
    with pytest.raises(BadRequest, match=r"(?i)Message thread not found"):
        await bot.send_message(GROUP_ID, "x", message_thread_id=3)


async def test_channel_posts_come_from_the_channel(bot: Bot) -> None:
    post = await bot.send_message("@sandbox_channel", "new video")
    assert post.chat.id == CHANNEL_ID
    assert post.sender_chat is not None and post.sender_chat.id == CHANNEL_ID
    assert post.from_user is None


async def test_blocked_user_gives_forbidden(bot: Bot, sandbox: RunningTelegram) -> None:
    await sandbox.client.block(YOU_ID)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(PRIVATE_CHAT_ID, "hi")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(PRIVATE_CHAT_ID, "typing")
    await sandbox.client.unblock(YOU_ID)
    assert (await bot.send_message(PRIVATE_CHAT_ID, "back")).text == "back"
    stats = await sandbox.client.stats()
    assert stats["refusals_by_method"]["403"] == {"sendMessage": 1, "sendChatAction": 1}


async def test_chat_action_is_shown(bot: Bot, sandbox: RunningTelegram) -> None:
    assert await bot.send_chat_action(FORUM_ID, "upload_video", message_thread_id=2)
    actions = await sandbox.client.actions(FORUM_ID)
    assert actions[0]["action"] == "upload_video" and actions[0]["thread_id"] == 2
    with pytest.raises(BadRequest, match=r"(?i)Wrong parameter action"):
        await bot.send_chat_action(PRIVATE_CHAT_ID, "dancing")
