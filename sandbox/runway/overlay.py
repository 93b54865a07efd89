"""Pictures drawn with Pillow for the renderer: the text layer, a moving ball, input stills,
and what the emulator reads from input images (their format and their colour)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageStat, UnidentifiedImageError

from sandbox.runway import fonts
from sandbox.runway.catalog import fit_short_side

MAX_LINES = 5
FAST_PNG = 1  # zlib level for the scratch PNGs ffmpeg reads once: level 6 costs several times more
Font = ImageFont.FreeTypeFont


class InputImageError(Exception):
    """The input could not be read as an image (the provider: "get image info failed.")."""


def draw_text_layer(dest: Path, size: tuple[int, int], prompt: str, watermark: str) -> None:
    """A transparent full-frame layer: the prompt wrapped at the top, the watermark bottom right.

    Text is drawn in the bundled font; characters it lacks become placeholders (see `fonts`).
    """
    width, height = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = fonts.font(max(14, min(width, height) // 22))
    margin = max(10, min(width, height) // 36)
    _draw_prompt(draw, font, fonts.drawable(prompt), width, margin)
    if watermark.strip():
        _draw_watermark(draw, font, fonts.drawable(watermark), size, margin)
    layer.save(dest, compress_level=FAST_PNG)


def _draw_prompt(
    draw: ImageDraw.ImageDraw, font: Font, prompt: str, width: int, margin: int
) -> None:
    lines = wrap(draw, font, prompt, width - 4 * margin)
    line_height = int(font.size * 1.3)
    box_bottom = 3 * margin + line_height * len(lines)
    draw.rectangle((margin, margin, width - margin, box_bottom), fill=(0, 0, 0, 150))
    for index, line in enumerate(lines):
        draw.text((2 * margin, 2 * margin + index * line_height), line, font=font, fill="white")


def _draw_watermark(
    draw: ImageDraw.ImageDraw, font: Font, text: str, size: tuple[int, int], margin: int
) -> None:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = size[0] - margin - (right - left)
    y = size[1] - margin - (bottom - top) - top
    draw.text((x + 2, y + 2), text, font=font, fill=(0, 0, 0, 160))
    draw.text((x, y), text, font=font, fill=(255, 255, 255, 220))


def wrap(draw: ImageDraw.ImageDraw, font: Font, text: str, max_width: int) -> list[str]:
    """Greedy word wrap to `max_width` pixels, at most MAX_LINES lines (the last one cut with …)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= max_width:
            lines[-1] = candidate
        else:
            lines.extend(_split_long_word(draw, font, word, max_width))
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], lines[MAX_LINES - 1] + " …"]
    return lines or [""]


def _split_long_word(draw: ImageDraw.ImageDraw, font: Font, word: str, max_width: int) -> list[str]:
    pieces = [""]
    for char in word:
        if pieces[-1] and draw.textlength(pieces[-1] + char, font=font) > max_width:
            pieces.append("")
        pieces[-1] += char
    return pieces


def draw_ball(dest: Path, diameter: int, seed: int) -> None:
    """A soft coloured ball that the text-to-video scene moves around."""
    ball = Image.new("RGBA", (diameter, diameter), (0, 0, 0, 0))
    colour = (80 + seed % 170, 80 + seed // 7 % 170, 80 + seed // 49 % 170, 230)
    ImageDraw.Draw(ball).ellipse((0, 0, diameter - 1, diameter - 1), fill=colour)
    ball.save(dest, compress_level=FAST_PNG)


def prepare_still(source: Path, dest: Path, short_side: int, zoom: float) -> tuple[int, int]:
    """Save `source` as an RGB PNG sized for panning and return the video size it fits."""
    try:
        with Image.open(source) as opened:
            image = opened.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise InputImageError(str(exc)) from exc
    size = fit_short_side(image.width, image.height, short_side)
    cover_w, cover_h = (round(side * zoom / 2) * 2 for side in size)
    scale = max(cover_w / image.width, cover_h / image.height)
    resized = image.resize((round(image.width * scale) + 1, round(image.height * scale) + 1))
    left = (resized.width - cover_w) // 2
    top = (resized.height - cover_h) // 2
    resized.crop((left, top, left + cover_w, top + cover_h)).save(dest, compress_level=FAST_PNG)
    return size


def image_format(path: Path) -> str | None:
    """The image format Pillow recognises in the file ("JPEG", "WEBP"...), or None."""
    try:
        with Image.open(path) as opened:
            return opened.format
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return None


def average_colour(path: Path) -> tuple[int, int, int]:
    """The mean colour of an image, as (red, green, blue)."""
    try:
        with Image.open(path) as opened:
            small = opened.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise InputImageError(str(exc)) from exc
    small.thumbnail((64, 64))
    red, green, blue = (round(value) for value in ImageStat.Stat(small).mean)
    return red, green, blue
