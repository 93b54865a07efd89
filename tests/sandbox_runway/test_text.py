"""Text in the emulator's videos: the bundled font for Latin and Cyrillic, a placeholder for
what it lacks (never a .notdef box), and each clip with its own prompt only."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image, ImageChops, ImageDraw

from sandbox.runway import fonts
from tests.sandbox_runway.frames import alike, glyphs, ink, inked, is_box
from tests.sandbox_runway.helpers import download, submit, upload, wait_runway

GENERATE = "/api/v1/runway/generate"
EXTEND = "/api/v1/runway/extend"
DARK = (16, 24, 32)


@pytest.fixture
async def dark_image(api: aiohttp.ClientSession, tmp_path: Path) -> str:
    """A plain dark 16:9 still: its videos show nothing bright but their text."""
    path = tmp_path / "dark.png"
    Image.new("RGB", (160, 90), DARK).save(path)
    return await upload(api, path, "image/png")


async def cover_text(
    api: aiohttp.ClientSession, tmp_path: Path, body: dict[str, Any], path: str = GENERATE
) -> Image.Image:
    """The ink in the top third of a finished task's first frame, where its prompt is."""
    data = await wait_runway(api, await submit(api, path, body))
    assert data["state"] == "success", data
    cover = await download(api, data["videoInfo"]["imageUrl"], tmp_path / f"{data['taskId']}.png")
    with Image.open(cover) as frame:
        return ink(frame.crop((0, 0, frame.width, frame.height // 3)))


def still(image_url: str, prompt: str) -> dict[str, Any]:
    return {"prompt": prompt, "imageUrl": image_url, "duration": 5, "quality": "720p"}


def test_the_box_detector_knows_the_fonts_notdef_box() -> None:
    """The check below can fail: a .notdef drawn in the same font is found to be a box."""
    frame = Image.new("RGB", (200, 60), DARK)
    ImageDraw.Draw(frame).text((10, 10), f"Ж {fonts.MISSING}", font=fonts.font(32), fill="white")
    letter, tofu = glyphs(ink(frame))
    assert is_box(tofu) and not is_box(letter)


async def test_cyrillic_letters_are_drawn_as_themselves(
    api: aiohttp.ClientSession, tmp_path: Path, dark_image: str
) -> None:
    text = await cover_text(api, tmp_path, still(dark_image, "Ж Щ Ю Я"))

    drawn = glyphs(text)

    assert len(drawn) == 4
    assert not any(is_box(glyph) for glyph in drawn)
    assert not any(alike(a, b) for i, a in enumerate(drawn) for b in drawn[i + 1 :])


async def test_emoji_become_one_neat_placeholder_each(
    api: aiohttp.ClientSession, tmp_path: Path, dark_image: str
) -> None:
    text = await cover_text(api, tmp_path, still(dark_image, "Ж 🚀 🦊 👨‍👩‍👧"))

    letter, *marks = glyphs(text)

    assert len(marks) == 3
    assert alike(marks[0], marks[1]) and alike(marks[1], marks[2])
    assert not is_box(marks[0]) and not alike(letter, marks[0])


def test_text_is_made_drawable_in_the_bundled_font() -> None:
    assert fonts.drawable("Привет, мир! ёЁ € → ✓") == "Привет, мир! ёЁ € → ✓"
    assert fonts.drawable("go 🚀, 👍🏽 👨‍👩‍👧 🇺🇦!") == "go ◇, ◇ ◇ ◇!"
    assert fonts.drawable("❤️ 1️⃣") == "❤ 1"  # the font has these; the selectors are dropped
    assert fonts.has_glyph(fonts.PLACEHOLDER)


async def test_an_extension_shows_its_own_prompt_and_not_its_parents(
    api: aiohttp.ClientSession, tmp_path: Path, dark_image: str
) -> None:
    long_prompt = " ".join(["the camera glides slowly over a quiet harbour at dawn"] * 4)
    parent = await wait_runway(api, await submit(api, GENERATE, still(dark_image, long_prompt)))
    extend = {"taskId": parent["taskId"], "prompt": "gulls rise", "quality": "720p"}

    parent_text, extension_text, fresh_text = await asyncio.gather(
        cover_text(api, tmp_path, still(dark_image, long_prompt)),
        cover_text(api, tmp_path, extend, EXTEND),
        cover_text(api, tmp_path, still(dark_image, "gulls rise")),
    )

    differ = inked(ImageChops.difference(extension_text, fresh_text))
    assert differ <= 0.02 * inked(fresh_text)  # just the new prompt, as a fresh video has it
    assert inked(ImageChops.difference(extension_text, parent_text)) > 0.5 * inked(parent_text)
