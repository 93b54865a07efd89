"""The one error handler: a refused request gets its plain-words answer here; anything else is
logged (never the token or a file URL) and answered briefly."""

from __future__ import annotations

import logging
import re
import traceback

from telegram import Update
from telegram.error import TelegramError

from bot.domain.errors import UserError
from bot.outbound.sending import OutboundSkipped
from bot.telegram.context import ChatContext
from bot.telegram.i18n import text
from bot.telegram.replies import language, refusal_text, refuse

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{3,}")
_FILE_URL = re.compile(r"https?://\S*/file/bot\S*")


def redact(value: str) -> str:
    """Blank out anything shaped like a bot token or a Telegram file URL."""
    return _TOKEN.sub("<token>", _FILE_URL.sub("<file url>", value))


async def on_error(update: object, context: ChatContext) -> None:
    error = context.error
    if error is None or isinstance(error, OutboundSkipped):
        return  # an edit a newer one replaced, or one no longer wanted: nothing broke
    if not isinstance(update, Update):
        if error is not None:
            logger.error("background work failed: %s", redact(_trace(error)))
        return
    try:
        if isinstance(error, UserError):
            await _refuse(update, error)
            return
        logger.error("handling an update failed: %s", redact(_trace(error)))
        if update.callback_query is not None:
            await update.callback_query.answer(text(language(update), "error.generic"))
        elif update.effective_message is not None:
            await update.effective_message.reply_text(text(language(update), "error.generic"))
    except TelegramError as exc:
        logger.info("could not tell the user about the error: %s", redact(str(exc)))


async def _refuse(update: Update, error: UserError) -> None:
    query = update.callback_query
    if query is not None:  # a button: the refusal shows as an alert over the chat
        await query.answer(refusal_text(language(update), error)[:200], show_alert=True)
        return
    if update.effective_message is not None:
        await refuse(update, error)


def _trace(error: BaseException) -> str:
    return "".join(traceback.format_exception(error))
