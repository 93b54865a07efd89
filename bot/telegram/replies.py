"""Reading where an update came from, and answering it in the right chat, topic and language."""

from __future__ import annotations

from typing import Any

from telegram import (
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType

from bot.domain.models import Origin
from bot.telegram.context import ChatContext
from bot.telegram.i18n import language_of, text

Markup = InlineKeyboardMarkup | ForceReply | None


def language(update: Update) -> str:
    user = update.effective_user
    return language_of(user.language_code if user else None)


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


def thread_of(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None


def origin_of(update: Update) -> Origin:
    message = update.effective_message
    assert message is not None
    user = update.effective_user
    return Origin(
        chat_id=message.chat_id,
        user_id=user.id if user and not message.sender_chat else None,
        request_message_id=message.message_id,
        thread_id=thread_of(message),
        language=language(update),
    )


async def answer(update: Update, context: ChatContext, key: str, **params: Any) -> Message:
    """Reply to the update's message with a catalog text, in its chat and topic."""
    return await send(update, context, text(language(update), key, **params))


async def send(update: Update, context: ChatContext, body: str, markup: Markup = None) -> Message:
    message = update.effective_message
    assert message is not None
    return await context.bot.send_message(
        message.chat_id,
        body[:4096],
        message_thread_id=thread_of(message),
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        reply_markup=markup,
    )
