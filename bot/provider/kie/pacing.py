"""Keep new generation requests under the provider's rate limit instead of earning 429s."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass


@dataclass
class Slot:
    """One submission's place in the window. `refused` (a 429: the provider did not count it)
    gives the place back at once."""

    ends_at: float | None = None  # None while the request is on its way
    refused: bool = False


class GenerationPacer:
    """At most `limit` submissions counted by the provider in any `window` seconds.

    The provider counts a request when it arrives, which is somewhere between the moment it
    leaves and the moment its answer comes back. So a slot is held from sending until `window`
    (plus `margin`, for clocks and jitter) after the answer: whenever the provider has counted a
    request, this pacer still counts it too, and a burst never draws a 429. Waiters go in order.
    Share one pacer between everything that submits on one account.
    """

    def __init__(self, limit: int = 20, window: float = 10.0, margin: float = 0.5) -> None:
        if limit < 1 or window <= 0 or margin < 0:
            raise ValueError("a pacer needs a positive limit and window")
        self.limit = limit
        self.window = window
        self.margin = margin
        self._slots: list[Slot] = []
        self._changed = asyncio.Condition()
        self._turn = asyncio.Lock()

    @property
    def rate(self) -> float:
        """Submissions per second in a long burst: what a place in line is worth."""
        return self.limit / (self.window + self.margin)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Slot]:
        """Wait for a place, hold it while the request is out, keep it for the window after."""
        slot = await self._take()
        try:
            yield slot
        finally:
            async with self._changed:
                if slot.refused:
                    self._slots.remove(slot)
                else:
                    slot.ends_at = time.monotonic() + self.window + self.margin
                self._changed.notify_all()

    async def _take(self) -> Slot:
        async with self._turn, self._changed:
            while True:
                wait = self._wait_needed(time.monotonic())
                if wait == 0:
                    slot = Slot()
                    self._slots.append(slot)
                    return slot
                with suppress(TimeoutError):  # asyncio.timeout: wait_for can lose a cancel
                    async with asyncio.timeout(wait):
                        await self._changed.wait()

    def wait_before(self, ahead: int) -> float:
        """About how long a submission with `ahead` others before it waits for its place:
        places free up as held slots age out of the window; each full round of `limit` more
        takes another window. A request still out is counted as if it had just been answered."""
        now = time.monotonic()
        span = self.window + self.margin
        ends = sorted(s.ends_at if s.ends_at is not None else now + span for s in self._slots)
        ends = [end for end in ends if end > now]
        free = self.limit - len(ends)
        if ahead < free:
            return 0.0
        rounds, index = divmod(ahead - free, self.limit)
        frees_at = ends[index] if index < len(ends) else now
        return max(0.0, frees_at - now + rounds * span)

    def _wait_needed(self, now: float) -> float | None:
        """0 when a place is free now; else seconds until one may be (None: when one answers)."""
        self._slots = [s for s in self._slots if s.ends_at is None or s.ends_at > now]
        if len(self._slots) < self.limit:
            return 0.0
        ends = [s.ends_at for s in self._slots if s.ends_at is not None]
        return min(ends) - now if ends else None
