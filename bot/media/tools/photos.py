"""/edit on a photo with Pillow: colour adjustment, four filters and resizing.

Synchronous: LocalTools runs `edit_photo` in a worker thread."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageChops, ImageEnhance, ImageOps

from bot.domain.errors import UserError
from bot.domain.tools import EditPhoto
from bot.media.tools import checks
from bot.media.tools.images import load_upright_rgb, save_jpeg

PHOTO_FILTERS = ("sepia", "black-and-white", "vintage", "cinematic")
ALIASES = {
    "bw": "black-and-white",
    "b&w": "black-and-white",
    "black-white": "black-and-white",
    "blackandwhite": "black-and-white",
    "grayscale": "black-and-white",
    "greyscale": "black-and-white",
    "mono": "black-and-white",
    "monochrome": "black-and-white",
}
SEPIA_DARK = (40, 26, 13)
SEPIA_LIGHT = (255, 240, 200)
TONE_SHIFT = 20  # levels: how far cinematic pushes red and blue apart


def filter_name(raw: str | None) -> str:
    """The canonical filter name; UserError naming the valid ones otherwise."""
    valid = ", ".join(PHOTO_FILTERS)
    if raw is None or not raw.strip():
        raise UserError("tool.photo_filter_missing", valid=valid)
    name = raw.strip().lower().replace("_", "-").replace(" ", "-")
    name = ALIASES.get(name, name)
    if name not in PHOTO_FILTERS:
        raise UserError("tool.photo_filter_unknown", name=raw.strip(), valid=valid)
    return name


def check_edit(request: EditPhoto) -> None:
    """Refuse a bad edit before the photo is even read."""
    if request.edit_type == "add-filter":
        filter_name(request.filter)
    elif request.edit_type == "resize":
        if request.width is None and request.height is None:
            raise UserError("tool.size_missing", min=checks.MIN_SIDE, max=checks.MAX_SIDE)
        checks.check_size(request.width or checks.MIN_SIDE, request.height or checks.MIN_SIDE)


def edit_photo(request: EditPhoto, source: Path, dest: Path) -> Path:
    image = load_upright_rgb(source)
    if request.edit_type == "color-adjust":
        edited = color_adjust(image)
    elif request.edit_type == "add-filter":
        edited = apply_filter(image, filter_name(request.filter))
    else:
        edited = resize(image, request.width, request.height)
    return save_jpeg(edited, dest)


def color_adjust(image: Image.Image) -> Image.Image:
    """Automatic levels (the darkest and brightest 1% stretched to black and white) and a
    little more colour: what "make it look better" means without further words."""
    levelled = ImageOps.autocontrast(image, cutoff=1)
    return ImageEnhance.Color(levelled).enhance(1.15)


def resize(image: Image.Image, width: int | None, height: int | None) -> Image.Image:
    """Exactly WxH; with one side given, the other keeps the aspect ratio."""
    if width is None or height is None:
        ratio = image.width / image.height
        width = width or max(checks.MIN_SIDE, round((height or image.height) * ratio))
        height = height or max(checks.MIN_SIDE, round(width / ratio))
    checks.check_size(width, height)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def apply_filter(image: Image.Image, name: str) -> Image.Image:
    if name == "sepia":
        return sepia(image)
    if name == "black-and-white":
        return ImageOps.grayscale(image).convert("RGB")
    if name == "vintage":
        return vintage(image)
    return cinematic(image)


def sepia(image: Image.Image) -> Image.Image:
    """Grey levels mapped from dark brown to cream: red >= green >= blue everywhere."""
    return ImageOps.colorize(ImageOps.grayscale(image), SEPIA_DARK, SEPIA_LIGHT)


def vintage(image: Image.Image) -> Image.Image:
    """Faded print: half sepia, less contrast, lifted blacks, warm cast, dark corners."""
    faded = Image.blend(image, sepia(image), 0.45)
    faded = ImageEnhance.Contrast(faded).enhance(0.85)
    red, green, blue = faded.split()
    warm = Image.merge(
        "RGB",
        (
            red.point(lambda v: min(255, 24 + v * 0.95)),
            green.point(lambda v: 18 + v * 0.9),
            blue.point(lambda v: 12 + v * 0.8),
        ),
    )
    return vignette(warm, 0.45)


def cinematic(image: Image.Image) -> Image.Image:
    """Teal shadows, orange highlights (a smooth split by brightness), more contrast and
    slightly dark corners."""
    punchy = ImageEnhance.Contrast(ImageEnhance.Color(image).enhance(1.1)).enhance(1.15)
    red, green, blue = punchy.split()
    graded = Image.merge(
        "RGB",
        (red.point(_split_tone(TONE_SHIFT)), green, blue.point(_split_tone(-TONE_SHIFT))),
    )
    return vignette(graded, 0.3)


def _split_tone(shift: float) -> list[int]:
    """A lookup table moving dark levels by -shift and bright ones by +shift, smoothly."""
    return [max(0, min(255, round(v + shift * (v - 128) / 128))) for v in range(256)]


def vignette(image: Image.Image, strength: float) -> Image.Image:
    """Darken towards the corners by up to `strength` (0 to 1)."""
    gradient = Image.radial_gradient("L").resize(image.size)  # 0 in the middle, 255 outside
    shade = gradient.point(lambda v: round(255 - min(255, v * 0.8) * strength))
    return ImageChops.multiply(image, Image.merge("RGB", (shade, shade, shade)))
