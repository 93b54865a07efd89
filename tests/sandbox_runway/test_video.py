"""Rendered results are real videos: H.264 yuv420p, the right size and duration, moving."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image, ImageChops

from tests.sandbox_runway.helpers import (
    TEXT_BODY,
    decodes_cleanly,
    download,
    envelope,
    ffmpeg,
    probe,
    set_knobs,
    submit,
    upload,
    wait_runway,
)

GENERATE = "/api/v1/runway/generate"
EXTEND = "/api/v1/runway/extend"


async def render(
    api: aiohttp.ClientSession, body: dict[str, Any], path: str = GENERATE
) -> dict[str, Any]:
    data = await wait_runway(api, await submit(api, path, body))
    assert data["state"] == "success", data
    return data


@pytest.mark.parametrize(
    ("ratio", "quality", "duration", "size"),
    [("4:3", "720p", 10, (960, 720)), ("9:16", "1080p", 5, (1080, 1920))],
)
async def test_text_video_is_h264_yuv420p_of_the_requested_size_and_length(
    api: aiohttp.ClientSession,
    tmp_path: Path,
    ratio: str,
    quality: str,
    duration: int,
    size: tuple[int, int],
) -> None:
    body = {
        **TEXT_BODY,
        "aspectRatio": ratio,
        "quality": quality,
        "duration": duration,
        "waterMark": "studio",
    }
    data = await render(api, body)

    video = await download(api, data["videoInfo"]["videoUrl"], tmp_path / "v.mp4")
    info = await probe(video)

    assert (info.codec, info.pixel_format) == ("h264", "yuv420p")
    assert (info.width, info.height) == size
    assert info.duration == pytest.approx(duration, abs=0.05)


async def test_frame_scale_renders_smaller_frames_of_the_same_shape(
    api: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await set_knobs(api, frame_scale=0.25)
    picture = tmp_path / "photo.png"
    Image.new("RGB", (800, 600), (200, 80, 40)).save(picture)
    text = await render(api, {**TEXT_BODY, "aspectRatio": "16:9", "quality": "720p"})
    still = {**TEXT_BODY, "imageUrl": await upload(api, picture, "image/png")}
    del still["aspectRatio"]
    animated = await render(api, still)
    for data, size in ((text, (320, 180)), (animated, (240, 180))):
        info = await probe(await download(api, data["videoInfo"]["videoUrl"], tmp_path / "v.mp4"))
        assert (info.codec, info.width, info.height, info.duration) == ("h264", *size, 5.0)
    async with api.post("/_emulator/knobs", json={"frame_scale": 0}) as refused:
        assert refused.status == 400


async def test_files_are_served_with_type_length_and_head(
    api: aiohttp.ClientSession, tmp_path: Path
) -> None:
    data = await render(api, TEXT_BODY)
    video_url, cover_url = data["videoInfo"]["videoUrl"], data["videoInfo"]["imageUrl"]

    async with api.head(video_url) as head:
        assert head.status == 200
        assert head.content_type == "video/mp4"
        length = int(head.headers["Content-Length"])
    video = await download(api, video_url, tmp_path / "v.mp4")
    cover = await download(api, cover_url, tmp_path / "c.png")

    assert video.stat().st_size == length
    with Image.open(cover) as image:
        assert image.size == (1280, 720)
    async with api.get(cover_url) as response:
        assert response.content_type == "image/png"


async def test_the_scene_moves(api: aiohttp.ClientSession, tmp_path: Path) -> None:
    data = await render(api, TEXT_BODY)
    video = await download(api, data["videoInfo"]["videoUrl"], tmp_path / "v.mp4")

    first, last = tmp_path / "first.png", tmp_path / "last.png"
    await ffmpeg("-i", str(video), "-frames:v", "1", str(first))
    await ffmpeg("-sseof", "-0.2", "-i", str(video), "-update", "1", str(last))

    with Image.open(first) as a, Image.open(last) as b:
        assert ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is not None


@pytest.mark.parametrize(
    ("image_size", "quality", "video_size"),
    [((800, 600), "720p", (960, 720)), ((600, 800), "1080p", (1080, 1440))],
)
async def test_image_to_video_keeps_the_images_aspect_ratio(
    api: aiohttp.ClientSession,
    tmp_path: Path,
    image_size: tuple[int, int],
    quality: str,
    video_size: tuple[int, int],
) -> None:
    picture = tmp_path / "photo.png"
    Image.new("RGB", image_size, (200, 80, 40)).save(picture)
    body = {**TEXT_BODY, "quality": quality, "imageUrl": await upload(api, picture, "image/png")}
    del body["aspectRatio"]

    data = await render(api, body)
    info = await probe(await download(api, data["videoInfo"]["videoUrl"], tmp_path / "v.mp4"))

    assert data["generateParam"]["imageUrl"] == body["imageUrl"]
    assert (info.width, info.height, info.duration) == (*video_size, 5.0)


async def test_a_file_that_is_no_image_fails_the_task(
    api: aiohttp.ClientSession, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image")
    body = {**TEXT_BODY, "imageUrl": await upload(api, junk, "image/png")}

    data = await wait_runway(api, await submit(api, GENERATE, body))

    assert (data["state"], data["failCode"], data["failMsg"]) == (
        "fail",
        400,
        "get image info failed.",
    )


async def test_extend_continues_the_parent_in_its_aspect_ratio(
    api: aiohttp.ClientSession, tmp_path: Path
) -> None:
    parent = await render(api, {**TEXT_BODY, "aspectRatio": "3:4"})
    body = {
        "taskId": parent["taskId"],
        "prompt": "the cat jumps",
        "quality": "1080p",
        "waterMark": "",
    }

    data = await render(api, body, EXTEND)
    info = await probe(await download(api, data["videoInfo"]["videoUrl"], tmp_path / "v.mp4"))

    assert data["parentTaskId"] == parent["taskId"]
    assert (info.width, info.height, info.duration) == (1080, 1440, 5.0)


@pytest.mark.parametrize("parent", ["unknown", "failed"])
async def test_extend_needs_a_known_successful_task(
    api: aiohttp.ClientSession, parent: str
) -> None:
    task_id = "nope"
    if parent == "failed":
        task_id = await submit(api, GENERATE, {**TEXT_BODY, "prompt": "x [[fail]]"})
        await wait_runway(api, task_id)
    reply = await envelope(
        api, "POST", EXTEND, json={"taskId": task_id, "prompt": "go", "quality": "720p"}
    )
    assert reply["code"] == 422
    assert task_id in reply["msg"]


async def test_padding_makes_big_files_that_still_decode(
    api: aiohttp.ClientSession, tmp_path: Path
) -> None:
    await set_knobs(api, min_video_bytes=3_000_000)

    data = await render(api, TEXT_BODY)
    video = await download(api, data["videoInfo"]["videoUrl"], tmp_path / "v.mp4")

    assert video.stat().st_size >= 3_000_000
    assert video.read_bytes()[-3_000:] == b"\0" * 3_000
    assert (await probe(video)).duration == 5.0
    assert await decodes_cleanly(video)
