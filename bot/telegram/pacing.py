"""Per-chat pacing and coalesced status edits, on top of PTB's AIORateLimiter."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

PRIVATE_INTERVAL = 1.0  # Telegram: about one message a second per private chat
GROUP_INTERVAL = 3.0  # groups and channels: about 20 a minute

T = TypeVar("T")


def interval_for(chat_id: int) -> float:
    return GROUP_INTERVAL if chat_id < 0 else PRIVATE_INTERVAL


class ChatPacer:
    """Spaces status edits per chat by the chat's interval. Reservation-based: callers sleep
    until their own slot, so concurrent editors queue up instead of bursting. New messages
    (statuses, videos) are not held back; PTB's AIORateLimiter paces those per group and
    overall, and they push the next edit back."""

    def __init__(self, interval: Callable[[int], float] = interval_for) -> None:
        self._interval = interval
        self._next: dict[int, float] = {}

    def note(self, chat_id: int) -> None:
        """A message goes out now without waiting (a reply the user is waiting for): the next
        edit in this chat keeps its distance from it."""
        now = time.monotonic()
        self._next[chat_id] = max(self._next.get(chat_id, 0.0), now + self._interval(chat_id))

    async def wait(self, chat_id: int) -> None:
        """Wait for this chat's next edit slot and take it."""
        now = time.monotonic()
        slot = max(now, self._next.get(chat_id, 0.0))
        self._next[chat_id] = slot + self._interval(chat_id)
        if slot > now:
            await asyncio.sleep(slot - now)


class Coalescer(Generic[T]):
    """Latest-wins work per key: while one caller is flushing a key, later values replace the
    pending one and return at once; the flusher loops until nothing newer is pending, so the
    final value is never dropped."""

    def __init__(
        self, ready: Callable[[T], Awaitable[None]], flush: Callable[[T], Awaitable[None]]
    ) -> None:
        self._ready = ready  # waits for a send slot; values pushed meanwhile win
        self._flush = flush
        self._pending: dict[Hashable, T] = {}
        self._flushing: set[Hashable] = set()

    async def push(self, key: Hashable, value: T) -> None:
        self._pending[key] = value
        if key in self._flushing:
            return
        self._flushing.add(key)
        try:
            while key in self._pending:
                await self._ready(self._pending[key])
                await self._flush(self._pending.pop(key))
        finally:
            self._flushing.discard(key)
