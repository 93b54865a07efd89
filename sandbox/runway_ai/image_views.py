"""The photo endpoints: generate-image, edit-image, add-text-to-image, style-transfer."""

from __future__ import annotations

import asyncio
import functools
import zlib
from collections.abc import Callable

from aiohttp import web
from PIL import Image

from sandbox.runway_ai import params, photo_edits
from sandbox.runway_ai.captions import POSITIONS
from sandbox.runway_ai.errors import invalid
from sandbox.runway_ai.params import Params
from sandbox.runway_ai.photos import MAX_PIXELS
from sandbox.runway_ai.scenes import STYLES, picture
from sandbox.runway_ai.studio import STUDIO

EDIT_TYPES = ("color-adjust", "add-filter", "resize")
MAX_SIDE = 8192
MAX_PROMPT = 2000
MAX_TEXT = 500
PhotoEdit = Callable[[Image.Image], Image.Image]


async def generate_image(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    prompt = params.text(body, "prompt", max_length=MAX_PROMPT)
    style = params.choice(body, "style", STYLES, default="photorealistic")
    studio = request.app[STUDIO]
    size = (studio.state.knobs.image_width, studio.state.knobs.image_height)
    seed = zlib.crc32(f"{style}\n{prompt}".encode())
    image = await asyncio.to_thread(picture, prompt, style, size, seed)
    async with studio.workspace(request) as work:
        return web.json_response({"image_url": await work.keep_jpeg(image)})


async def edit_image(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    image_url = params.url(body, "image_url")
    edit = _photo_edit(body)
    edited = await _edited(request, image_url, edit)
    return web.json_response({"edited_image_url": edited})


async def add_text_to_image(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    image_url = params.url(body, "image_url")
    words = params.text(body, "text", max_length=MAX_TEXT)
    position = params.choice(body, "position", POSITIONS)
    font_size = params.optional_whole(body, "font_size", 6, 512)
    edit = functools.partial(
        photo_edits.add_text, text=words, position=position, font_size=font_size
    )
    return web.json_response({"text_image_url": await _edited(request, image_url, edit)})


async def style_transfer(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    image_url = params.url(body, "image_url")
    reference_url = params.url(body, "style_reference")
    async with request.app[STUDIO].workspace(request) as work:
        content = await work.image(image_url, "image_url")
        reference = await work.image(reference_url, "style_reference")
        styled = await asyncio.to_thread(photo_edits.style_transfer, content, reference)
        return web.json_response({"styled_image_url": await work.keep_jpeg(styled)})


async def _edited(request: web.Request, image_url: str, edit: PhotoEdit) -> str:
    """Fetch the photo, apply `edit` off the event loop, keep the result; its URL."""
    async with request.app[STUDIO].workspace(request) as work:
        image = await work.image(image_url, "image_url")
        return await work.keep_jpeg(await asyncio.to_thread(edit, image))


def _photo_edit(body: Params) -> PhotoEdit:
    """The edit a body asks for, every parameter checked before anything is fetched."""
    edit_type = params.choice(body, "edit_type", EDIT_TYPES)
    if edit_type == "add-filter":
        name = params.choice(body, "filter", photo_edits.FILTERS)
        return functools.partial(photo_edits.apply_filter, name=name)
    if edit_type == "resize":
        return _resizer(body)
    # color-adjust: the seed names no levels; these three are the emulator's guess.
    return functools.partial(
        photo_edits.color_adjust,
        brightness=params.number(body, "brightness", 0.0, 4.0, 1.0),
        contrast=params.number(body, "contrast", 0.0, 4.0, 1.3),
        saturation=params.number(body, "saturation", 0.0, 4.0, 1.5),
    )


def _resizer(body: Params) -> PhotoEdit:
    width = params.optional_whole(body, "resize_width", 1, MAX_SIDE)
    height = params.optional_whole(body, "resize_height", 1, MAX_SIDE)
    if width is None and height is None:
        raise invalid(f"resize needs resize_width, resize_height or both (1 to {MAX_SIDE})")

    def resize(image: Image.Image) -> Image.Image:
        size = photo_edits.target_size(image.size, width, height)
        if max(size) > MAX_SIDE or size[0] * size[1] > MAX_PIXELS:
            raise invalid(f"the resized image would be {size[0]}x{size[1]}: too large")
        return photo_edits.resize(image, size)

    return resize
