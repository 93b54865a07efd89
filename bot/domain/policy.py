"""Who may use the bot, how much, and what a job costs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from bot.domain.models import JobKind, Origin, Quality, VideoOptions


@dataclass(frozen=True, slots=True)
class Prices:
    """Credits per job; defaults are the provider's 2026 list. Failed tasks cost nothing."""

    short_hd: int = 12
    long_hd: int = 30
    short_full_hd: int = 30
    aleph: int = 110
    stars_per_credit: Decimal = Decimal(0)  # 0: payments off

    @property
    def paid(self) -> bool:
        return self.stars_per_credit > 0

    def stars(self, credits: int) -> int:
        """A credit estimate in Telegram Stars, rounded up (exact: the rate is a Decimal)."""
        return math.ceil(self.stars_per_credit * credits)

    def estimate(self, kind: JobKind, options: VideoOptions) -> int:
        if kind is JobKind.ALEPH:
            return self.aleph
        if options.quality is Quality.FULL_HD:
            return self.short_full_hd
        if kind is not JobKind.EXTEND and options.duration == 10:
            return self.long_hd
        return self.short_hd


@dataclass(frozen=True, slots=True)
class AccessPolicy:
    allowed_user_ids: frozenset[int] = frozenset()
    allowed_chat_ids: frozenset[int] = frozenset()
    admin_user_ids: frozenset[int] = frozenset()
    daily_jobs_per_user: int = 20
    active_jobs_per_user: int = 3

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_user_ids

    def admits(self, origin: Origin) -> bool:
        """Empty lists admit everyone; an allowed chat admits all its members."""
        if not self.allowed_user_ids and not self.allowed_chat_ids:
            return True
        if self.is_admin(origin.user_id):
            return True
        return origin.user_id in self.allowed_user_ids or origin.chat_id in self.allowed_chat_ids


@dataclass(frozen=True, slots=True)
class Timing:
    poll_interval: float = 30.0
    max_poll_interval: float = 300.0
    job_timeout: float = 3600.0
    tick: float = 1.0  # how often the timers look for due jobs
    delivery_backoff: float = 5.0  # seconds before a failed delivery is tried again; doubles
    delivery_rounds: int = 4  # tries before a result is given up as undeliverable
    claim_ttl: float = 180.0  # how long a worker holds a job before another may take it over
    # A submission whose answer never came waits this long for its callback before it fails.
    unconfirmed_wait: float = 900.0
    resubmit_backoff: float = 20.0  # after the provider's own trouble; doubles
    max_attempts: int = 3  # submissions of one request, the first included
    place_refresh: float = 5.0  # how often a waiting job's place in line is shown again
    prompt_ttl: float = 86400.0  # a ForceReply prompt is answered within a day
    # Operator alerts (bot/domain/alerts.py): how often the credits are asked for, how long the
    # provider fails before the admins hear, and how soon one condition may be told again.
    alert_probe: float = 60.0
    provider_down_alert: float = 300.0
    alert_repeat: float = 3600.0

    def poll_delay(self, poll_count: int) -> float:
        """First poll after poll_interval, then doubling up to max_poll_interval."""
        return float(min(self.poll_interval * 2 ** min(poll_count, 16), self.max_poll_interval))

    def resubmit_delay(self, attempt: int) -> float:
        return float(self.resubmit_backoff * 2 ** max(0, min(attempt - 1, 8)))

    def delivery_delay(self, rounds: int) -> float:
        return float(self.delivery_backoff * 2 ** max(0, min(rounds, 8)))


@dataclass(frozen=True, slots=True)
class ServicePolicy:
    callback_base_url: str = ""  # empty: no callback URLs are sent and every job is polled
    timing: Timing = field(default_factory=Timing)
    access: AccessPolicy = field(default_factory=AccessPolicy)
    prices: Prices = field(default_factory=Prices)
