"""The one error handler: log what broke (never the token or a file URL), answer briefly."""

from __future__ import annotations

import logging
import re
import traceback

from telegram import Update
from telegram.error import TelegramError

from bot.telegram.context import ChatContext
from bot.telegram.replies import answer

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{3,}")
_FILE_URL = re.compile(r"https?://\S*/file/bot\S*")


def redact(value: str) -> str:
    """Blank out anything shaped like a bot token or a Telegram file URL."""
    return _TOKEN.sub("<token>", _FILE_URL.sub("<file url>", value))


async def on_error(update: object, context: ChatContext) -> None:
    error = context.error
    if error is None:
        return
    details = redact("".join(traceback.format_exception(error)))
    logger.error("handling an update failed: %s", details)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await answer(update, context, "error.generic")
        except TelegramError as exc:
            logger.info("could not tell the user about the error: %s", redact(str(exc)))
