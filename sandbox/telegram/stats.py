"""What the bot did, for tests and benchmarks: requests, refusals, and a timeline of what it sent.

The timeline holds one entry per accepted bot action that shows in a chat: a new message
(``message`` for text and invoices, ``media`` for photos, videos, audio, documents,
animations), an ``edit`` of any kind, and a ``chat_action``. Times are ``time.monotonic()``
of the emulator's process, so a benchmark in the same process (or on the same machine) can
compare them with its own clock.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

# Kinds that take a flood-limit slot; chat actions do not (see flood.py).
FLOOD_KINDS = frozenset({"message", "media", "edit"})
_TIMELINE_SIZE = 500_000
_LOG_SIZE = 200


@dataclass(frozen=True)
class Accepted:
    """One accepted bot action in a chat."""

    method: str
    chat_id: int
    message_id: int | None
    kind: str
    content: str
    at: float
    reply_to: int | None = None
    thread_id: int | None = None

    def to_api(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "kind": self.kind,
            "content": self.content,
            "t": self.at,
            "reply_to_message_id": self.reply_to,
            "message_thread_id": self.thread_id,
        }


@dataclass
class Stats:
    requests: Counter[str] = field(default_factory=Counter)
    refusals: Counter[tuple[int, str, str]] = field(default_factory=Counter)
    refusals_by_chat: Counter[tuple[int, int]] = field(default_factory=Counter)
    injected: Counter[tuple[str, str]] = field(default_factory=Counter)
    log: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=_LOG_SIZE))
    timeline: deque[Accepted] = field(default_factory=lambda: deque(maxlen=_TIMELINE_SIZE))
    started: float = field(default_factory=time.monotonic)

    def refuse(self, method: str, code: int, description: str, chat_id: int | None = None) -> None:
        self.refusals[(code, method, description)] += 1
        if chat_id is not None:
            self.refusals_by_chat[(code, chat_id)] += 1
        self.log.append(
            {
                "method": method,
                "chat_id": chat_id,
                "error_code": code,
                "description": description,
                "date": int(time.time()),
            }
        )

    def inject(self, kind: str, method: str) -> None:
        self.injected[(kind, method)] += 1

    def accept(self, entry: Accepted) -> None:
        self.timeline.append(entry)

    def to_api(self) -> dict[str, Any]:
        by_code: Counter[str] = Counter()
        by_method: dict[str, Counter[str]] = {}
        for (code, method, _), count in self.refusals.items():
            by_code[str(code)] += count
            by_method.setdefault(str(code), Counter())[method] += count
        by_chat: dict[str, Counter[str]] = {}
        for (code, chat_id), count in self.refusals_by_chat.items():
            by_chat.setdefault(str(code), Counter())[str(chat_id)] += count
        return {
            "requests": dict(self.requests),
            "refusals_by_code": dict(by_code),
            "refusals_by_method": {code: dict(c) for code, c in by_method.items()},
            "refusals_by_chat": {code: dict(c) for code, c in by_chat.items()},
            "too_many_requests": by_code.get("429", 0),
            "refusals": [
                {"error_code": code, "method": method, "description": text, "count": count}
                for (code, method, text), count in self.refusals.items()
            ],
            "recent_refusals": list(self.log)[-50:],
            "injected_faults": _nested(self.injected),
        }

    def entries(self, chat_id: int | None = None, kind: str | None = None) -> list[Accepted]:
        return [
            e
            for e in self.timeline
            if (chat_id is None or e.chat_id == chat_id) and (kind is None or e.kind == kind)
        ]

    def summary(self) -> dict[str, Any]:
        counted = [e for e in self.timeline if e.kind in FLOOD_KINDS]
        per_chat: dict[int, list[float]] = defaultdict(list)
        for entry in counted:
            per_chat[entry.chat_id].append(entry.at)
        too_many = {k: v for k, v in self.refusals_by_chat.items() if k[0] == 429}
        return {
            "since": self.started,
            "now": time.monotonic(),
            "by_kind": dict(Counter(e.kind for e in self.timeline)),
            "by_method": dict(Counter(e.method for e in self.timeline)),
            "by_chat": {str(chat): len(times) for chat, times in per_chat.items()},
            "peak_per_second": peak([e.at for e in counted], 1.0),
            "peak_chat_per_second": max((peak(t, 1.0) for t in per_chat.values()), default=0),
            "peak_chat_per_minute": max((peak(t, 60.0) for t in per_chat.values()), default=0),
            "too_many_requests": sum(c for (code, _, _), c in self.refusals.items() if code == 429),
            "too_many_requests_by_chat": {str(chat): n for (_, chat), n in too_many.items()},
            "too_many_requests_by_method": {
                method: n for (code, method, _), n in self.refusals.items() if code == 429
            },
            "injected_faults": _nested(self.injected),
        }

    def duplicates(self, content: str = "video", min_count: int = 2) -> list[dict[str, Any]]:
        """Bot messages carrying ``content`` grouped by the message they reply to."""
        groups: dict[tuple[int, int], set[int]] = defaultdict(set)
        for entry in self.timeline:
            if entry.content == content and entry.reply_to and entry.message_id is not None:
                groups[(entry.chat_id, entry.reply_to)].add(entry.message_id)
        return [
            {
                "chat_id": chat_id,
                "reply_to_message_id": reply_to,
                "count": len(ids),
                "message_ids": sorted(ids),
            }
            for (chat_id, reply_to), ids in groups.items()
            if len(ids) >= min_count
        ]

    def reset(self) -> None:
        self.requests.clear()
        self.refusals.clear()
        self.refusals_by_chat.clear()
        self.injected.clear()
        self.log.clear()
        self.timeline.clear()
        self.started = time.monotonic()


def peak(times: list[float], window: float) -> int:
    """The most events inside any half-open interval of ``window`` seconds."""
    ordered = sorted(times)
    best = start = 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def _nested(counter: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = {}
    for (outer, inner), count in counter.items():
        result.setdefault(outer, {})[inner] = count
    return result
