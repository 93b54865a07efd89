"""Typed shared state for handlers: `context.bot_data` is a BotData, set up by build_application."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.config import Settings
from bot.domain.chat import ChatService
from bot.domain.service import JobService


class Awaiting(StrEnum):
    """What a ForceReply prompt of ours asks for."""

    EXTEND = "extend"
    RESTYLE = "restyle"
    WATERMARK = "watermark"


@dataclass(frozen=True, slots=True)
class Prompt:
    """A ForceReply we sent: what it asks for, and for which job."""

    awaiting: Awaiting
    job_id: int | None = None


class BotData:
    """The services handlers call, plus a little in-memory chat state."""

    settings: Settings
    service: JobService
    chat: ChatService

    def __init__(self) -> None:
        # ForceReply prompts by (chat id, message id); a reply to one answers it.
        self.prompts: dict[tuple[int, int], Prompt] = {}

    def configure(self, settings: Settings, service: JobService, chat: ChatService) -> None:
        self.settings = settings
        self.service = service
        self.chat = chat


ChatContext = CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotData]


def context_types() -> ContextTypes[ChatContext, dict[Any, Any], dict[Any, Any], BotData]:
    return ContextTypes(bot_data=BotData)
