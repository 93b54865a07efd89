"""Facts about the provider the emulator copies: valid values, prices, sizes and messages."""

from __future__ import annotations

from typing import Final

MAX_PROMPT_LENGTH: Final = 1800
MAX_ALEPH_VIDEO_BYTES: Final = 10 * 1024 * 1024
DURATIONS: Final = (5, 10)
QUALITIES: Final = ("720p", "1080p")
ASPECT_RATIOS: Final = ("16:9", "4:3", "1:1", "3:4", "9:16")
ALEPH_ASPECT_RATIOS: Final = (*ASPECT_RATIOS, "21:9")
EXTEND_SECONDS: Final = 5
ALEPH_SECONDS: Final = 5

PRICES: Final[dict[tuple[int, str], int]] = {(5, "720p"): 12, (10, "720p"): 30, (5, "1080p"): 30}
ALEPH_PRICE: Final = 110

SHORT_SIDE: Final = {"720p": 720, "1080p": 1080}
RATIO_SIDES: Final[dict[str, tuple[int, int]]] = {
    "16:9": (16, 9),
    "9:16": (9, 16),
    "1:1": (1, 1),
    "4:3": (4, 3),
    "3:4": (3, 4),
    "21:9": (21, 9),
}

SUCCESS_MSG: Final = "All generated successfully."
MODERATION_MSG: Final = (
    "Your prompt was caught by our AI moderator. Please adjust it and try again!"
)
NSFW_MSG: Final = (
    "Your video creation prompt contains NSFW content, which isn't allowed under our policy. "
    "Kindly revise your prompt and generate again."
)
IMAGE_INFO_MSG: Final = "get image info failed."
SERVER_ERROR_MSG: Final = "Server Error - An unexpected error occurred while processing the request"
FAILURE_MESSAGES: Final = (
    IMAGE_INFO_MSG,
    "Inappropriate content detected. Please replace the image or video.",
    "Incorrect image format.",
    "Reached the limit for concurrent generations.",
    "Unsupported width or height. Please adjust the size and try again.",
    "Upload failed due to network reasons, please re-enter.",
    MODERATION_MSG,
    NSFW_MSG,
)

FAIL_MARKER: Final = "[[fail]]"
NSFW_MARKER: Final = "[[nsfw]]"
NO_CALLBACK_MARKER: Final = "[[nocallback]]"


def price(duration: int, quality: str) -> int:
    return PRICES[(duration, quality)]


def frame_size(aspect_ratio: str, quality: str) -> tuple[int, int]:
    """Width and height of a video: the short side set by quality, the long one by ratio."""
    w, h = RATIO_SIDES[aspect_ratio]
    return fit_short_side(w, h, SHORT_SIDE[quality])


def fit_short_side(width: int, height: int, short: int) -> tuple[int, int]:
    """Scale (width, height) so the short side is `short`; both sides even, ratio clamped."""
    ratio = min(max(width / height, 9 / 16), 21 / 9)
    if ratio >= 1:
        return _even(short * ratio), short
    return short, _even(short / ratio)


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)
