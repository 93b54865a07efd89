"""Operator alerts: the admins hear in private, before their users tell them, that the provider
refuses the API key, that its credits run low, that it has failed (or been in maintenance) for
a while, or that deliveries keep failing; and once more when each condition clears.

Alerts are fed by what the bot observes anyway (bot/domain/watched.py wraps the provider and
the notifier) and by a credit probe. A condition is told at most once per `repeat_after`
(an hour): while it lasts, the next observation after that tells it again. Its "cleared"
message goes out only if the condition was told. The state is this process's own.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bot.domain.errors import (
    InsufficientCreditsError,
    ProviderAuthError,
    ProviderError,
    ProviderUnavailableError,
)
from bot.domain.ports import AdminChannel
from bot.domain.tasks import TaskTracker

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


class Condition(StrEnum):
    """What an alert is about; its texts are the catalog's `alert.<value>[_cleared]`."""

    KEY_REFUSED = "key_refused"
    LOW_CREDITS = "low_credits"
    PROVIDER_DOWN = "provider_down"
    DELIVERIES_FAILING = "deliveries_failing"


class Call(StrEnum):
    """Kinds of provider call: maintenance refuses submissions while look-ups still work, so
    a working look-up says nothing about submissions."""

    SUBMIT = "submit"
    READ = "read"  # status, credits, uploads


@dataclass(frozen=True, slots=True)
class AlertPolicy:
    low_credits: int = 100  # credits under this raise LOW_CREDITS (LOW_CREDITS_ALERT)
    down_after: float = 300.0  # seconds of failing calls before PROVIDER_DOWN is told
    repeat_after: float = 3600.0  # a condition is told at most once in this many seconds
    failed_deliveries: int = 3  # failed deliveries in a row that raise DELIVERIES_FAILING


@dataclass
class _Track:
    since: datetime | None = None  # when the condition began; None: it does not hold
    told_at: datetime | None = None  # when the admins were last told it holds
    announced: bool = False  # told, and its clearing not told yet


class Alerts:
    """Decides what to tell the admins; sends in the background, in order."""

    def __init__(self, channel: AdminChannel, policy: AlertPolicy, *, clock: Clock = _now) -> None:
        self.channel = channel
        self.policy = policy
        self.clock = clock
        self.background = TaskTracker()
        self._tracks = {condition: _Track() for condition in Condition}
        self._failing: dict[Call, datetime] = {}  # a kind of call -> when it began failing
        self._failed_deliveries = 0
        self._order = asyncio.Lock()  # an alert and its clearing go out in the order decided

    def holds(self, condition: Condition) -> bool:
        return self._tracks[condition].since is not None

    # -- what the provider answers ------------------------------------------------------------

    def provider_answered(self, call: Call) -> None:
        self._up(call)
        self._clear(Condition.KEY_REFUSED)

    def provider_failed(self, call: Call, exc: ProviderError) -> None:
        if isinstance(exc, ProviderUnavailableError):
            self._down(call, exc)
            return
        self._up(call)  # any other refusal is an answer: the provider is there
        if isinstance(exc, ProviderAuthError):
            self._raise(Condition.KEY_REFUSED)
            return
        self._clear(Condition.KEY_REFUSED)
        if isinstance(exc, InsufficientCreditsError):
            self.credits_seen(0)

    def credits_seen(self, credits: int) -> None:
        threshold = self.policy.low_credits
        if credits < threshold:
            self._raise(Condition.LOW_CREDITS, credits=credits, threshold=threshold)
        else:
            self._clear(Condition.LOW_CREDITS, credits=credits, threshold=threshold)

    def _down(self, call: Call, exc: ProviderError) -> None:
        now = self.clock()
        since = min(self._failing.setdefault(call, now), *self._failing.values())
        minutes = max(1, math.ceil((now - since).total_seconds() / 60))
        detail = (str(exc) or type(exc).__name__)[:200]
        after = self.policy.down_after
        self._raise(
            Condition.PROVIDER_DOWN, since=since, after=after, minutes=minutes, detail=detail
        )

    def _up(self, call: Call) -> None:
        self._failing.pop(call, None)
        if not self._failing:
            self._clear(Condition.PROVIDER_DOWN)

    # -- what deliveries do -------------------------------------------------------------------

    def delivered(self) -> None:
        self._failed_deliveries = 0
        self._clear(Condition.DELIVERIES_FAILING)

    def delivery_failed(self, detail: str) -> None:
        self._failed_deliveries += 1
        if self._failed_deliveries >= self.policy.failed_deliveries:
            count = self._failed_deliveries
            self._raise(Condition.DELIVERIES_FAILING, count=count, detail=detail[:200])

    # -- deciding -----------------------------------------------------------------------------

    def _raise(
        self,
        condition: Condition,
        *,
        since: datetime | None = None,
        after: float = 0.0,
        **params: Any,
    ) -> None:
        track, now = self._tracks[condition], self.clock()
        track.since = track.since or since or now
        if (now - track.since).total_seconds() < after:
            return
        if track.told_at and (now - track.told_at).total_seconds() < self.policy.repeat_after:
            return
        track.told_at, track.announced = now, True
        logger.warning("alert: %s", condition.value)
        self._tell(f"alert.{condition.value}", params)

    def _clear(self, condition: Condition, **params: Any) -> None:
        track = self._tracks[condition]
        if track.since is None:
            return
        track.since = None
        if track.announced:
            track.announced = False
            logger.info("alert cleared: %s", condition.value)
            self._tell(f"alert.{condition.value}_cleared", params)

    def _tell(self, key: str, params: dict[str, Any]) -> None:
        self.background.spawn(self._send(key, params), name=key)

    async def _send(self, key: str, params: dict[str, Any]) -> None:
        async with self._order:
            await self.channel.tell_admins(key, params)
