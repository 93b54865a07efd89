"""Telegram's flood limits as token buckets: per private chat, per group or channel, overall."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from sandbox.telegram.config import TelegramEmulatorConfig
from sandbox.telegram.errors import too_many_requests


@dataclass
class TokenBucket:
    capacity: float
    rate: float  # tokens per second
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity

    def wait_needed(self, now: float) -> float:
        """Seconds until a token is free (0 when one is free now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class FloodControl:
    def __init__(self, config: TelegramEmulatorConfig) -> None:
        self.config = config
        self.enabled = config.flood_limits
        self._chats: dict[int, TokenBucket] = {}
        limit = config.global_limit_per_second
        self._global = TokenBucket(limit, limit)

    def acquire(self, chat_id: int, is_private: bool) -> None:
        """Take one message slot, or raise 429 with the seconds until one frees up."""
        if not self.enabled:
            return
        now = time.monotonic()
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = self._bucket(is_private)
        wait = max(chat.wait_needed(now), self._global.wait_needed(now))
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        chat.take()
        self._global.take()

    def reset(self) -> None:
        self._chats.clear()
        limit = self.config.global_limit_per_second
        self._global = TokenBucket(limit, limit)

    def _bucket(self, is_private: bool) -> TokenBucket:
        if is_private:
            count, seconds = self.config.private_chat_limit
            return TokenBucket(self.config.private_chat_burst, count / seconds)
        per_minute = self.config.group_limit_per_minute
        return TokenBucket(per_minute, per_minute / 60)
