"""Typed shared state for handlers: `context.bot_data` is a BotData, set up by build_application."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.config import Settings
from bot.domain.chat import ChatService
from bot.domain.service import JobService
from bot.outbound.sending import Send

if TYPE_CHECKING:
    from bot.domain.payments import Payments
    from bot.telegram.cashier import TelegramCashier


class BotData:
    """The services handlers call. Chat state (prompts waiting for a reply) lives in the
    store, so it survives a restart and is shared by replicas."""

    settings: Settings
    service: JobService
    chat: ChatService
    payments: Payments | None = None  # Telegram Stars (None: the bot runs without Telegram)
    cashier: TelegramCashier | None = None

    def configure(self, settings: Settings, service: JobService, chat: ChatService) -> None:
        self.settings = settings
        self.service = service
        self.chat = chat


ChatContext = CallbackContext[ExtBot[Send], dict[Any, Any], dict[Any, Any], BotData]


def context_types() -> ContextTypes[ChatContext, dict[Any, Any], dict[Any, Any], BotData]:
    return ContextTypes(bot_data=BotData)
