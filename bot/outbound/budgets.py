"""Telegram's flood limits as sliding windows: per private chat, per group or channel, overall.

Telegram counts messages in windows ("20 in any minute" per group, "30 in any second" for the
bot), so a budget here is a log of the times calls were granted, checked against windows of
the same shape. A token bucket would not do: one that holds C tokens and refills at r lets
C + r * W messages through in a window of W, more than the window allows unless C is tiny.

A call is counted here when it is granted and reaches Telegram a little later, not every
call equally later. Three things keep Telegram's windows from ever holding more than ours:

- every window is checked `skew` seconds longer than Telegram's: as long as no call arrives
  more than `skew` after the time it is counted at, no window Telegram looks at holds more;
- grants are `spacing` apart overall: thirty calls let out at once would queue at both ends
  and arrive spread over a tenth of a second or more; let out one by one, each goes straight
  through;
- the scheduler recounts a call (`restamp`) that left well after its grant (its task waited
  for the event loop, the process for a CPU) at the time it left, and one answered more than
  `skew` after it was counted at `skew` before its answer, since it cannot have reached
  Telegram after Telegram answered it. Counting a message later than it arrived only keeps it
  in our windows longer than in Telegram's, which is safe.

The scheduler talks to budgets through `Budgets`, so several replicas can share one set (in a
database) instead of each keeping its own in memory; `GrantLog` is the arithmetic both use.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

ChatKey = int | str  # a chat id, or a lowercased "@username" (channels and supergroups)
PRUNE_AT = 4096  # forget idle chats' logs once this many are kept


def chat_key(chat_id: object) -> ChatKey | None:
    """The budget a request's `chat_id` counts against; None when it names no chat. Forum
    topics share their group's budget, so the thread id plays no part."""
    if isinstance(chat_id, bool):
        return None
    if isinstance(chat_id, int):
        return chat_id
    if isinstance(chat_id, str) and chat_id.strip():
        text = chat_id.strip()
        return int(text) if text.lstrip("-").isdigit() else text.lower()
    return None


def is_private(chat: ChatKey) -> bool:
    """Private chats have positive ids; groups, supergroups and channels negative ids or names."""
    return isinstance(chat, int) and chat > 0


@dataclass(frozen=True)
class Window:
    """At most `count` messages in any `seconds`."""

    count: int
    seconds: float


Limit = tuple[Window, ...]  # every window must allow the message


@dataclass(frozen=True)
class BudgetLimits:
    """Telegram's limits, each window checked `skew` seconds longer:

    - private chats: 2 back to back, and no more than 3 in any 3 s: about one a second
      (Telegram tolerates short bursts there; the emulator allows 3 at once, then 1/s).
    - groups, supergroups and channels: 20 in any minute.
    - overall: 30 in any second.

    With `skew` 0.1 s the bot sends at most 27.3 messages a second, 9 % below Telegram's 30:
    the price of never being refused. `spacing` (seconds between two grants, overall) spreads
    a burst without lowering that rate.
    """

    private: Limit = (Window(2, 1.0), Window(3, 3.0))
    group: Limit = (Window(20, 60.0),)
    overall: Limit = (Window(30, 1.0),)
    skew: float = 0.1
    spacing: float = 0.03

    def for_chat(self, chat: ChatKey) -> Limit:
        return self.private if is_private(chat) else self.group

    def span(self, limit: Limit) -> float:
        """How far back a grant can still count against `limit`."""
        return max((w.seconds for w in limit), default=0.0) + self.skew


class Budgets(Protocol):
    """Where the flood budgets live. `now` comes from the scheduler's clock; a shared
    implementation needs a clock every replica agrees on (wall time)."""

    async def take(self, chat: ChatKey | None, now: float, spare: int = 0) -> float:
        """Count one message against the bot's budget and, for a chat, the chat's, only if
        each could take `1 + spare` now; 0 when counted, else the seconds until that could
        be (counting nothing). Nothing is counted for a held chat, or while the bot is held."""
        ...

    async def hold(self, chat: ChatKey | None, until: float) -> None:
        """Telegram said wait: no message for this chat (None: for any chat) before `until`."""
        ...

    async def restamp(self, chat: ChatKey | None, counted: float, at: float) -> None:
        """Count the message counted at `counted` (the `now` of its take, or of the last
        restamp) at `at` instead, for the bot and the chat: it left late, or its answer came
        so late that it may have reached Telegram later than `counted` + skew."""
        ...


@dataclass
class GrantLog:
    """When one budget's recent messages were granted, oldest first."""

    stamps: deque[float] = field(default_factory=deque)

    def wait(self, limit: Iterable[Window], need: int, now: float, skew: float) -> float:
        """Seconds until `need` more messages fit every window (inf if they never can)."""
        return max((self._wait(w, need, now, skew) for w in limit), default=0.0)

    def _wait(self, window: Window, need: int, now: float, skew: float) -> float:
        if window.count < 1:
            return math.inf
        need = min(need, window.count)  # a window too small to keep a spare keeps none
        span = window.seconds + skew
        inside = _count_since(self.stamps, now - span)
        excess = inside + need - window.count
        if excess <= 0:
            return 0.0
        oldest_inside = len(self.stamps) - inside
        return self.stamps[oldest_inside + excess - 1] + span - now  # when `excess` have left

    def since_last(self, now: float, spacing: float) -> float:
        """Seconds until `spacing` has passed since the latest grant."""
        return max(0.0, self.stamps[-1] + spacing - now) if self.stamps else 0.0

    def take(self, now: float) -> None:
        bisect.insort(self.stamps, now)

    def restamp(self, granted: float, sent: float) -> None:
        """Move one grant from `granted` to `sent` (if it is still kept)."""
        for index in range(len(self.stamps) - 1, -1, -1):
            if self.stamps[index] == granted:
                del self.stamps[index]
                break
            if self.stamps[index] < granted:
                break
        bisect.insort(self.stamps, sent)

    def forget(self, before: float) -> None:
        while self.stamps and self.stamps[0] <= before:
            self.stamps.popleft()


def _count_since(stamps: deque[float], since: float) -> int:
    """Stamps later than `since`, counted from the newest end (the few that matter)."""
    count = 0
    for stamp in reversed(stamps):
        if stamp <= since:
            break
        count += 1
    return count


@dataclass
class MemoryBudgets:
    """Budgets for one process."""

    limits: BudgetLimits = field(default_factory=BudgetLimits)
    _chats: dict[ChatKey, GrantLog] = field(default_factory=dict, init=False)
    _overall: GrantLog = field(default_factory=GrantLog, init=False)
    _holds: dict[ChatKey | None, float] = field(default_factory=dict, init=False)

    async def take(self, chat: ChatKey | None, now: float, spare: int = 0) -> float:
        need, skew = 1 + spare, self.limits.skew
        wait = max(
            self._held(chat, now),
            self._overall.wait(self.limits.overall, need, now, skew),
            self._overall.since_last(now, self.limits.spacing),
        )
        log = None if chat is None else self._log(chat, now)
        if log is not None and chat is not None:
            wait = max(wait, log.wait(self.limits.for_chat(chat), need, now, skew))
        if wait > 0:
            return wait
        self._overall.take(now)
        self._overall.forget(now - self.limits.span(self.limits.overall))
        if log is not None and chat is not None:
            log.take(now)
            log.forget(now - self.limits.span(self.limits.for_chat(chat)))
        return 0.0

    async def hold(self, chat: ChatKey | None, until: float) -> None:
        self._holds[chat] = max(self._holds.get(chat, until), until)

    async def restamp(self, chat: ChatKey | None, counted: float, at: float) -> None:
        self._overall.restamp(counted, at)
        log = None if chat is None else self._chats.get(chat)
        if log is not None:
            log.restamp(counted, at)

    def _held(self, chat: ChatKey | None, now: float) -> float:
        until = self._holds.get(None, now)
        if chat is not None:
            until = max(until, self._holds.get(chat, now))
        return max(0.0, until - now)

    def _log(self, chat: ChatKey, now: float) -> GrantLog:
        log = self._chats.get(chat)
        if log is None:
            self._prune(now)
            log = self._chats[chat] = GrantLog()
        return log

    def _prune(self, now: float) -> None:
        """A log with nothing in its windows is the same as none: drop those (and past holds)
        when many pile up."""
        if len(self._chats) < PRUNE_AT:
            return
        for chat, log in self._chats.items():
            log.forget(now - self.limits.span(self.limits.for_chat(chat)))
        self._chats = {k: log for k, log in self._chats.items() if log.stamps}
        self._holds = {k: t for k, t in self._holds.items() if t > now}
