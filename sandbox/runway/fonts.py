"""The font the emulator draws text with, and text made drawable in it.

The bot bundles DejaVu Sans (`bot/media/fonts/`), which covers Latin, Cyrillic and common
symbols. A character it lacks would be drawn as its .notdef box ("tofu"); such characters
(emoji, mostly) become one neat placeholder each instead, and the invisible parts of emoji
sequences (joiners, variation selectors, skin tones, tags) are dropped.
"""

from __future__ import annotations

import functools
import io
from importlib import resources

from PIL import ImageFont

FONT_PACKAGE = "bot.media"
FONT_FILE = "fonts/DejaVuSans.ttf"
PLACEHOLDER = "◇"
MISSING = "\U0010fffd"  # a private-use character no font draws: its glyph is .notdef
PROBE_SIZE = 32
ZWJ = "\u200d"


@functools.cache
def _font_bytes() -> bytes:
    return resources.files(FONT_PACKAGE).joinpath(FONT_FILE).read_bytes()


@functools.lru_cache(maxsize=16)
def font(size: int) -> ImageFont.FreeTypeFont:
    """The bundled font at `size` pixels."""
    return ImageFont.truetype(io.BytesIO(_font_bytes()), size)


@functools.lru_cache(maxsize=4096)
def has_glyph(char: str) -> bool:
    """True when the font draws `char` as something other than its .notdef box."""
    probe = font(PROBE_SIZE)
    return _bitmap(probe, char) != _bitmap(probe, MISSING)


def _bitmap(probe: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = probe.getmask(char)
    return mask.size, bytes(mask)


def drawable(text: str) -> str:
    """`text` with every character the font lacks replaced, one placeholder per emoji."""
    out: list[str] = []
    joined = ""  # why the next lacking character belongs to the last placeholder, if it does
    for char in text:
        if _is_invisible(char):
            if char == ZWJ and out[-1:] == [PLACEHOLDER]:
                joined = "zwj"
            continue
        if char.isspace() or has_glyph(char):
            out.append(char)
            joined = ""
        elif joined == "zwj" or (joined == "flag" and _is_regional(char)):
            joined = ""
        else:
            out.append(PLACEHOLDER)
            joined = "flag" if _is_regional(char) else ""  # a flag is two regional letters
    return "".join(out)


def _is_invisible(char: str) -> bool:
    """Parts of emoji sequences that never show on their own."""
    code = ord(char)
    return (
        char in {ZWJ, "\u200c", "\u20e3"}
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0000 <= code <= 0xE01EF  # tags and more variation selectors
    )


def _is_regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF
