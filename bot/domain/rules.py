"""The provider's request rules, checked before anything is sent."""

from __future__ import annotations

from bot.domain.errors import RequestRuleError
from bot.domain.models import AspectRatio, Draft, JobKind, Quality

MAX_PROMPT_LENGTH = 1800
DURATIONS = (5, 10)
MAX_ALEPH_BYTES = 10 * 1024 * 1024


def check_draft(draft: Draft) -> None:
    """Raise RequestRuleError for the first rule the draft breaks."""
    check_prompt(draft.prompt)
    if draft.kind is JobKind.EXTEND:
        check_quality(str(draft.options.quality))
        return
    if draft.kind is JobKind.ALEPH:
        check_aleph_media(draft)
        return
    check_duration_and_quality(draft.options.duration, str(draft.options.quality))
    check_aspect_ratio(draft)


def check_prompt(prompt: str) -> None:
    if not prompt.strip():
        raise RequestRuleError("prompt_missing", "the prompt is empty")
    if len(prompt) > MAX_PROMPT_LENGTH:
        raise RequestRuleError(
            "prompt_too_long",
            f"the prompt has {len(prompt)} characters; at most {MAX_PROMPT_LENGTH} are allowed",
            length=len(prompt),
            limit=MAX_PROMPT_LENGTH,
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
    if ratio not in set(AspectRatio):
        raise RequestRuleError("aspect_ratio_invalid", f"aspect ratio {ratio} is not allowed")


def check_aleph_media(draft: Draft) -> None:
    if draft.media is None:
        raise RequestRuleError("media_missing", "restyling needs a video")
    if draft.media.size > MAX_ALEPH_BYTES:
        raise RequestRuleError(
            "aleph_too_large",
            f"the video is {draft.media.size} bytes; Aleph takes at most 10 MB",
            size_mb=round(draft.media.size / 1024 / 1024, 1),
            limit_mb=10,
        )
