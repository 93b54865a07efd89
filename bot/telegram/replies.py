"""Reading where an update came from, and answering it in the right chat, topic and language.
Answers use PTB's reply shortcuts: they quote the request (the bot's Defaults keep a reply
working when the request was deleted) and land in the request's forum topic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, MessageLimit, ParseMode

from bot.domain.errors import UserError
from bot.domain.models import Origin
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


def message_of(update: Update) -> Message:
    message = update.effective_message
    assert message is not None, "this handler only runs for updates with a message"
    return message


def origin_of(update: Update) -> Origin:
    message = message_of(update)
    user = update.effective_user
    return Origin(
        chat_id=message.chat_id,
        user_id=user.id if user and not message.sender_chat else None,
        request_message_id=message.message_id,
        thread_id=thread_of(message),
        language=language(update),
    )


async def answer(update: Update, key: str, markup: Markup = None, **params: Any) -> Message:
    """Reply to the update's message with a catalog text."""
    return await reply(update, text(language(update), key, **params), markup)


async def reply(update: Update, body: str, markup: Markup = None, *, html: bool = False) -> Message:
    return await message_of(update).reply_text(
        body[: MessageLimit.MAX_TEXT_LENGTH],
        reply_markup=markup,
        parse_mode=ParseMode.HTML if html else None,
        disable_web_page_preview=True if html else None,
    )


def refusal_text(language: str, error: UserError) -> str:
    """The one way a refused request is put into words."""
    params = {name: _shown(value) for name, value in error.params.items()}
    if params.get("valid") == "TEXT":
        params["valid"] = text(language, "option.any_text")
    return text(language, error.key, **params)


async def refuse(update: Update, error: UserError) -> None:
    await reply(update, refusal_text(language(update), error))


def _shown(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value
