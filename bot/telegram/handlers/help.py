"""`/help` and `/start`: what the bot does, and in groups how to reach it under privacy mode."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import ChatContext
from bot.telegram.i18n import text
from bot.telegram.replies import is_private, language, reply


async def help_command(update: Update, context: ChatContext) -> None:
    """How to make videos here, then the tools."""
    lang = language(update)
    videos = text(lang, "help.private" if is_private(update) else "help.group")
    await reply(update, f"{videos}\n\n{text(lang, 'help.tools')}")
