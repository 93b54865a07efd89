"""Sizes and durations as the metadata spells them."""

from __future__ import annotations

import pytest

from bot.provider.runway_ai.units import parse_duration, parse_size


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("2MB", 2 * 2**20),
        ("350KB", 350 * 2**10),
        ("350 KB", 350 * 2**10),
        ("1.5GB", round(1.5 * 2**30)),
        ("1,5 MiB", round(1.5 * 2**20)),
        ("512B", 512),
        ("512 bytes", 512),
        ("12", 12),
        (2048, 2048),
        (2048.4, 2048),
        ("50mb", 50 * 2**20),
        ("", None),
        ("huge", None),
        ("5 parsecs", None),
        (None, None),
        (True, None),
        (-1, None),
        (float("inf"), None),
        ([1], None),
    ],
)
def test_sizes(text: object, size: int | None) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30.0),
        ("4.5 s", 4.5),
        ("30", 30.0),
        (30, 30.0),
        (2.5, 2.5),
        ("1:05", 65.0),
        ("01:02:03", 3723.0),
        ("00:00:05.50", 5.5),
        ("1m 5s", 65.0),
        ("1m5s", 65.0),
        ("2 min", 120.0),
        ("30 seconds", 30.0),
        ("1h", 3600.0),
        ("", None),
        ("soon", None),
        ("5s or so", None),
        (None, None),
        (False, None),
        (-3, None),
        (float("nan"), None),
    ],
)
def test_durations(text: object, seconds: float | None) -> None:
    assert parse_duration(text) == seconds
