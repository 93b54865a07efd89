"""Counters the service and the web edge bump; /metrics renders them."""

from __future__ import annotations

from collections import Counter


class Metrics:
    """Monotonic counters keyed by name and one optional label value."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()

    def inc(self, name: str, label: str = "") -> None:
        self._counts[name, label] += 1

    def value(self, name: str, label: str = "") -> int:
        return self._counts[name, label]

    def items(self) -> list[tuple[str, str, int]]:
        return sorted((name, label, count) for (name, label), count in self._counts.items())
