"""generate-image, edit-image, add-text-to-image and style-transfer make real JPEGs that look
like what was asked."""

from __future__ import annotations

import aiohttp
import pytest
from PIL import Image, ImageChops, ImageStat

from tests.sandbox_runway_ai.calls import made, picture, refused
from tests.sandbox_runway_ai.files import FileServer
from tests.sandbox_runway_ai.media import (
    Samples,
    grey_levels,
    greyness,
    mean_rgb,
    mean_saturation,
    roughness,
    share,
)

GENERATE = "/v1/generate-image"
EDIT = "/v1/edit-image"
TEXT = "/v1/add-text-to-image"
STYLE = "/v1/style-transfer"


async def generated(api: aiohttp.ClientSession, prompt: str, style: str) -> Image.Image:
    url = await made(api, GENERATE, {"prompt": prompt, "style": style}, "image_url")
    return await picture(api, url)


def lower_half(image: Image.Image) -> Image.Image:
    """The scene below the prompt band."""
    return image.crop((0, image.height // 2, image.width, image.height))


async def test_a_photorealistic_picture_is_smooth_and_colourful(
    api: aiohttp.ClientSession,
) -> None:
    image = await generated(api, "a fox in the snow", "photorealistic")

    assert image.size == (160, 120)
    assert roughness(lower_half(image)) < 3
    assert mean_saturation(image) > 40


async def test_a_sketch_is_dark_lines_on_white(api: aiohttp.ClientSession) -> None:
    image = lower_half(await generated(api, "a fox in the snow", "sketch"))

    assert share(image, 200, above=True) > 0.6
    assert share(image, 110, above=False) > 0.01
    assert greyness(image) < 8


async def test_an_abstract_picture_is_fields_of_bold_colour(api: aiohttp.ClientSession) -> None:
    image = lower_half(await generated(api, "a fox in the snow", "abstract"))

    assert mean_saturation(image) > 120
    quantised = image.quantize(colors=8)
    counts = sorted((count for count, _ in quantised.getcolors() or []), reverse=True)
    assert sum(counts[:5]) / (image.width * image.height) > 0.9


async def test_the_style_defaults_to_photorealistic(api: aiohttp.ClientSession) -> None:
    url = await made(api, GENERATE, {"prompt": "a fox in the snow"}, "image_url")
    default = await picture(api, url)
    photo = await generated(api, "a fox in the snow", "photorealistic")

    assert ImageChops.difference(default, photo).getbbox() is None


async def test_the_prompt_is_written_on_the_picture(api: aiohttp.ClientSession) -> None:
    """Two prompts, same style: the scenes differ, and the top band holds light text pixels."""
    one = await generated(api, "Лиса в снегу", "abstract")
    band = one.crop((0, 0, one.width, one.height // 6))

    assert share(band, 200, above=True) > 0.02
    for prompt in ("Лиса в снегу!", "Лиса"):
        other = await generated(api, prompt, "abstract")
        assert ImageChops.difference(one.crop(band.getbbox()), other.crop(band.getbbox())).getbbox()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"prompt": ""},
        {"prompt": 5},
        {"prompt": "x", "style": "cubist"},
        {"prompt": "x" * 2001},
    ],
)
async def test_a_bad_generate_request_is_refused_with_the_field_named(
    api: aiohttp.ClientSession, body: dict[str, object]
) -> None:
    message = await refused(api, GENERATE, body)
    assert ("style" if "style" in body else "prompt") in message


async def test_color_adjust_raises_contrast_and_saturation(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    source = files.url(samples.photo)
    url = await made(
        api, EDIT, {"image_url": source, "edit_type": "color-adjust"}, "edited_image_url"
    )
    edited = await picture(api, url)
    with Image.open(samples.photo) as opened:
        original = opened.convert("RGB")

    assert edited.size == original.size
    assert mean_saturation(edited) > mean_saturation(original) + 10
    assert _contrast(edited) > _contrast(original) * 1.1


def _contrast(image: Image.Image) -> float:
    """The spread of each channel's values, averaged."""
    return sum(ImageStat.Stat(image).stddev) / 3


async def filtered(api: aiohttp.ClientSession, source: str, name: str) -> Image.Image:
    body = {"image_url": source, "edit_type": "add-filter", "filter": name}
    return await picture(api, await made(api, EDIT, body, "edited_image_url"))


async def test_black_and_white_is_grey_and_sepia_is_warm(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    source = files.url(samples.photo)

    grey = await filtered(api, source, "black-and-white")
    red, green, blue = mean_rgb(await filtered(api, source, "sepia"))

    assert greyness(grey) < 3
    assert red > green + 10 > blue + 20


async def test_vintage_fades_and_cinematic_adds_letterbox_bars(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    source = files.url(samples.photo)

    vintage = await filtered(api, source, "vintage")
    cinematic = await filtered(api, source, "cinematic")

    assert min(grey_levels(vintage)) > 10  # blacks lifted
    assert mean_saturation(vintage) < 90
    top_bar = cinematic.crop((0, 0, cinematic.width, 8))
    assert max(grey_levels(top_bar)) < 30
    assert mean_rgb(cinematic.crop((0, 20, 120, 70))) != mean_rgb(top_bar)


async def test_an_unknown_filter_is_refused_with_the_valid_ones(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    body = {"image_url": files.url(samples.photo), "edit_type": "add-filter", "filter": "glow"}

    message = await refused(api, EDIT, body)

    assert "filter" in message
    for name in ("sepia", "black-and-white", "vintage", "cinematic"):
        assert name in message


@pytest.mark.parametrize(
    ("sides", "size"),
    [
        ({"resize_width": 60, "resize_height": 30}, (60, 30)),
        ({"resize_width": 60}, (60, 45)),
        ({"resize_height": 180}, (240, 180)),
    ],
)
async def test_resize_gives_the_size_asked_keeping_the_aspect_when_one_side_is_given(
    api: aiohttp.ClientSession,
    files: FileServer,
    samples: Samples,
    sides: dict[str, int],
    size: tuple[int, int],
) -> None:
    body = {"image_url": files.url(samples.photo), "edit_type": "resize", **sides}
    resized = await picture(api, await made(api, EDIT, body, "edited_image_url"))
    assert resized.size == size


@pytest.mark.parametrize(
    ("sides", "named"),
    [
        ({}, "resize_width"),
        ({"resize_width": 0}, "resize_width"),
        ({"resize_width": 9000}, "resize_width"),
        ({"resize_height": 1.5}, "resize_height"),
        ({"resize_height": 8000}, "too large"),  # 120x90 at 8000 high: 10667 wide
    ],
)
async def test_a_bad_resize_is_refused(
    api: aiohttp.ClientSession,
    files: FileServer,
    samples: Samples,
    sides: dict[str, object],
    named: str,
) -> None:
    body = {"image_url": files.url(samples.photo), "edit_type": "resize", **sides}
    assert named in await refused(api, EDIT, body)


async def test_edit_needs_a_known_edit_type(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    body = {"image_url": files.url(samples.photo), "edit_type": "crop"}
    message = await refused(api, EDIT, body)
    assert "color-adjust, add-filter, resize" in message


@pytest.mark.parametrize(
    ("position", "corner"),
    [
        ("top-left", (0, 0)),
        ("top-right", (1, 0)),
        ("bottom-left", (0, 1)),
        ("bottom-right", (1, 1)),
    ],
)
async def test_text_is_drawn_in_the_corner_asked_for(
    api: aiohttp.ClientSession,
    files: FileServer,
    samples: Samples,
    position: str,
    corner: tuple[int, int],
) -> None:
    body = {"image_url": files.url(samples.photo), "text": "Привет", "position": position}
    with_text = await picture(api, await made(api, TEXT, body, "text_image_url"))
    with Image.open(samples.photo) as opened:
        original = opened.convert("RGB")

    changed = _changed_box(original, with_text)
    width, height = original.size
    middle_x = (changed[0] + changed[2]) / 2
    middle_y = (changed[1] + changed[3]) / 2
    assert (middle_x > width / 2, middle_y > height / 2) == (bool(corner[0]), bool(corner[1]))


async def test_centred_text_covers_the_middle(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    body = {"image_url": files.url(samples.photo), "text": "OK", "position": "center"}
    with_text = await picture(api, await made(api, TEXT, body, "text_image_url"))
    with Image.open(samples.photo) as opened:
        left, top, right, bottom = _changed_box(opened.convert("RGB"), with_text)
    assert left < 60 < right
    assert top < 45 < bottom


def _changed_box(before: Image.Image, after: Image.Image) -> tuple[int, int, int, int]:
    """Where the pictures differ by more than JPEG noise."""
    diff = ImageChops.difference(before, after).convert("L").point(lambda v: 255 if v > 60 else 0)
    box = diff.getbbox()
    assert box is not None
    return box


async def test_a_bigger_font_covers_more(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    source = files.url(samples.photo)
    with Image.open(samples.photo) as opened:
        original = opened.convert("RGB")
    areas = []
    for size in (10, 24):
        body = {"image_url": source, "text": "Hi", "position": "top-left", "font_size": size}
        drawn = await picture(api, await made(api, TEXT, body, "text_image_url"))
        box = _changed_box(original, drawn)
        areas.append((box[2] - box[0]) * (box[3] - box[1]))
    assert areas[1] > areas[0] * 2


async def test_a_character_the_font_lacks_is_the_placeholder_not_a_box(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    """An emoji draws exactly as U+FFFD does, and differs from the font's missing-glyph box
    (which a code point no font maps would draw, were it not replaced too)."""
    source = files.url(samples.photo)

    async def drawn(text: str) -> Image.Image:
        body = {"image_url": source, "text": text, "position": "center", "font_size": 30}
        return await picture(api, await made(api, TEXT, body, "text_image_url"))

    emoji, placeholder = await drawn("🦊"), await drawn("\ufffd")
    assert ImageChops.difference(emoji, placeholder).getbbox() is None


@pytest.mark.parametrize(
    "body",
    [
        {"text": "x"},
        {"text": "x", "position": "middle"},
        {"text": "", "position": "center"},
        {"text": "x", "position": "center", "font_size": 2},
        {"text": "x", "position": "center", "font_size": "big"},
    ],
)
async def test_a_bad_text_request_is_refused(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples, body: dict[str, object]
) -> None:
    await refused(api, TEXT, {"image_url": files.url(samples.photo), **body})


async def test_style_transfer_takes_on_the_references_palette(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    body = {"image_url": files.url(samples.photo), "style_reference": files.url(samples.reference)}
    styled = await picture(api, await made(api, STYLE, body, "styled_image_url"))
    with Image.open(samples.photo) as photo, Image.open(samples.reference) as reference:
        before, goal = mean_rgb(photo), mean_rgb(reference)
        size = photo.size
    after = mean_rgb(styled)

    assert styled.size == size
    assert _distance(after, goal) < _distance(before, goal) / 2


def _distance(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    return float(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5)


async def test_style_transfer_needs_a_reference(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    message = await refused(api, STYLE, {"image_url": files.url(samples.photo)})
    assert "style_reference" in message


async def test_a_file_that_is_no_image_is_refused(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    body = {"image_url": files.url(samples.pattern), "edit_type": "color-adjust"}
    message = await refused(api, EDIT, body)
    assert "image_url is not an image" in message
