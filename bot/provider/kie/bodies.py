"""Which endpoint and which body each kind of generation request becomes."""

from __future__ import annotations

import mimetypes

from bot.domain.models import GenerationRequest, JobKind
from bot.provider.kie.schemas import AlephBody, ExtendBody, GenerateBody, WireModel

GENERATE_PATH = "/api/v1/runway/generate"
EXTEND_PATH = "/api/v1/runway/extend"
ALEPH_PATH = "/api/v1/aleph/generate"


def submission(request: GenerationRequest, callback_url: str | None) -> tuple[str, WireModel]:
    """The path to POST to and the body to send for this request."""
    if request.kind is JobKind.EXTEND:
        return EXTEND_PATH, extend_body(request, callback_url)
    if request.kind is JobKind.ALEPH:
        return ALEPH_PATH, aleph_body(request, callback_url)
    return GENERATE_PATH, generate_body(request, callback_url)


def generate_body(request: GenerationRequest, callback_url: str | None) -> GenerateBody:
    """Text to video sends an aspect ratio; image to video sends the image and never a ratio."""
    options = request.options
    image = request.kind is JobKind.IMAGE
    if image and not request.image_url:
        raise ValueError("image to video needs an uploaded image URL")
    ratio = options.aspect_ratio
    return GenerateBody(
        prompt=request.prompt,
        duration=options.duration,
        quality=options.quality.value,
        aspect_ratio=None if image or ratio is None else ratio.value,
        image_url=request.image_url if image else None,
        water_mark=options.watermark,
        call_back_url=callback_url,
    )


def extend_body(request: GenerationRequest, callback_url: str | None) -> ExtendBody:
    if not request.parent_task_id:
        raise ValueError("an extension needs the parent task id")
    return ExtendBody(
        task_id=request.parent_task_id,
        prompt=request.prompt,
        quality=request.options.quality.value,
        water_mark=request.options.watermark,
        call_back_url=callback_url,
    )


def aleph_body(request: GenerationRequest, callback_url: str | None) -> AlephBody:
    if not request.video_url:
        raise ValueError("video to video needs an uploaded video URL")
    ratio = request.options.aspect_ratio
    return AlephBody(
        prompt=request.prompt,
        video_url=request.video_url,
        water_mark=request.options.watermark,
        aspect_ratio=None if ratio is None else ratio.value,
        seed=request.options.seed,
        reference_image=request.reference_url,
        call_back_url=callback_url,
    )


def to_wire(body: WireModel) -> dict[str, object]:
    """The JSON object to send: provider names, unset optional fields left out."""
    return body.model_dump(by_alias=True, exclude_none=True)


def content_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def upload_path(filename: str) -> str:
    """The folder at the upload host: photos and videos apart, so they are easy to tell."""
    kind = content_type(filename).split("/", 1)[0]
    return {"image": "telegram/images", "video": "telegram/videos"}.get(kind, "telegram/files")
