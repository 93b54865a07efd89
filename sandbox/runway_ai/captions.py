"""Putting words on a picture: the prompt band of generated media and add-text-to-image."""

from __future__ import annotations

from PIL import Image, ImageDraw

from sandbox.runway_ai.lettering import font, text_block_size, wrap

POSITIONS = ("top-left", "top-right", "bottom-left", "bottom-right", "center")
PROMPT_LINES = 3
TEXT_LINES = 6

RGBA = tuple[int, int, int, int]


def prompt_band(
    image: Image.Image,
    prompt: str,
    *,
    ink: RGBA = (255, 255, 255, 255),
    paper: RGBA = (0, 0, 0, 150),
) -> None:
    """The prompt, wrapped, in a band across the top: what every generated picture shows."""
    width, height = image.size
    face = font(max(10, min(width, height) // 14))
    margin = max(4, min(width, height) // 40)
    lines = wrap(prompt, face, width - 4 * margin, PROMPT_LINES)
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    _, text_height = text_block_size(draw, lines, face)
    draw.rectangle((0, 0, width, text_height + 3 * margin), fill=paper)
    draw.multiline_text((2 * margin, margin), "\n".join(lines), font=face, fill=ink)
    image.alpha_composite(layer)


def text_at(image: Image.Image, text: str, position: str, font_size: int) -> None:
    """White words with a dark outline, so they read on any picture, in one corner or the centre."""
    width, height = image.size
    face = font(font_size)
    margin = max(4, min(width, height) // 30)
    lines = wrap(text, face, width - 2 * margin, TEXT_LINES)
    draw = ImageDraw.Draw(image)
    stroke = max(1, font_size // 14)
    box = draw.multiline_textbbox((0, 0), "\n".join(lines), font=face, stroke_width=stroke)
    block = round(box[2] - box[0]), round(box[3] - box[1])
    x, y = _anchor(position, block, image.size, margin)
    draw.multiline_text(
        (x - box[0], y - box[1]),
        "\n".join(lines),
        font=face,
        fill=(255, 255, 255),
        stroke_width=stroke,
        stroke_fill=(0, 0, 0),
        align=_align(position),
    )


def _anchor(
    position: str, block: tuple[int, int], size: tuple[int, int], margin: int
) -> tuple[int, int]:
    free_x, free_y = size[0] - block[0], size[1] - block[1]
    if position == "center":
        return max(0, free_x // 2), max(0, free_y // 2)
    vertical, _, horizontal = position.partition("-")
    x = margin if horizontal == "left" else free_x - margin
    y = margin if vertical == "top" else free_y - margin
    return max(0, x), max(0, y)


def _align(position: str) -> str:
    return position.partition("-")[2] or "center"
