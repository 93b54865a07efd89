"""The bundled font: Cyrillic drawn as letters, missing glyphs as one neat placeholder each."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from bot.domain.tools import TextOnPhoto
from bot.media.tools import text
from tests.media.media import save

FONT = ImageFont.truetype(str(text.FONT_PATH), 40, layout_engine=ImageFont.Layout.BASIC)
BOX = text.MISSING_PROBE  # mapped by no font: drawn as the .notdef box


def rendered(chars: str) -> bytes:
    image = Image.new("L", (200, 60))
    ImageDraw.Draw(image).text((5, 5), chars, font=FONT, fill=255)
    return image.tobytes()


def draw_on_grey(words: str, folder: Path, name: str) -> Image.Image:
    photo = save(Image.new("RGB", (300, 120), (128, 128, 128)), folder / "grey.png")
    dest = text.draw_text(TextOnPhoto(words, position="center"), photo, folder / f"{name}.jpg")
    with Image.open(dest) as image:
        return image.convert("RGB")


@pytest.mark.parametrize("char", list("ЖжЁёЩщЯяЪъ") + list("AzÄß€©№✓★♥"))
def test_cyrillic_latin_and_symbols_have_real_glyphs(char: str) -> None:
    assert text.has_glyph(char)
    assert rendered(char) != rendered(BOX)  # drawn as itself, not as the box
    assert any(rendered(char))  # and not as nothing


@pytest.mark.parametrize("char", ["🦊", "🚀", "中", "\U0001f3fd"])
def test_missing_glyphs_are_detected(char: str) -> None:
    assert not text.has_glyph(char)
    assert rendered(char) == rendered(BOX)  # what would be drawn without the placeholder


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Привет, мир!", "Привет, мир!"),
        ("Hi 🦊!", "Hi ☺!"),
        ("👍🏽 ok", "☺ ok"),  # emoji with a skin tone: one placeholder
        ("👨‍👩‍👧 family", "☺ family"),  # joined by ZWJ: one placeholder
        ("🇷🇺🇬🇧", "☺☺"),  # two flags, two placeholders
        ("❤️ love", "❤ love"),  # DejaVu has the heart: only the variation selector goes
        ("中文 text", "◌◌ text"),  # letters of a script the font lacks
        ("tab\there\x07", "tab here"),
        ("line one\nline two", "line one\nline two"),
    ],
)
def test_displayable_text(typed: str, shown: str) -> None:
    assert text.displayable(typed) == shown


def test_cyrillic_is_drawn_as_letters(tmp_path: Path) -> None:
    cyrillic = draw_on_grey("Жук", tmp_path, "cyrillic")
    latin = draw_on_grey("Zuk", tmp_path, "latin")
    grey = Image.new("RGB", cyrillic.size, (128, 128, 128))
    assert ImageChops.difference(cyrillic, grey).getbbox() is not None
    assert ImageChops.difference(cyrillic, latin).getbbox() is not None
    assert text.displayable("Жук") == "Жук"  # nothing replaced on the way


def test_an_emoji_is_drawn_as_the_placeholder(tmp_path: Path) -> None:
    emoji = draw_on_grey("Fox 🦊", tmp_path, "emoji")
    placeholder = draw_on_grey("Fox ☺", tmp_path, "placeholder")
    assert ImageChops.difference(emoji, placeholder).getbbox() is None
