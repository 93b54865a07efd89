"""The one gate every update passes before any handler: users and chats outside the
allowlists are turned away here, for commands, plain messages, buttons and payments alike."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.domain.models import Origin
from bot.telegram.context import ChatContext
from bot.telegram.i18n import text
from bot.telegram.replies import is_private, language

logger = logging.getLogger(__name__)


def update_origin(update: Update) -> Origin | None:
    """Who sent the update and where, for the allowlist; None for updates with neither."""
    user = update.effective_user
    chat = update.effective_chat
    if chat is None and user is None:
        return None
    chat_id = chat.id if chat else (user.id if user else 0)
    return Origin(chat_id=chat_id, user_id=user.id if user else None, request_message_id=None)


async def gate(update: Update, context: ChatContext) -> None:
    """Stop updates from outside the allowlists, telling the person why where it makes sense
    (a private chat, a command, a button); in groups silence is kinder than a reply to all."""
    origin = update_origin(update)
    access = context.bot_data.service.policy.access
    if origin is None or access.admits(origin):
        return
    logger.info(
        "update from user %s in chat %s refused by the allowlist", origin.user_id, origin.chat_id
    )
    lang = language(update)
    if update.callback_query is not None:
        await update.callback_query.answer(text(lang, "access.denied"), show_alert=True)
    elif update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
    elif update.pre_checkout_query is not None:
        await update.pre_checkout_query.answer(False, error_message=text(lang, "access.denied"))
    elif update.effective_message is not None and (is_private(update) or _command(update)):
        await update.effective_message.reply_text(text(lang, "access.denied"))
    raise ApplicationHandlerStop


def _command(update: Update) -> bool:
    message = update.effective_message
    body = (message.text or message.caption or "") if message else ""
    return body.startswith("/")
