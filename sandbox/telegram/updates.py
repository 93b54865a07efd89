"""The bot's pending updates: ids, allowed_updates, long polling and the one-poller rule."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from collections.abc import Callable
from typing import Any

from sandbox.telegram.errors import conflict

Update = dict[str, Any]

DEFAULT_SKIPPED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_HISTORY = 1000


class UpdateQueue:
    """Updates wait here, oldest first, until a getUpdates offset or the webhook takes them.

    Pushing is synchronous (so a batch of a thousand posts costs no task switches); waiters
    are futures woken on every change.
    """

    def __init__(self, first_id: int = 100_000) -> None:
        self._pending: deque[Update] = deque()
        self._ids = itertools.count(first_id)
        self._waiters: set[asyncio.Future[None]] = set()
        self._poller = 0
        self._closed = False
        self.allowed: frozenset[str] | None = None
        self.history: deque[Update] = deque(maxlen=_HISTORY)

    @property
    def pending(self) -> list[Update]:
        return list(self._pending)

    def accepts(self, kind: str) -> bool:
        if self.allowed is None:
            return kind not in DEFAULT_SKIPPED
        return kind in self.allowed

    def push_nowait(self, kind: str, payload: dict[str, Any]) -> Update | None:
        """Queue an update of ``kind`` unless allowed_updates filters it out."""
        if not self.accepts(kind):
            return None
        update: Update = {"update_id": next(self._ids), kind: payload}
        self._pending.append(update)
        self.history.append(update)
        self._wake()
        return update

    async def push(self, kind: str, payload: dict[str, Any]) -> Update | None:
        return self.push_nowait(kind, payload)

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last -offset."""
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()
            return
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()

    def drop_all(self) -> None:
        self._pending.clear()

    def remove(self, update: Update) -> None:
        if self._pending and self._pending[0] is update:
            self._pending.popleft()
        elif update in self._pending:
            self._pending.remove(update)

    async def wait_for_work(self, ready: Callable[[], bool]) -> Update:
        """Wait until ``ready()`` holds and an update is pending; return the oldest."""
        await self._wait_until(lambda: bool(self._pending) and ready())
        return self._pending[0]

    async def close(self) -> None:
        """End every waiting long poll (the server is shutting down)."""
        self._closed = True
        self._wake()

    async def wake(self) -> None:
        self._wake()

    async def poll(self, limit: int, wait_seconds: float) -> list[Update]:
        """Wait up to ``wait_seconds`` for updates; a newer poller ends this one with 409."""
        self._poller += 1
        me = self._poller
        self._wake()
        if not self._pending and wait_seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wait_until(
                        lambda: bool(self._pending) or self._poller != me or self._closed
                    ),
                    wait_seconds,
                )
        if self._poller != me:
            raise conflict(
                "terminated by other getUpdates request; "
                "make sure that only one bot instance is running"
            )
        return list(itertools.islice(self._pending, limit))

    async def _wait_until(self, condition: Callable[[], bool]) -> None:
        while not condition():
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.add(waiter)
            try:
                await waiter
            finally:
                self._waiters.discard(waiter)

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
