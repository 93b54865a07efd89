"""Text on pictures with the bundled DejaVu Sans (Latin, Cyrillic, common symbols). A character
the font lacks (most emoji) is drawn as U+FFFD, never as the font's empty "tofu" box."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from PIL import ImageDraw, ImageFont

FONT_PATH = Path(str(files("bot.media").joinpath("fonts", "DejaVuSans.ttf")))
PLACEHOLDER = "\ufffd"
UNMAPPED = "\U0010fffd"  # a private-use code point no font maps: it draws the font's tofu
PROBE_SIZE = 24
INVISIBLE = frozenset({"Mn", "Me", "Cf"})  # marks and joiners: dropped when the font lacks them


@lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


def drawable(text: str) -> str:
    """`text` with every character the font cannot draw replaced, or dropped if invisible."""
    return "".join(_drawable_char(char) for char in text)


def _drawable_char(char: str) -> str:
    if char.isspace():
        return " "
    if has_glyph(char):
        return char
    return "" if unicodedata.category(char) in INVISIBLE else PLACEHOLDER


@lru_cache(maxsize=4096)
def has_glyph(char: str) -> bool:
    """True when the font has its own glyph for `char`: it does not draw the tofu box."""
    return _bitmap(char) != _bitmap(UNMAPPED)


@lru_cache(maxsize=4096)
def _bitmap(char: str) -> tuple[tuple[int, int], bytes]:
    mask = font(PROBE_SIZE).getmask(char)
    return mask.size, bytes(mask)


def wrap(text: str, face: ImageFont.FreeTypeFont, max_width: int, max_lines: int) -> list[str]:
    """Greedy word wrap to `max_width` pixels; past `max_lines` the last line ends with …."""
    lines: list[str] = []
    for word in drawable(text).split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and face.getlength(candidate) <= max_width:
            lines[-1] = candidate
        else:
            lines.extend(_split_word(word, face, max_width))
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1] + " …"]
    return lines or [""]


def _split_word(word: str, face: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    pieces = [""]
    for char in word:
        if pieces[-1] and face.getlength(pieces[-1] + char) > max_width:
            pieces.append("")
        pieces[-1] += char
    return pieces


def text_block_size(
    draw: ImageDraw.ImageDraw, lines: list[str], face: ImageFont.FreeTypeFont
) -> tuple[int, int]:
    """Width and height of `lines` drawn one under another."""
    box = draw.multiline_textbbox((0, 0), "\n".join(lines), font=face)
    return round(box[2] - box[0]), round(box[3] - box[1])
