"""Who may use the bot, how much, and what a job costs."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.models import JobKind, Origin, Quality, VideoOptions


@dataclass(frozen=True, slots=True)
class Prices:
    """Credits per job; defaults are the provider's 2026 list. Failed tasks cost nothing."""

    short_hd: int = 12
    long_hd: int = 30
    short_full_hd: int = 30
    aleph: int = 110

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
    sweep_interval: float = 60.0
    delivery_backoff: float = 2.0  # seconds before the first retry of a failed delivery; doubles

    def poll_delay(self, poll_count: int) -> float:
        """First poll after poll_interval, then doubling up to max_poll_interval."""
        return float(min(self.poll_interval * 2 ** min(poll_count, 16), self.max_poll_interval))


@dataclass(frozen=True, slots=True)
class ServicePolicy:
    callback_base_url: str = ""  # empty: no callback URLs are sent and every job is polled
    timing: Timing = field(default_factory=Timing)
    access: AccessPolicy = field(default_factory=AccessPolicy)
    prices: Prices = field(default_factory=Prices)
