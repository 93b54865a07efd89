"""Operator alerts on Telegram: a private message to each admin, through the outbound scheduler
like every message, in the language the admin last wrote to the bot in (English until then)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.domain.errors import RecipientGoneError
from bot.outbound.calls import call
from bot.outbound.sending import OutboundSkipped, Priority, Send
from bot.telegram.context import ChatContext
from bot.telegram.i18n import DEFAULT_LANGUAGE, language_of, text

logger = logging.getLogger(__name__)

ALERT = Send(Priority.REPLY)


class TelegramAdminChannel:
    """Implements bot.domain.ports.AdminChannel."""

    def __init__(self, bot: ExtBot[Send], admin_ids: frozenset[int]) -> None:
        self.bot = bot
        self.admin_ids = admin_ids
        self.languages: dict[int, str] = {}

    async def tell_admins(self, key: str, params: Mapping[str, object]) -> None:
        for admin in sorted(self.admin_ids):
            body = text(self.languages.get(admin, DEFAULT_LANGUAGE), key, **params)
            try:
                await call(self.bot.send_message(admin, body, rate_limit_args=ALERT))
            except (TelegramError, RecipientGoneError, OutboundSkipped) as exc:
                logger.warning("alert %s not sent to admin %s: %s", key, admin, exc)

    async def remember(self, update: Update, context: ChatContext) -> None:
        """A handler for every update: note an admin's language."""
        user = update.effective_user
        if user is not None and user.id in self.admin_ids:
            self.languages[user.id] = language_of(user.language_code)
