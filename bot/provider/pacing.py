"""Keep new generation requests under the provider's rate limit instead of earning 429s."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from types import TracebackType


class GenerationPacer:
    """A sliding window: at most `limit` requests start in any `window` seconds.

    `acquire` waits (it never fails) until one more request fits; waiters go in order.
    Share one pacer between everything that sends generation requests on one account.
    """

    def __init__(self, limit: int = 20, window: float = 10.0) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a pacer needs a positive limit and window")
        self._limit = limit
        self._window = window
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            # Waiting for the clock, not for another task: no event could say when.
            while (delay := self._wait_needed(time.monotonic())) > 0:  # noqa: ASYNC110
                await asyncio.sleep(delay)
            self._starts.append(time.monotonic())

    def _wait_needed(self, now: float) -> float:
        while self._starts and self._starts[0] <= now - self._window:
            self._starts.popleft()
        if len(self._starts) < self._limit:
            return 0.0
        return self._starts[0] + self._window - now

    async def __aenter__(self) -> GenerationPacer:
        await self.acquire()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None
