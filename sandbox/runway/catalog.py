"""Facts about the provider the emulator copies: valid values, prices, sizes and messages."""

from __future__ import annotations

from typing import Final

MAX_PROMPT_LENGTH: Final = 1800
MAX_ALEPH_VIDEO_BYTES: Final = 10 * 1024 * 1024
MAX_IMAGE_BYTES: Final = 10 * 1024 * 1024
IMAGE_FORMATS: Final = ("JPEG", "PNG")  # as Pillow names them
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
IMAGE_FORMAT_MSG: Final = "Incorrect image format."
CONCURRENCY_MSG: Final = "Reached the limit for concurrent generations."
TRY_LATER_MSG: Final = (
    "Please try again later. You can upgrade to Standard membership to start generating now."
)
NETWORK_MSG: Final = "Upload failed due to network reasons, please re-enter."
FAILURE_MESSAGES: Final = (
    IMAGE_INFO_MSG,
    "Inappropriate content detected. Please replace the image or video.",
    IMAGE_FORMAT_MSG,
    "Unsupported width or height. Please adjust the size and try again.",
    MODERATION_MSG,
    NSFW_MSG,
)
# The "try again" failures, by the name `temporary_failure_kind` gives them. The docs list all
# three under code 400; the network one is sent as 500 so that clients meet both codes.
TEMPORARY_FAILURES: Final[dict[str, tuple[int, str]]] = {
    "concurrency": (400, CONCURRENCY_MSG),
    "try_later": (400, TRY_LATER_MSG),
    "network": (500, NETWORK_MSG),
}
MAINTENANCE_MSG: Final = "Service Unavailable - System is currently undergoing maintenance"
RATE_LIMIT_MSG: Final = "Too many requests: the generation rate limit is reached"
EXPIRED_MSG: Final = "the video has expired: generated files are kept for 14 days"
TASK_NOT_FOUND_MSG: Final = "task not found"

FAIL_MARKER: Final = "[[fail]]"
NSFW_MARKER: Final = "[[nsfw]]"
NO_CALLBACK_MARKER: Final = "[[nocallback]]"
BUSY_MARKER: Final = "[[busy]]"
MARKERS: Final = {
    FAIL_MARKER: "the task fails: prompt caught by the moderator (400)",
    NSFW_MARKER: "the task fails: NSFW content (400)",
    BUSY_MARKER: "the task fails: reached the limit for concurrent generations (400)",
    NO_CALLBACK_MARKER: "no callback is sent for the task",
}


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
        return even(short * ratio), short
    return short, even(short / ratio)


def even(value: float) -> int:
    """The nearest even number of pixels, at least 2 (H.264 in yuv420p needs even sides)."""
    return max(2, round(value / 2) * 2)
