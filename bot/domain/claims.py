"""The claims a worker holds while it delivers, renewed together.

A delivery may wait a long time for a group's flood budget, longer than a claim lasts; its
claim is renewed so that no other replica takes the job over and sends it too. A burst of
finished jobs holds thousands of claims at once: one statement for all of them every third
of a claim's lifetime costs the database what one claim did, where a timer and a write per
job cost thousands. Only a worker that dies stops renewing; then its claims run out and
another worker delivers.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from bot.domain.ports import Claim, JobStore

logger = logging.getLogger(__name__)

# Set while a delivery runs: renews the job's claim and answers whether it is still this
# worker's. The outbound side awaits it when the result's turn comes, just before the call,
# so a worker that stalled past its claim (another may have sent the job by then) sends
# nothing, and one that still holds it keeps it for a whole claim's lifetime more.
CLAIM_CHECK: ContextVar[Callable[[], Awaitable[bool]] | None] = ContextVar(
    "claim_check", default=None
)


class HeldClaims:
    """The ids of the jobs this worker is following up, and one task renewing their claims
    while there are any (cancelled when the last one is let go, so none outlives them)."""

    def __init__(
        self,
        store: JobStore,
        owner: str,
        ttl: Callable[[], float],
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._owner = owner
        self._ttl = ttl
        self._clock = clock
        self._held: Counter[int] = Counter()
        self._renewing: asyncio.Task[None] | None = None
        self.renewals = 0  # statements run, for tests

    def __len__(self) -> int:
        return len(self._held)

    @asynccontextmanager
    async def holding(self, job_id: int) -> AsyncIterator[None]:
        """Renew the job's claim for as long as the block runs; within it, `CLAIM_CHECK`
        renews it once more on demand and says whether it is still this worker's."""
        self._held[job_id] += 1
        if self._renewing is None:
            self._renewing = asyncio.create_task(self._renew(), name="renew-claims")
        checking = CLAIM_CHECK.set(lambda: self.still_mine(job_id))
        try:
            yield
        finally:
            CLAIM_CHECK.reset(checking)
            self._held[job_id] -= 1
            if self._held[job_id] <= 0:
                del self._held[job_id]
            if not self._held and self._renewing is not None:  # nothing left to renew
                self._renewing.cancel()
                self._renewing = None

    async def still_mine(self, job_id: int) -> bool:
        """Renew this one claim now; False when another worker holds the job (its claim ran
        out here and was taken) or it is no longer waiting for delivery."""
        until = self._clock() + timedelta(seconds=self._ttl())
        kept = await self._store.extend_claims([job_id], Claim(self._owner, until))
        if job_id not in kept:
            self._held.pop(job_id, None)
            return False
        return True

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self._ttl() / 3)
            ids = list(self._held)
            if not ids:
                continue
            until = self._clock() + timedelta(seconds=self._ttl())
            try:
                kept = set(await self._store.extend_claims(ids, Claim(self._owner, until)))
            except Exception:
                logger.exception("renewing %s claims failed; trying again", len(ids))
                continue
            self.renewals += 1
            for lost in set(ids) - kept:  # taken over, or finished: no longer this worker's
                self._held.pop(lost, None)
