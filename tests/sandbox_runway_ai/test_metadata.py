"""image-metadata and video-metadata tell the truth about the file at the URL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from tests.sandbox_runway_ai.calls import call, made
from tests.sandbox_runway_ai.files import FileServer
from tests.sandbox_runway_ai.media import Samples

SIZE = re.compile(r"^(\d+(?:\.\d)?)(B|KB|MB|GB)$")
SCALE = {"B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}


def size_in_bytes(text: str) -> float:
    found = SIZE.match(text)
    assert found, text
    return float(found.group(1)) * SCALE[found.group(2)]


def recent(stamp: str) -> bool:
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return abs(datetime.now(UTC) - moment) < timedelta(minutes=5)


async def test_image_metadata_of_a_result(api: aiohttp.ClientSession, tmp_path: Path) -> None:
    url = await made(api, "/v1/generate-image", {"prompt": "a fox"}, "image_url")
    async with api.get(url) as response:
        length = len(await response.read())

    status, meta = await call(api, "GET", "/v1/image-metadata", params={"image_url": url})

    assert status == 200, meta
    assert meta["image_id"] == url.rsplit("/", 1)[1].removesuffix(".jpg")
    assert (meta["width"], meta["height"]) == (160, 120)
    assert size_in_bytes(meta["size"]) == pytest.approx(length, rel=0.05)
    assert recent(meta["created_at"])


async def test_image_metadata_of_a_file_elsewhere(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    url = files.url(samples.photo)
    status, meta = await call(api, "GET", "/v1/image-metadata", params={"image_url": url})

    assert status == 200, meta
    assert (meta["image_id"], meta["width"], meta["height"]) == ("photo", 120, 90)
    assert size_in_bytes(meta["size"]) == pytest.approx(samples.photo.stat().st_size, rel=0.05)
    assert meta["format"] == "png"
    assert recent(meta["created_at"])


async def test_video_metadata_tells_duration_size_and_streams(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    url = files.url(samples.colours)
    status, meta = await call(api, "GET", "/v1/video-metadata", params={"video_url": url})

    assert status == 200, meta
    assert meta["video_id"] == "colours"
    assert meta["duration"] == "2s"
    assert size_in_bytes(meta["size"]) == pytest.approx(samples.colours.stat().st_size, rel=0.05)
    assert (meta["width"], meta["height"], meta["fps"]) == (96, 64, 8)
    assert meta["has_audio"] is True
    assert recent(meta["created_at"])


async def test_video_metadata_of_a_generated_clip(api: aiohttp.ClientSession) -> None:
    url = await made(
        api, "/v1/generate-video", {"prompt": "x", "duration": 3, "fps": 5}, "video_url"
    )
    _, meta = await call(api, "GET", "/v1/video-metadata", params={"video_url": url})
    assert (meta["duration"], meta["fps"], meta["has_audio"]) == ("3s", 5, False)


@pytest.mark.parametrize(
    ("path", "field"), [("/v1/image-metadata", "image_url"), ("/v1/video-metadata", "video_url")]
)
async def test_metadata_needs_its_url(api: aiohttp.ClientSession, path: str, field: str) -> None:
    status, reply = await call(api, "GET", path)
    assert status == 422
    assert field in reply["error"]["message"]


async def test_metadata_of_a_file_of_the_other_kind_is_refused(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    photo, video = files.url(samples.photo), files.url(samples.pattern)
    status, reply = await call(api, "GET", "/v1/image-metadata", params={"image_url": video})
    assert (status, reply["error"]["message"][:24]) == (422, "image_url is not an imag")
    status, reply = await call(api, "GET", "/v1/video-metadata", params={"video_url": photo})
    assert (status, reply["error"]["message"][:24]) == (422, "video_url is not a video")


async def test_metadata_of_a_missing_file_says_it_could_not_be_fetched(
    api: aiohttp.ClientSession, files: FileServer
) -> None:
    url = f"{files.base_url}/media/nothing-here.jpg"
    status, reply = await call(api, "GET", "/v1/image-metadata", params={"image_url": url})
    assert status == 422
    assert reply["error"]["message"] == "image_url could not be fetched: it answered HTTP 404"
