"""Reading the metadata's sizes and durations leniently: the seed shows "2MB" and "30s", but
"350 KB", "1.5GB", "1:05" and bare numbers are read too. Unreadable values become None."""

from __future__ import annotations

import math
import re

SIZE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)
# The seed does not say whether "2MB" is 2 * 10**6 or 2 * 2**20; binary units are assumed.
SIZE_UNITS = {
    "": 1,
    "b": 1,
    "byte": 1,
    "bytes": 1,
    "k": 2**10,
    "kb": 2**10,
    "kib": 2**10,
    "m": 2**20,
    "mb": 2**20,
    "mib": 2**20,
    "g": 2**30,
    "gb": 2**30,
    "gib": 2**30,
    "t": 2**40,
    "tb": 2**40,
    "tib": 2**40,
}
CLOCK = re.compile(r"^\s*(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)\s*$")
PARTS = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)?", re.IGNORECASE
)
PART_SECONDS = {"h": 3600, "m": 60, "s": 1}


def parse_size(value: object) -> int | None:
    """Bytes from 2048, "2MB", "350 KB", "1.5GB", "1,5 MiB"; None when it says nothing."""
    number = _number(value)
    if number is not None:
        return _whole(number) if number >= 0 else None
    if not isinstance(value, str):
        return None
    found = SIZE.match(value)
    if found is None or found.group(2).lower() not in SIZE_UNITS:
        return None
    amount = float(found.group(1).replace(",", "."))
    return _whole(amount * SIZE_UNITS[found.group(2).lower()])


def parse_duration(value: object) -> float | None:
    """Seconds from 30, "30s", "4.5 s", "1:05", "01:02:03", "1m 5s", "2 min"."""
    seconds = _number(value)
    if seconds is not None:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    if not isinstance(value, str) or not value.strip():
        return None
    clock = CLOCK.match(value)
    if clock is not None:
        hours, minutes, rest = clock.groups()
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(rest)
    return _spelled_out(value)


def _spelled_out(value: str) -> float | None:
    """ "1m 5s", "30 seconds", "2 min": every part must be read, or nothing is."""
    total, end = 0.0, 0
    for part in PARTS.finditer(value):
        if value[end : part.start()].strip():
            return None
        unit = (part.group(2) or "s")[0].lower()
        total += float(part.group(1).replace(",", ".")) * PART_SECONDS[unit]
        end = part.end()
    return total if end and not value[end:].strip() else None


def _whole(number: float) -> int | None:
    return round(number) if math.isfinite(number) else None


def _number(value: object) -> float | None:
    """A JSON number as a float; None for anything else (a bool is no number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
