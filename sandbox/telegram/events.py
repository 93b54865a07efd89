"""Live events for the web chat and other watchers (new, edited and deleted messages, actions)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

Event = dict[str, Any]


class EventBus:
    def __init__(self, queue_size: int = 1000) -> None:
        self._queues: set[asyncio.Queue[Event]] = set()
        self._queue_size = queue_size

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def publish(self, event: Event) -> None:
        for queue in self._queues:
            if not queue.full():
                queue.put_nowait(event)

    @contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[Event]]:
        queue: asyncio.Queue[Event] = asyncio.Queue(self._queue_size)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)
