"""What edit-image, add-text-to-image and style-transfer do to a photo, with Pillow."""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageChops, ImageEnhance, ImageFilter, ImageOps, ImageStat

from sandbox.runway_ai.captions import text_at

FILTERS = ("sepia", "black-and-white", "vintage", "cinematic")


def color_adjust(
    image: Image.Image, *, brightness: float = 1.0, contrast: float = 1.3, saturation: float = 1.5
) -> Image.Image:
    """Livelier colours by default: more contrast and saturation."""
    image = ImageEnhance.Brightness(image).enhance(brightness)
    image = ImageEnhance.Contrast(image).enhance(contrast)
    return ImageEnhance.Color(image).enhance(saturation)


def apply_filter(image: Image.Image, name: str) -> Image.Image:
    return FILTER_FUNCTIONS[name](image)


def sepia(image: Image.Image) -> Image.Image:
    grey = ImageOps.grayscale(image)
    return ImageOps.colorize(grey, black=(30, 18, 6), white=(255, 242, 210), mid=(165, 118, 72))


def black_and_white(image: Image.Image) -> Image.Image:
    return ImageOps.autocontrast(ImageOps.grayscale(image), cutoff=1).convert("RGB")


def vintage(image: Image.Image) -> Image.Image:
    """Faded warm print: half sepia, lifted blacks, softer contrast, dark corners."""
    faded = Image.blend(image, sepia(image), 0.55)
    faded = faded.point(lambda v: 28 + v * 200 // 255)
    return vignette(ImageEnhance.Color(faded).enhance(0.8))


def cinematic(image: Image.Image) -> Image.Image:
    """Teal shadows, warm highlights, a little more contrast, and letterbox bars."""
    red, green, blue = ImageEnhance.Contrast(image).enhance(1.15).split()
    red = red.point(lambda v: min(255, v + max(0, v - 128) // 5))
    blue = blue.point(lambda v: min(255, v + max(0, 128 - v) // 4))
    graded = ImageEnhance.Color(Image.merge("RGB", (red, green, blue))).enhance(0.9)
    return letterbox(graded)


def letterbox(image: Image.Image) -> Image.Image:
    bar = max(1, image.height // 10)
    boxed = image.copy()
    boxed.paste((0, 0, 0), (0, 0, image.width, bar))
    boxed.paste((0, 0, 0), (0, image.height - bar, image.width, image.height))
    return boxed


def vignette(image: Image.Image) -> Image.Image:
    falloff = Image.radial_gradient("L").resize(image.size).point(lambda v: 255 - v * v // 400)
    return ImageChops.multiply(image, Image.merge("RGB", (falloff,) * 3))


def target_size(size: tuple[int, int], width: int | None, height: int | None) -> tuple[int, int]:
    """`width` x `height`; with only one of them given, the other keeps the aspect ratio."""
    if width is None and height is None:
        raise ValueError("give a width, a height or both")
    if width is None:
        width = max(1, round(size[0] * (height or 0) / size[1]))
    if height is None:
        height = max(1, round(size[1] * width / size[0]))
    return width, height


def resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    return image.resize(size, Image.Resampling.LANCZOS)


def add_text(image: Image.Image, text: str, position: str, font_size: int | None) -> Image.Image:
    size = font_size or max(12, min(image.size) // 10)
    result = image.copy()
    text_at(result, text, position, size)
    return result


def style_transfer(content: Image.Image, reference: Image.Image) -> Image.Image:
    """The content in the reference's look: its colour palette (each channel's mean and spread
    matched) and its texture (the reference's fine detail laid over the content)."""
    coloured = _match_colours(content, reference)
    return ImageChops.overlay(coloured, _texture(reference, content.size))


def _match_colours(content: Image.Image, reference: Image.Image) -> Image.Image:
    source, target = ImageStat.Stat(content), ImageStat.Stat(reference)
    bands = []
    for band, (mean, spread, goal, goal_spread) in zip(
        content.split(),
        zip(source.mean, source.stddev, target.mean, target.stddev, strict=True),
        strict=True,
    ):
        scale = goal_spread / max(spread, 1.0)
        bands.append(band.point(_linear(mean, scale, goal)))
    return Image.merge("RGB", bands)


def _linear(mean: float, scale: float, goal: float) -> Callable[[int], int]:
    return lambda v: max(0, min(255, round((v - mean) * scale + goal)))


def _texture(reference: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The reference's detail as a grey layer centred on mid-grey, covering `size`."""
    grey = ImageOps.fit(ImageOps.grayscale(reference), size, Image.Resampling.LANCZOS)
    blurred = grey.filter(ImageFilter.GaussianBlur(max(2, min(size) // 100)))
    detail = ImageChops.add(grey, ImageOps.invert(blurred), scale=2.0)
    return Image.merge("RGB", (detail,) * 3)


FILTER_FUNCTIONS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "sepia": sepia,
    "black-and-white": black_and_white,
    "vintage": vintage,
    "cinematic": cinematic,
}
