"""Inputs the provider refuses: images that are not JPG or PNG or are over 10 MB, large Aleph
videos, and extend with a task id it does not know as a Runway task."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from PIL import Image

from sandbox.runway import RunningRunway
from sandbox.runway.catalog import IMAGE_FORMAT_MSG
from tests.sandbox_runway.helpers import (
    control,
    envelope,
    set_knobs,
    submit,
    upload,
    wait_runway,
)

GENERATE = "/api/v1/runway/generate"
ALEPH = "/api/v1/aleph/generate"
EXTEND = "/api/v1/runway/extend"
QUICK = {"prompt": "a still comes alive [[fail]]", "duration": 5, "quality": "720p"}


def picture(tmp_path: Path, image_format: str, suffix: str) -> Path:
    path = tmp_path / f"photo{suffix}"
    Image.new("RGB", (64, 48), (200, 80, 40)).save(path, format=image_format)
    return path


@pytest.mark.parametrize(
    ("image_format", "suffix", "mime"),
    [("WEBP", ".webp", "image/webp"), ("GIF", ".gif", "image/gif"), ("BMP", ".png", "image/png")],
)
async def test_images_other_than_jpg_and_png_are_refused(
    api: aiohttp.ClientSession,
    runway: RunningRunway,
    tmp_path: Path,
    image_format: str,
    suffix: str,
    mime: str,
) -> None:
    url = await upload(api, picture(tmp_path, image_format, suffix), mime)

    reply = await envelope(api, "POST", GENERATE, json={**QUICK, "imageUrl": url})

    assert reply["code"] == 422
    assert "Incorrect image format" in reply["msg"] and image_format in reply["msg"]
    assert runway.state.tasks == {}
    [made] = (await control(api, "submissions"))["submissions"]
    assert (made["code"], made["taskId"]) == (422, None)


@pytest.mark.parametrize(("image_format", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png")])
async def test_jpg_and_png_are_taken(
    api: aiohttp.ClientSession, tmp_path: Path, image_format: str, mime: str
) -> None:
    url = await upload(api, picture(tmp_path, image_format, ".img"), mime)
    assert (await envelope(api, "POST", GENERATE, json={**QUICK, "imageUrl": url}))["code"] == 200


async def test_a_wrong_format_can_fail_the_task_instead(
    api: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await set_knobs(api, input_refusal="task")
    url = await upload(api, picture(tmp_path, "WEBP", ".webp"), "image/webp")
    body = {**QUICK, "prompt": "a still comes alive", "imageUrl": url}

    data = await wait_runway(api, await submit(api, GENERATE, body))

    assert (data["state"], data["failCode"], data["failMsg"]) == ("fail", 400, IMAGE_FORMAT_MSG)


async def test_images_over_ten_megabytes_are_refused(
    api: aiohttp.ClientSession, runway: RunningRunway, tmp_path: Path
) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (10 * 1024 * 1024))
    url = await upload(api, big, "image/png")

    reply = await envelope(api, "POST", GENERATE, json={**QUICK, "imageUrl": url})

    assert reply["code"] == 422
    assert "imageUrl is too large" in reply["msg"] and "10 MB" in reply["msg"]
    assert runway.state.tasks == {}


async def test_an_aleph_reference_image_must_be_jpg_or_png(
    api: aiohttp.ClientSession, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"any video")
    video = await upload(api, clip, "video/mp4", "telegram/videos")
    reference = await upload(api, picture(tmp_path, "WEBP", ".webp"), "image/webp")
    body = {"prompt": "x", "videoUrl": video, "referenceImage": reference}

    reply = await envelope(api, "POST", ALEPH, json=body)

    assert reply["code"] == 422 and "referenceImage is WEBP" in reply["msg"]


async def aleph_task(api: aiohttp.ClientSession, tmp_path: Path) -> str:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"a video the failing task never reads")
    video = await upload(api, clip, "video/mp4", "telegram/videos")
    return await submit(api, ALEPH, {"prompt": "x [[fail]]", "videoUrl": video})


@pytest.mark.parametrize("code", [422, 404])
async def test_extend_knows_only_runway_tasks(
    api: aiohttp.ClientSession, runway: RunningRunway, tmp_path: Path, code: int
) -> None:
    await set_knobs(api, extend_not_found_code=code)
    aleph_id = await aleph_task(api, tmp_path)
    body = {"taskId": aleph_id, "prompt": "go on", "quality": "720p"}

    for task_id in (aleph_id, "no-such-task"):
        reply = await envelope(api, "POST", EXTEND, json={**body, "taskId": task_id})
        assert reply["code"] == code
        assert reply["msg"].startswith("task not found") and task_id in reply["msg"]
    assert list(runway.state.tasks) == [aleph_id]
