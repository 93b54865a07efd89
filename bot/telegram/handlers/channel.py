"""Channels: `/video` posted in a channel is answered there; `/channel @name` binds a channel
(bot and user must both be its admins); `/post <prompt>` makes a preview to publish."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot.domain.chat import Channel
from bot.telegram.context import ChatContext
from bot.telegram.handlers.video import text_to_video
from bot.telegram.options import strip_command
from bot.telegram.permissions import ADMIN_STATUSES
from bot.telegram.replies import answer

logger = logging.getLogger(__name__)


async def channel_video(update: Update, context: ChatContext) -> None:
    """`/video ...` posted by a channel: the bot answers in the channel."""
    post = update.channel_post
    if post is None or post.text is None:
        return
    await text_to_video(update, context, strip_command(post.text))


async def bind(update: Update, context: ChatContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or message.text is None or user is None:
        return
    name = strip_command(message.text).split(maxsplit=1)[:1]
    if not name:
        await answer(update, "channel.usage")
        return
    channel = await _find(context, name[0])
    if channel is None:
        await answer(update, "channel.not_found", name=name[0])
        return
    problem = await _admin_problem(context, channel, user.id)
    if problem is not None:
        await answer(update, problem, title=channel.title)
        return
    await context.bot_data.chat.bind_channel(message.chat_id, channel)
    await answer(update, "channel.bound", title=channel.title)


async def _find(context: ChatContext, name: str) -> Channel | None:
    handle = name if name.startswith("@") or name.lstrip("-").isdigit() else f"@{name}"
    try:
        chat = await context.bot.get_chat(handle)
    except TelegramError as exc:
        logger.info("getChat for a channel failed: %s", exc)
        return None
    return Channel(chat.id, chat.title or chat.username or str(chat.id))


async def _admin_problem(context: ChatContext, channel: Channel, user_id: int) -> str | None:
    """The catalog key of what is wrong, or None when bot and user are both admins."""
    try:
        me = await context.bot.get_chat_member(channel.id, context.bot.id)
        them = await context.bot.get_chat_member(channel.id, user_id)
    except TelegramError as exc:
        logger.info("getChatMember in a channel failed: %s", exc)
        return "channel.user_not_admin"
    can_post = me.status == ChatMemberStatus.OWNER or bool(getattr(me, "can_post_messages", False))
    if me.status not in ADMIN_STATUSES or not can_post:
        return "channel.bot_not_admin"
    if them.status not in ADMIN_STATUSES:
        return "channel.user_not_admin"
    return None


async def post(update: Update, context: ChatContext) -> None:
    """`/post <prompt>`: a preview in this chat with Publish and Discard buttons."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    channel = await context.bot_data.chat.bound_channel(message.chat_id)
    if channel is None:
        await answer(update, "post.no_channel")
        return
    await text_to_video(update, context, strip_command(message.text), channel.id)
