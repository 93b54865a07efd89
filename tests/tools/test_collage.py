"""A few results of the tool commands, made through the whole bot against the Runway AI emulator
and laid out as one picture: the README's docs/tools.png. `TOOLS_COLLAGE=docs/tools.png` writes
it there; otherwise it is built and checked only."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from sandbox.telegram import PRIVATE_CHAT_ID
from tests.chat.conftest import Message, Sandbox, StartSandbox
from tests.tools.conftest import AI_KNOBS, ROOMY, picture_size, result_of, saved

CHAT = PRIVATE_CHAT_ID
FONT = Path(__file__).resolve().parents[2] / "bot" / "media" / "fonts" / "DejaVuSans.ttf"
TILE = (320, 240)
LABEL = 34
GAP = 12
KNOBS = dataclasses.replace(AI_KNOBS, image_width=480, image_height=360, video_short_side=240)


async def _made(sandbox: Sandbox, request: Message, kind: str, dest: Path) -> tuple[Message, Path]:
    result = await result_of(sandbox, CHAT, request, kind, timeout=60)
    return result, await saved(sandbox, result, dest)


async def _tiles(sandbox: Sandbox, tmp: Path) -> list[tuple[str, Path]]:
    client = sandbox.client
    tiles: list[tuple[str, Path]] = []
    first = "/image a lighthouse on a cliff --style photorealistic"
    photo, path = await _made(sandbox, await client.send_text(CHAT, first), "photo", tmp / "a.jpg")
    tiles.append((first.split(" --")[0] + " …", path))
    for style in ("sketch", "abstract"):
        command = f"/image a lighthouse on a cliff --style {style}"
        _, other = await _made(
            sandbox, await client.send_text(CHAT, command), "photo", tmp / f"{style}.jpg"
        )
        tiles.append((f"--style {style}", other))
    for command, name in (
        ("/edit add-filter --filter sepia", "sepia.jpg"),
        ('/text "Greetings" --pos center --size 40', "text.jpg"),
    ):
        request = await client.send_text(CHAT, command, reply_to=photo["message_id"])
        tiles.append(
            (command.split(" --size")[0], (await _made(sandbox, request, "photo", tmp / name))[1])
        )
    clip_request = await client.send_text(CHAT, "/video waves against the rocks")
    clip, _ = await _made(sandbox, clip_request, "video", tmp / "clip.mp4")
    thumb = await client.send_text(CHAT, "/thumb 3", reply_to=clip["message_id"])
    tiles.append(
        ("/video … then /thumb 3", (await _made(sandbox, thumb, "photo", tmp / "t.jpg"))[1])
    )
    return tiles


def collage(tiles: list[tuple[str, Path]], columns: int = 3) -> Image.Image:
    rows = (len(tiles) + columns - 1) // columns
    width = columns * TILE[0] + (columns + 1) * GAP
    height = rows * (TILE[1] + LABEL) + (rows + 1) * GAP
    sheet = Image.new("RGB", (width, height), (24, 26, 31))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(FONT), 15)
    for n, (label, path) in enumerate(tiles):
        x = GAP + (n % columns) * (TILE[0] + GAP)
        y = GAP + (n // columns) * (TILE[1] + LABEL + GAP)
        with Image.open(path) as image:
            fitted = image.convert("RGB")
            fitted.thumbnail(TILE)
        sheet.paste(fitted, (x + (TILE[0] - fitted.width) // 2, y + (TILE[1] - fitted.height) // 2))
        draw.text((x + 4, y + TILE[1] + 8), label, font=font, fill=(230, 232, 236))
    return sheet


@pytest.mark.slow(
    "About 11 s: six results made through the whole bot (pictures, edits, a clip and its still), "
    "one after another in one private chat, then drawn into one sheet."
)
async def test_a_picture_of_a_few_results(start_sandbox: StartSandbox, tmp_path: Path) -> None:
    async with start_sandbox(runway_ai=KNOBS, video_engine="runway-ai", **ROOMY) as sandbox:
        tiles = await _tiles(sandbox, tmp_path)
    assert len(tiles) == 6
    sheet = await asyncio.to_thread(collage, tiles)
    assert sheet.size == (3 * TILE[0] + 4 * GAP, 2 * (TILE[1] + LABEL) + 3 * GAP)
    sizes = [await asyncio.to_thread(picture_size, path) for _, path in tiles]
    assert sizes[:5] == [(480, 360)] * 5  # the photos; the still is the clip's frame size
    target = os.environ.get("TOOLS_COLLAGE")
    if target:
        await asyncio.to_thread(sheet.save, target, optimize=True)
