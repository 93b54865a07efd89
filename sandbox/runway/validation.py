"""The provider's request rules: bodies in, typed requests out, code 422 with a clear msg."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.runway.catalog import (
    ALEPH_ASPECT_RATIOS,
    ASPECT_RATIOS,
    DURATIONS,
    MAX_PROMPT_LENGTH,
    QUALITIES,
)
from sandbox.runway.envelope import ApiError


@dataclass(frozen=True, slots=True)
class Common:
    prompt: str
    watermark: str
    callback_url: str | None


@dataclass(frozen=True, slots=True)
class GenerateRequest:
    common: Common
    duration: int
    quality: str
    aspect_ratio: str | None  # None when an image decides it
    image_url: str | None


@dataclass(frozen=True, slots=True)
class ExtendRequest:
    common: Common
    task_id: str
    quality: str


@dataclass(frozen=True, slots=True)
class AlephRequest:
    common: Common
    video_url: str
    aspect_ratio: str | None
    reference_image: str | None
    seed: int | None


def parse_generate(body: dict[str, Any]) -> GenerateRequest:
    common = _common(body)
    duration = _duration(body)
    quality = _choice(body, "quality", QUALITIES)
    if duration == 10 and quality == "1080p":
        raise ApiError(422, "10-second videos cannot be 1080p: use duration 5 or quality 720p")
    image_url = _optional_str(body, "imageUrl") or None
    ratio = None
    if not image_url or body.get("aspectRatio") is not None:
        ratio = _choice(body, "aspectRatio", ASPECT_RATIOS)  # 21:9 is Aleph's only
    return GenerateRequest(common, duration, quality, None if image_url else ratio, image_url)


def parse_extend(body: dict[str, Any]) -> ExtendRequest:
    task_id = _optional_str(body, "taskId")
    if not task_id:
        raise ApiError(422, "taskId is required: the task whose video to extend")
    return ExtendRequest(_common(body), task_id, _choice(body, "quality", QUALITIES))


def parse_aleph(body: dict[str, Any]) -> AlephRequest:
    common = _common(body)
    video_url = _optional_str(body, "videoUrl")
    if not video_url:
        raise ApiError(422, "videoUrl is required")
    ratio = None
    if body.get("aspectRatio") is not None:
        ratio = _choice(body, "aspectRatio", ALEPH_ASPECT_RATIOS)
    seed = body.get("seed")
    if seed is not None and not _is_int(seed):
        raise ApiError(422, "seed must be an integer")
    if body.get("uploadCn") is not None and not isinstance(body["uploadCn"], bool):
        raise ApiError(422, "uploadCn must be true or false")
    reference = _optional_str(body, "referenceImage") or None
    return AlephRequest(common, video_url, ratio, reference, seed)


def _common(body: dict[str, Any]) -> Common:
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise ApiError(422, "prompt is required")
    if len(prompt) > MAX_PROMPT_LENGTH:
        raise ApiError(
            422, f"prompt is {len(prompt)} characters long; at most {MAX_PROMPT_LENGTH} allowed"
        )
    watermark = _optional_str(body, "waterMark")
    return Common(prompt, watermark, _optional_str(body, "callBackUrl") or None)


def _duration(body: dict[str, Any]) -> int:
    value = body.get("duration")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not _is_number(value) or value not in DURATIONS:
        raise ApiError(422, "duration is required and must be 5 or 10")
    return int(value)


def _choice(body: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = body.get(name)
    if value is None:
        raise ApiError(422, f"{name} is required; one of {', '.join(allowed)}")
    if value not in allowed:
        raise ApiError(422, f"{name} {value!r} is not allowed; use one of {', '.join(allowed)}")
    return str(value)


def _optional_str(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(422, f"{name} must be a string")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
