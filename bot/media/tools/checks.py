"""Inputs a tool cannot work on, refused before ffmpeg starts, each with the valid range.

Times reach the catalog as text ("4.2", "5"), so a message reads "4.2 s", never "4.2000001 s".
Odd video sides are not refused: H.264 in 4:2:0 needs even sides, so they are rounded down to
the even number below (a 641x361 request gives 640x360)."""

from __future__ import annotations

import math

from bot.domain.errors import UserError
from bot.domain.tools import MediaInfo

MIN_SIDE = 16
MAX_SIDE = 4096
MIN_SPEED = 0.25
MAX_SPEED = 4.0
MIN_TRIM = 0.1  # seconds: a shorter cut holds no frame at common frame rates
END_SLACK = 0.05  # seconds: "/trim 2 5" on a 4.97 s clip means "to the end"
MIN_FONT = 8


def seconds(value: float) -> str:
    """A time for people: one decimal, none when whole."""
    return f"{round(value, 1):g}"


def require_photo(info: MediaInfo) -> None:
    if info.kind != "photo":
        raise UserError("tool.needs_photo")


def require_video(info: MediaInfo) -> None:
    if info.kind != "video":
        raise UserError("tool.needs_video")


def require_audio(info: MediaInfo) -> None:
    if not info.has_audio:
        raise UserError("tool.no_audio")


def check_trim(start: float, end: float, duration: float | None) -> float:
    """The end to cut at (clamped to the video's end when it overshoots by a hair)."""
    if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end - start < MIN_TRIM:
        raise UserError(
            "tool.trim_order", start=seconds(start), end=seconds(end), min_length=seconds(MIN_TRIM)
        )
    if duration is None:
        return end
    if end > duration + END_SLACK or start > duration - MIN_TRIM:
        raise UserError("tool.trim_past_end", duration=seconds(duration), end=seconds(end))
    return min(end, duration)


def check_speed(factor: float) -> float:
    if not math.isfinite(factor) or not MIN_SPEED <= factor <= MAX_SPEED:
        raise UserError(
            "tool.speed_range", factor=f"{factor:g}", min=f"{MIN_SPEED:g}", max=f"{MAX_SPEED:g}"
        )
    return factor


def check_size(width: int, height: int) -> None:
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise UserError("tool.size_range", width=width, height=height, min=MIN_SIDE, max=MAX_SIDE)


def even_size(width: int, height: int) -> tuple[int, int]:
    """A checked size rounded down to even sides (MIN_SIDE is even, so it stays in range)."""
    check_size(width, height)
    return width - width % 2, height - height % 2


def check_thumbnail(at: float, duration: float | None, fps: float | None) -> float:
    """The moment to grab; a time at the very end means the last frame."""
    if not math.isfinite(at) or at < 0 or (duration is not None and at > duration + END_SLACK):
        known = seconds(duration) if duration is not None else "?"
        raise UserError("tool.thumb_past_end", at=seconds(at), duration=known)
    if duration is None:
        return at
    last_frame = max(0.0, duration - 1 / (fps or 25))
    return min(at, last_frame)


def check_font_size(font_size: int, width: int, height: int) -> None:
    """From MIN_FONT to half the photo's shorter side: larger letters could not fit a word."""
    largest = max(MIN_FONT, min(width, height) // 2)
    if not MIN_FONT <= font_size <= largest:
        raise UserError("tool.font_size_range", size=font_size, min=MIN_FONT, max=largest)


def check_text(text: str) -> str:
    if not text.strip():
        raise UserError("tool.text_missing")
    return text
