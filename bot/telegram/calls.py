"""One wrapper for Bot API calls: wait out RetryAfter, and turn "this chat is gone" into the
domain's RecipientGoneError."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.domain.errors import RecipientGoneError

logger = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 3
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")


def retry_seconds(exc: RetryAfter) -> float:
    value: int | float | timedelta = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def is_not_modified(exc: BadRequest) -> bool:
    return "message is not modified" in exc.message.lower()


async def call(make: Callable[[], Awaitable[T]]) -> T:
    """Run a Bot API call; on 429 sleep exactly as long as told and try again."""
    for _ in range(ATTEMPTS - 1):
        try:
            return await _once(make)
        except RetryAfter as exc:
            logger.warning("Telegram asked us to wait %.0f s", retry_seconds(exc))
            await asyncio.sleep(retry_seconds(exc))
    return await _once(make)


async def _once(make: Callable[[], Awaitable[T]]) -> T:
    try:
        return await make()
    except Forbidden as exc:
        raise RecipientGoneError(exc.message) from exc
    except BadRequest as exc:
        if any(words in exc.message.lower() for words in _GONE):
            raise RecipientGoneError(exc.message) from exc
        raise
