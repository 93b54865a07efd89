"""The provider's request rules, and the bot's own limits, checked before anything is sent."""

from __future__ import annotations

import unicodedata

from bot.domain.errors import RequestRuleError
from bot.domain.models import AspectRatio, Draft, JobKind, Quality

MAX_PROMPT_LENGTH = 1800
MAX_WATERMARK_LENGTH = 60  # drawn bottom right by the provider; longer would not fit a frame
DURATIONS = (5, 10)
MAX_ALEPH_BYTES = 10 * 1024 * 1024
MAX_SEED = 2**31 - 1
ALEPH_ONLY_RATIOS = frozenset({AspectRatio.CINEMA})


def check_draft(draft: Draft) -> None:
    """Raise RequestRuleError for the first rule the draft breaks."""
    check_prompt(draft.prompt)
    check_watermark(draft.options.watermark)
    if draft.kind is JobKind.EXTEND:
        check_quality(str(draft.options.quality))
        return
    if draft.kind is JobKind.ALEPH:
        check_aleph(draft)
        return
    check_duration_and_quality(draft.options.duration, str(draft.options.quality))
    check_aspect_ratio(draft)


def visible(text: str) -> str:
    """The text without characters that show nothing (zero-width spaces, joiners, marks)."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in {"Cf", "Cc", "Zs", "Zl"})


def check_prompt(prompt: str) -> None:
    if not visible(prompt):
        raise RequestRuleError("prompt_missing", "the prompt is empty")
    if len(prompt) > MAX_PROMPT_LENGTH:
        raise RequestRuleError(
            "prompt_too_long",
            f"the prompt has {len(prompt)} characters; at most {MAX_PROMPT_LENGTH} are allowed",
            length=len(prompt),
            limit=MAX_PROMPT_LENGTH,
        )


def check_watermark(watermark: str) -> None:
    if len(watermark) > MAX_WATERMARK_LENGTH:
        raise RequestRuleError(
            "watermark_too_long",
            f"the watermark has {len(watermark)} characters; at most {MAX_WATERMARK_LENGTH}",
            length=len(watermark),
            limit=MAX_WATERMARK_LENGTH,
        )


def check_quality(quality: str) -> None:
    if quality not in {q.value for q in Quality}:
        raise RequestRuleError(
            "quality_invalid", f"quality {quality!r} is not 720p or 1080p", value=quality
        )


def check_duration_and_quality(duration: int, quality: str) -> None:
    if duration not in DURATIONS:
        raise RequestRuleError(
            "duration_invalid", f"duration {duration} is not 5 or 10 seconds", value=duration
        )
    check_quality(quality)
    if duration == 10 and quality == Quality.FULL_HD:
        raise RequestRuleError("ten_seconds_1080p", "10-second videos cannot be 1080p")


def check_aspect_ratio(draft: Draft) -> None:
    ratio = draft.options.aspect_ratio
    if draft.kind is JobKind.IMAGE:
        if ratio is not None:
            raise RequestRuleError(
                "aspect_ratio_with_image", "an animated photo keeps the photo's aspect ratio"
            )
        if draft.media is None:
            raise RequestRuleError("media_missing", "image to video needs a photo")
        return
    if ratio is None:
        raise RequestRuleError("aspect_ratio_required", "text to video needs an aspect ratio")
    if ratio in ALEPH_ONLY_RATIOS:
        raise RequestRuleError(
            "aspect_ratio_aleph_only",
            f"aspect ratio {ratio} is for restyling (/aleph) only",
            value=str(ratio),
        )


def check_aleph(draft: Draft) -> None:
    """Aleph takes any ratio (21:9 included) and a seed; its input is fitted to 10 MB and 5 s
    before it is sent, so only a missing video is refused here."""
    if draft.media is None and draft.input_url is None:
        raise RequestRuleError("media_missing", "restyling needs a video")
    seed = draft.options.seed
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise RequestRuleError(
            "seed_invalid", f"seed {seed} is not between 0 and {MAX_SEED}", limit=MAX_SEED
        )
