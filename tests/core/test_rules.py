"""Every request rule, checked before anything reaches the provider."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.errors import RequestRuleError
from bot.domain.models import AspectRatio, Draft, JobKind, MediaFile, Quality, VideoOptions
from bot.domain.rules import check_draft

PHOTO = MediaFile(Path("photo.jpg"), "photo.jpg", 1000)
VIDEO = MediaFile(Path("clip.mp4"), "clip.mp4", 1000)


def text(prompt: str = "a cat", **options: object) -> Draft:
    return Draft(JobKind.TEXT, prompt, VideoOptions(**options))  # type: ignore[arg-type]


def rule_of(draft: Draft) -> str:
    with pytest.raises(RequestRuleError) as caught:
        check_draft(draft)
    return caught.value.rule


def test_a_plain_text_request_passes() -> None:
    check_draft(text())
    check_draft(text(duration=10, quality=Quality.HD, aspect_ratio=AspectRatio.TALL))
    check_draft(text(duration=5, quality=Quality.FULL_HD))


@pytest.mark.parametrize("prompt", ["", "   ", "\n"])
def test_the_prompt_must_be_present(prompt: str) -> None:
    assert rule_of(text(prompt)) == "prompt_missing"


def test_the_prompt_has_at_most_1800_characters() -> None:
    check_draft(text("x" * 1800))
    with pytest.raises(RequestRuleError) as caught:
        check_draft(text("x" * 1801))
    assert caught.value.rule == "prompt_too_long"
    assert caught.value.params == {"length": 1801, "limit": 1800}


@pytest.mark.parametrize("duration", [0, 3, 6, 15])
def test_duration_is_5_or_10(duration: int) -> None:
    assert rule_of(text(duration=duration)) == "duration_invalid"


def test_quality_is_720p_or_1080p() -> None:
    draft = Draft(JobKind.TEXT, "a cat", VideoOptions(quality="4k"))  # type: ignore[arg-type]
    assert rule_of(draft) == "quality_invalid"


def test_ten_seconds_at_1080p_is_refused() -> None:
    assert rule_of(text(duration=10, quality=Quality.FULL_HD)) == "ten_seconds_1080p"


def test_text_to_video_needs_an_aspect_ratio() -> None:
    assert rule_of(text(aspect_ratio=None)) == "aspect_ratio_required"


def test_the_cinema_ratio_is_for_aleph_only() -> None:
    assert rule_of(text(aspect_ratio="21:9")) == "aspect_ratio_aleph_only"
    cinema = VideoOptions(aspect_ratio=AspectRatio.CINEMA)
    check_draft(Draft(JobKind.ALEPH, "make it snow", cinema, media=VIDEO))


def test_a_prompt_of_invisible_characters_is_empty() -> None:
    assert rule_of(text(prompt="\u200b\u200d \u2060")) == "prompt_missing"


def test_a_watermark_must_fit_the_caption_and_the_frame() -> None:
    assert rule_of(text(watermark="w" * 61)) == "watermark_too_long"


def test_an_aleph_seed_must_be_a_31_bit_number() -> None:
    options = VideoOptions(aspect_ratio=None, seed=2**31)
    assert rule_of(Draft(JobKind.ALEPH, "snow", options, media=VIDEO)) == "seed_invalid"


def test_image_to_video_sends_no_aspect_ratio() -> None:
    with_ratio = Draft(JobKind.IMAGE, "move", VideoOptions(), media=PHOTO)
    assert rule_of(with_ratio) == "aspect_ratio_with_image"
    check_draft(Draft(JobKind.IMAGE, "move", VideoOptions(aspect_ratio=None), media=PHOTO))


def test_image_to_video_needs_the_photo() -> None:
    draft = Draft(JobKind.IMAGE, "move", VideoOptions(aspect_ratio=None))
    assert rule_of(draft) == "media_missing"


def test_aleph_input_of_any_size_is_taken_to_be_fitted() -> None:
    big = MediaFile(Path("v.mp4"), "v.mp4", 18 * 1024 * 1024)
    check_draft(Draft(JobKind.ALEPH, "make it snow", VideoOptions(), media=big))
    assert rule_of(Draft(JobKind.ALEPH, "make it snow", VideoOptions())) == "media_missing"


def test_extend_checks_prompt_and_quality_only() -> None:
    extend = Draft(JobKind.EXTEND, "keep going", VideoOptions(duration=10), parent_task_id="t")
    check_draft(extend)
    assert rule_of(Draft(JobKind.EXTEND, "", VideoOptions(), parent_task_id="t")) == (
        "prompt_missing"
    )
