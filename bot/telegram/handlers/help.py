"""`/help` and `/start`: what the bot does, and in groups how to reach it under privacy mode."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import ChatContext
from bot.telegram.replies import answer, is_private


async def help_command(update: Update, context: ChatContext) -> None:
    await answer(update, context, "help.private" if is_private(update) else "help.group")
