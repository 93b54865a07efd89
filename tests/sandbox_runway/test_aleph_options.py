"""Aleph's options: seed (same seed and input, same colours), referenceImage (its colour tints
the result) and aspectRatio (21:9 is Aleph's alone)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image, ImageChops, ImageStat

from tests.sandbox_runway.helpers import (
    TEXT_BODY,
    download,
    envelope,
    set_knobs,
    submit,
    upload,
    wait_aleph,
    wait_runway,
)

ALEPH = "/api/v1/aleph/generate"
GENERATE = "/api/v1/runway/generate"


async def aleph_cover(
    api: aiohttp.ClientSession, tmp_path: Path, name: str, body: dict[str, Any]
) -> Image.Image:
    """The first frame of an Aleph result, without its text (the prompt box is cut off)."""
    info = await wait_aleph(api, await submit(api, ALEPH, body))
    assert info["successFlag"] == 1, info
    cover = await download(api, info["response"]["resultImageUrl"], tmp_path / f"{name}.png")
    with Image.open(cover) as image:
        frame = image.convert("RGB")
    return frame.crop((0, frame.height // 3, frame.width, frame.height))


def mean(image: Image.Image) -> list[float]:
    return list(ImageStat.Stat(image).mean)


@pytest.mark.slow(
    "About 5 s: a clip and five Aleph renders of it with ffmpeg, then a frame of each."
)
async def test_seed_fixes_the_colours_and_a_reference_image_tints_them(
    api: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await set_knobs(api, fps=2)  # colours need no smooth motion: a third of the frames
    source = await wait_runway(api, await submit(api, GENERATE, TEXT_BODY))
    red, blue = tmp_path / "red.png", tmp_path / "blue.jpg"
    Image.new("RGB", (32, 32), (230, 20, 20)).save(red)
    Image.new("RGB", (32, 32), (20, 20, 230)).save(blue)
    base = {"prompt": "neon", "videoUrl": source["videoInfo"]["videoUrl"], "aspectRatio": "1:1"}
    red_url = await upload(api, red, "image/png")
    blue_url = await upload(api, blue, "image/jpeg")

    bodies = {
        "first": {**base, "seed": 5},
        "again": {**base, "seed": 5},
        "other": {**base, "seed": 6},
        "reddish": {**base, "seed": 5, "referenceImage": red_url},
        "bluish": {**base, "seed": 5, "referenceImage": blue_url},
    }
    first, again, other, reddish, bluish = await asyncio.gather(
        *(aleph_cover(api, tmp_path, name, body) for name, body in bodies.items())
    )

    assert ImageChops.difference(first, again).getbbox() is None
    assert max(ImageStat.Stat(ImageChops.difference(first, other)).mean) > 5
    (r0, _, b0), (r1, _, b1), (r2, _, b2) = mean(first), mean(reddish), mean(bluish)
    assert r1 - r0 > 20 and b2 - b0 > 20  # each moves towards its reference's colour
    assert r1 - r2 > 40 and b2 - b1 > 40  # and the two differ only by that colour


async def test_21_9_is_for_aleph_only_and_unknown_ratios_are_refused(
    api: aiohttp.ClientSession,
) -> None:
    wide = await envelope(api, "POST", GENERATE, json={**TEXT_BODY, "aspectRatio": "21:9"})
    odd = await envelope(api, "POST", GENERATE, json={**TEXT_BODY, "aspectRatio": "2:1"})

    assert wide["code"] == 422
    assert "16:9, 4:3, 1:1, 3:4, 9:16" in wide["msg"] and "21:9" in wide["msg"]
    assert odd["code"] == 422


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"seed": "7"}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"uploadCn": "yes"}, "uploadCn"),
        ({"aspectRatio": "2:1"}, "21:9"),
        ({"referenceImage": 5}, "referenceImage"),
    ],
)
async def test_bad_aleph_options_are_refused(
    api: aiohttp.ClientSession, change: dict[str, Any], fragment: str
) -> None:
    body = {"prompt": "x", "videoUrl": "http://127.0.0.1:9/v.mp4", **change}
    reply = await envelope(api, "POST", ALEPH, json=body)
    assert reply["code"] == 422 and fragment in reply["msg"]


async def test_a_ratio_sent_with_an_image_must_still_be_valid(api: aiohttp.ClientSession) -> None:
    body = {**TEXT_BODY, "imageUrl": "http://127.0.0.1:9/cat.png", "aspectRatio": "21:9"}
    assert (await envelope(api, "POST", GENERATE, json=body))["code"] == 422
