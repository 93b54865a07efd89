"""Telegram's flood limits: per private chat, per group or channel, and for the whole bot.

- A private chat is a token bucket: ``private_chat_limit`` sustained, with a burst of
  ``private_chat_burst`` (Telegram tolerates short bursts there).
- A group, supergroup or channel is a sliding window: at most ``group_limit_per_minute``
  messages in any 60 seconds (``group_window_seconds``).
- The whole bot is a sliding window too: at most ``global_limit_per_second`` messages in any
  one second, across all chats (a thousand chats at once get no more than the one).

Sends and edits take a slot. ``sendChatAction``, ``deleteMessage``, ``setMessageReaction``
and answers to queries do not: Telegram documents its limits for messages, and a bot that
shows "typing…" in many chats is not refused for it. A refused request takes no slot; its 429
carries the whole seconds until the slot it needs frees up. A send is counted when it arrives,
before a file it names by URL is fetched: Telegram refuses a flood at once, not after a
download.
"""

from __future__ import annotations

import math
import time
from collections import deque
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

    def take(self, now: float) -> None:
        self.tokens -= 1


@dataclass
class SlidingWindow:
    limit: int
    seconds: float
    stamps: deque[float] = field(default_factory=deque)

    def wait_needed(self, now: float) -> float:
        while self.stamps and self.stamps[0] <= now - self.seconds:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            return 0.0
        return self.stamps[0] + self.seconds - now

    def take(self, now: float) -> None:
        self.stamps.append(now)


Limit = TokenBucket | SlidingWindow


class FloodControl:
    def __init__(self, config: TelegramEmulatorConfig) -> None:
        self.config = config
        self.enabled = config.flood_limits
        self._chats: dict[int, Limit] = {}
        self._global = self._overall()

    def acquire(self, chat_id: int, is_private: bool) -> float:
        """Take one message slot, or raise 429 with the seconds until one frees up. Returns the
        moment the slot was taken: the stats record that one, so they count what was admitted."""
        now = time.monotonic()
        if not self.enabled:
            return now
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = self._limit(is_private)
        wait = max(chat.wait_needed(now), self._global.wait_needed(now))
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        chat.take(now)
        self._global.take(now)
        return now

    def reset(self) -> None:
        self._chats.clear()
        self._global = self._overall()

    def _overall(self) -> SlidingWindow:
        return SlidingWindow(self.config.global_limit_per_second, 1.0)

    def _limit(self, is_private: bool) -> Limit:
        if is_private:
            count, seconds = self.config.private_chat_limit
            return TokenBucket(self.config.private_chat_burst, count / seconds)
        return SlidingWindow(self.config.group_limit_per_minute, self.config.group_window_seconds)
