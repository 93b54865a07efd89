"""Pacing every Bot API call per chat, so flood limits are kept by waiting, not by 429s."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

JSONDict = dict[str, Any]

PRIVATE_BURST = 2  # Telegram tolerates short bursts in a private chat...
PRIVATE_SECONDS_PER_MESSAGE = 1.1  # ...and about one message a second sustained


class ChatRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter paces each group (20 a minute) and the bot overall (30 a second);
    this adds the private-chat pace, which AIORateLimiter leaves out, so command replies,
    status messages, edits and videos to one person queue up instead of being refused."""

    def __init__(self, max_retries: int = 1) -> None:
        super().__init__(max_retries=max_retries)
        self._private: dict[int, AsyncLimiter] = {}

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        chat_id = _private_chat(data.get("chat_id"))
        if chat_id is not None and endpoint != "sendChatAction":
            async with self._limiter(chat_id):
                pass
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )

    def _limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._private.get(chat_id)
        if limiter is None:
            period = PRIVATE_BURST * PRIVATE_SECONDS_PER_MESSAGE
            limiter = self._private[chat_id] = AsyncLimiter(PRIVATE_BURST, period)
        return limiter


def _private_chat(chat_id: object) -> int | None:
    """Private chats have positive ids; groups, supergroups and channels negative ones."""
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        chat_id = int(chat_id)
    return chat_id if isinstance(chat_id, int) and chat_id > 0 else None
