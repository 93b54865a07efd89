"""The bot's pending updates: ids, allowed_updates, long polling and the one-poller rule."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from sandbox.telegram.errors import conflict

Update = dict[str, Any]

DEFAULT_SKIPPED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    def __init__(self, first_id: int = 100_000) -> None:
        self._pending: list[Update] = []
        self._next_id = first_id
        self._changed = asyncio.Condition()
        self._poller = 0
        self._closed = False
        self.allowed: frozenset[str] | None = None
        self.history: list[Update] = []

    @property
    def pending(self) -> list[Update]:
        return list(self._pending)

    def accepts(self, kind: str) -> bool:
        if self.allowed is None:
            return kind not in DEFAULT_SKIPPED
        return kind in self.allowed

    async def push(self, kind: str, payload: dict[str, Any]) -> Update | None:
        """Queue an update of ``kind`` unless allowed_updates filters it out."""
        if not self.accepts(kind):
            return None
        update: Update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(update)
        self.history = [*self.history[-999:], update]
        async with self._changed:
            self._changed.notify_all()
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last -offset."""
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def drop_all(self) -> None:
        self._pending.clear()

    def remove(self, update: Update) -> None:
        if update in self._pending:
            self._pending.remove(update)

    async def wait_for_work(self, ready: Callable[[], bool]) -> Update:
        """Wait until ``ready()`` holds and an update is pending; return the oldest."""
        async with self._changed:
            await self._changed.wait_for(lambda: bool(self._pending) and ready())
        return self._pending[0]

    async def close(self) -> None:
        """End every waiting long poll (the server is shutting down)."""
        self._closed = True
        await self.wake()

    async def wake(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def poll(self, limit: int, wait_seconds: float) -> list[Update]:
        """Wait up to ``wait_seconds`` for updates; a newer poller ends this one with 409."""
        self._poller += 1
        me = self._poller
        async with self._changed:
            self._changed.notify_all()
            if not self._pending and wait_seconds > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(
                            lambda: bool(self._pending) or self._poller != me or self._closed
                        ),
                        wait_seconds,
                    )
        if self._poller != me:
            raise conflict(
                "terminated by other getUpdates request; "
                "make sure that only one bot instance is running"
            )
        return self._pending[:limit]
