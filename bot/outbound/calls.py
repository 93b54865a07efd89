"""Telegram's refusals in the domain's words: "this chat is gone" becomes RecipientGoneError.

Waiting out a 429 is the outbound scheduler's job alone; nothing here retries.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.domain.errors import RecipientGoneError

T = TypeVar("T")
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")


def is_not_modified(exc: BadRequest) -> bool:
    return "message is not modified" in exc.message.lower()


async def call(request: Awaitable[T]) -> T:
    """Await a Bot API call, turning a chat that refuses us for good into RecipientGoneError."""
    try:
        return await request
    except Forbidden as exc:
        raise RecipientGoneError(exc.message) from exc
    except BadRequest as exc:
        if any(words in exc.message.lower() for words in _GONE):
            raise RecipientGoneError(exc.message) from exc
        raise


# Failures that happen before a request leaves: nothing can have reached Telegram.
_NOT_SENT = (httpx.PoolTimeout, httpx.ConnectError, httpx.ConnectTimeout)


def may_have_arrived(exc: NetworkError) -> bool:
    """False when the request surely never left (no free connection, no connection at all) or
    Telegram answered that it refused it (PTB's BadRequest is a NetworkError too); a read
    timeout, a dropped connection or a 5xx may come after Telegram took the request."""
    if isinstance(exc, BadRequest):
        return False
    return not isinstance(exc.__cause__, _NOT_SENT)
