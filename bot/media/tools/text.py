"""/text: words drawn on a photo with the bundled DejaVu Sans, readable on any background.

White letters with a dark outline read on light and dark photos alike. DejaVu covers Latin,
Cyrillic and common symbols; anything it lacks (most emoji, CJK) would come out as an empty box,
so such a character, with the joiners and modifiers that belong to it, becomes one placeholder:
☺ for a symbol or emoji, ◌ for a letter of another script."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageDraw, ImageFont

from bot.domain.tools import TextOnPhoto, TextPosition
from bot.media.tools import checks
from bot.media.tools.images import load_upright_rgb, save_jpeg

FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "DejaVuSans.ttf"
SYMBOL_PLACEHOLDER = "☺"
LETTER_PLACEHOLDER = "◌"
ZWJ = "\u200d"
MISSING_PROBE = "\U0010fffd"  # a private-use code point no font maps: renders as .notdef
LINE_SPACING = 1.2
SHRINK = 0.85


@dataclass(frozen=True, slots=True)
class Layout:
    font: ImageFont.FreeTypeFont
    lines: list[str]
    line_height: int
    margin: int
    stroke: int


def default_font_size(width: int, height: int) -> int:
    """About a fourteenth of the shorter side: a caption, not a headline."""
    return max(checks.MIN_FONT, round(min(width, height) / 14))


def draw_text(request: TextOnPhoto, source: Path, dest: Path) -> Path:
    image = load_upright_rgb(source)
    text = checks.check_text(displayable(request.text))
    size = request.font_size or default_font_size(image.width, image.height)
    checks.check_font_size(size, image.width, image.height)
    layout = fit_layout(text, size, image.width, image.height)
    _draw(ImageDraw.Draw(image), layout, request.position, image.size)
    return save_jpeg(image, dest)


# -- characters the font lacks --------------------------------------------------------------


@cache
def _probe_font() -> ImageFont.FreeTypeFont:
    # The basic layout maps one character to one glyph, so a lacking one shows as .notdef.
    return ImageFont.truetype(str(FONT_PATH), 16, layout_engine=ImageFont.Layout.BASIC)


@cache
def _render(char: str) -> tuple[tuple[int, int], bytes]:
    mask = _probe_font().getmask(char)
    return mask.size, bytes(mask)


@cache
def has_glyph(char: str) -> bool:
    return _render(char) != _render(MISSING_PROBE)


def displayable(text: str) -> str:
    """`text` with every cluster the font cannot draw replaced by one placeholder, control
    characters dropped, tabs as spaces and variation selectors removed."""
    out: list[str] = []
    chars = list(text.replace("\r\n", "\n").replace("\t", " "))
    index = 0
    while index < len(chars):
        char = chars[index]
        index += 1
        if char == "\n" or (_is_visible(char) and has_glyph(char)):
            out.append(char)
        elif _is_visible(char) and not _belongs_to_previous(char):
            out.append(_placeholder(char))
            index = _skip_cluster(chars, index, char)
    return "".join(out)


def _is_visible(char: str) -> bool:
    """False for controls, format characters (ZWJ, bidi marks) and variation selectors."""
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
        return False
    return not (0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF)


def _placeholder(char: str) -> str:
    return LETTER_PLACEHOLDER if unicodedata.category(char).startswith("L") else SYMBOL_PLACEHOLDER


def _skip_cluster(chars: list[str], index: int, first: str) -> int:
    """The index after the rest of an emoji sequence that starts with `first`: modifiers,
    marks and variation selectors, anything joined by ZWJ, the second half of a flag."""
    if _is_regional(first) and index < len(chars) and _is_regional(chars[index]):
        index += 1
    while index < len(chars):
        char = chars[index]
        if char == ZWJ:
            index += 2
        elif _belongs_to_previous(char):
            index += 1
        else:
            break
    return min(index, len(chars))


def _is_regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _belongs_to_previous(char: str) -> bool:
    code = ord(char)
    return (
        0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag sequences (subdivision flags)
        or code == 0x20E3  # keycap
        or unicodedata.category(char) in ("Mn", "Me")
    )


# -- layout ---------------------------------------------------------------------------------


def fit_layout(text: str, size: int, width: int, height: int) -> Layout:
    """Wrap at the photo's width; while the block is taller than the photo, use a smaller
    font, down to half the size asked for (smaller would not be read), then cut the last
    lines with an ellipsis."""
    margin = max(4, min(width, height) // 30)
    room = height - 2 * margin
    smallest = max(checks.MIN_FONT, size // 2)
    while True:
        layout = _wrap_at(text, size, width - 2 * margin, margin)
        if len(layout.lines) * layout.line_height <= room or size <= smallest:
            break
        size = max(smallest, int(size * SHRINK))
    fitting = max(1, room // layout.line_height)
    if len(layout.lines) > fitting:
        layout.lines[fitting - 1 :] = [layout.lines[fitting - 1].rstrip() + " …"]
    return layout


def _wrap_at(text: str, size: int, max_width: int, margin: int) -> Layout:
    font = ImageFont.truetype(str(FONT_PATH), size)
    stroke = max(1, round(size / 14))
    usable = max_width - 2 * stroke
    lines = [line for paragraph in text.split("\n") for line in wrap(paragraph, font, usable)]
    ascent, descent = font.getmetrics()
    return Layout(font, lines, round((ascent + descent) * LINE_SPACING), margin, stroke)


def wrap(paragraph: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Greedy word wrap; a word wider than a line is split between letters."""
    lines: list[str] = []
    for word in paragraph.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and font.getlength(candidate) <= max_width:
            lines[-1] = candidate
        else:
            lines.extend(_split_word(word, font, max_width))
    return lines or [""]


def _split_word(word: str, font: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    pieces = [""]
    for char in word:
        if pieces[-1] and font.getlength(pieces[-1] + char) > max_width:
            pieces.append("")
        pieces[-1] += char
    return pieces


def _draw(
    draw: ImageDraw.ImageDraw, layout: Layout, position: TextPosition, size: tuple[int, int]
) -> None:
    width, height = size
    block = len(layout.lines) * layout.line_height
    if position.startswith("top"):
        top = layout.margin
    elif position.startswith("bottom"):
        top = height - layout.margin - block
    else:
        top = (height - block) // 2
    for number, line in enumerate(layout.lines):
        line_width = layout.font.getlength(line)
        left: float
        if position.endswith("left"):
            left = layout.margin + layout.stroke
        elif position.endswith("right"):
            left = width - layout.margin - layout.stroke - line_width
        else:
            left = (width - line_width) / 2
        draw.text(
            (left, top + number * layout.line_height),
            line,
            font=layout.font,
            fill=(255, 255, 255),
            stroke_width=layout.stroke,
            stroke_fill=(0, 0, 0),
        )
