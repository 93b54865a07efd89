"""Every endpoint through the client, against the emulator: the right wire names go out, and
the URL that comes back holds the result asked for."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image

from bot.provider.runway_ai.client import RunwayAiClient
from sandbox.runway_ai import RunningRunwayAi
from tests.provider_runway_ai.conftest import KEY
from tests.sandbox_runway_ai.files import FileServer
from tests.sandbox_runway_ai.media import (
    Samples,
    frame_at,
    greyness,
    mean_rgb,
    sound_seconds,
    streams,
)


def last_request(emulator: RunningRunwayAi) -> Any:
    return emulator.state.requests[-1]


async def fetched(session: aiohttp.ClientSession, url: str) -> tuple[str, bytes]:
    async with session.get(url) as response:
        assert response.status == 200
        return response.content_type, await response.read()


async def picture(session: aiohttp.ClientSession, url: str) -> Image.Image:
    content_type, body = await fetched(session, url)
    assert content_type == "image/jpeg"
    with Image.open(io.BytesIO(body)) as image:
        return image.convert("RGB")


async def video_file(session: aiohttp.ClientSession, url: str, dest: Path) -> Path:
    content_type, body = await fetched(session, url)
    assert content_type == "video/mp4"
    await asyncio.to_thread(dest.write_bytes, body)
    return dest


async def test_generate_image(
    client: RunwayAiClient, emulator: RunningRunwayAi, session: aiohttp.ClientSession
) -> None:
    url = await client.generate_image("a fox in the snow", "sketch")

    assert url.startswith(f"{emulator.url}/images/")
    image = await picture(session, url)
    assert image.size == (160, 120)
    assert greyness(image) < 10  # pencil on white
    assert last_request(emulator).path == "/v1/generate-image"


async def test_edit_image_sends_filter_and_resize_under_the_apis_names(
    client: RunwayAiClient, files: FileServer, samples: Samples, session: aiohttp.ClientSession
) -> None:
    source = files.url(samples.photo)

    sepia = await picture(
        session, await client.edit_image(source, "add-filter", filter_name="sepia")
    )
    small = await picture(session, await client.edit_image(source, "resize", width=30))
    vivid = await picture(session, await client.edit_image(source, "color-adjust"))

    red, green, blue = mean_rgb(sepia)
    assert red > green > blue
    assert small.size == (30, 22)
    assert vivid.size == (120, 90)


async def test_add_text_to_image(
    client: RunwayAiClient, files: FileServer, samples: Samples, session: aiohttp.ClientSession
) -> None:
    url = await client.add_text_to_image(files.url(samples.photo), "Привет", "top-left", 20)
    with_text = await picture(session, url)
    with Image.open(samples.photo) as photo:
        original = photo.convert("RGB")
    corner = (0, 0, 60, 45)
    assert mean_rgb(with_text.crop(corner)) != pytest.approx(mean_rgb(original.crop(corner)), abs=3)


async def test_style_transfer(
    client: RunwayAiClient, files: FileServer, samples: Samples, session: aiohttp.ClientSession
) -> None:
    url = await client.style_transfer(files.url(samples.photo), files.url(samples.reference))
    styled = await picture(session, url)
    with Image.open(samples.reference) as reference:
        goal = mean_rgb(reference)
    assert styled.size == (120, 90)
    assert mean_rgb(styled) == pytest.approx(goal, abs=30)


async def test_generate_video(
    client: RunwayAiClient, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    url = await client.generate_video("a fox", 2, fps=5)
    info = await streams(await video_file(session, url, tmp_path / "v.mp4"))
    assert (info.video_codec, info.duration, info.fps) == ("h264", 2.0, 5)


async def test_image_to_video(
    client: RunwayAiClient,
    files: FileServer,
    samples: Samples,
    session: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    url = await client.image_to_video(files.url(samples.photo), 3)
    info = await streams(await video_file(session, url, tmp_path / "v.mp4"))
    assert (info.video_codec, info.duration) == ("h264", 3.0)


async def test_edit_video_trims(
    client: RunwayAiClient,
    files: FileServer,
    samples: Samples,
    session: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    url = await client.edit_video(files.url(samples.colours), "trim", start_time=0.5, end_time=1.0)
    info = await streams(await video_file(session, url, tmp_path / "v.mp4"))
    assert info.duration == pytest.approx(0.5, abs=0.15)


async def test_edit_video_filter_and_speed(
    client: RunwayAiClient,
    files: FileServer,
    samples: Samples,
    session: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    source = files.url(samples.colours)
    grey = await client.edit_video(source, "add-filter", filter_name="black-and-white")
    fast = await client.edit_video(source, "adjust-speed", speed_factor=2)

    fast_video = await video_file(session, fast, tmp_path / "f.mp4")
    grey_video = await video_file(session, grey, tmp_path / "g.mp4")

    assert (await streams(fast_video)).duration == pytest.approx(1, abs=0.15)
    assert greyness(await frame_at(grey_video, 0.5, tmp_path / "g.png")) < 6


async def test_video_filter(
    client: RunwayAiClient,
    files: FileServer,
    samples: Samples,
    session: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    url = await client.video_filter(files.url(samples.colours), "vintage")
    info = await streams(await video_file(session, url, tmp_path / "v.mp4"))
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")


async def test_speed_adjust_keeps_sound_in_step(
    client: RunwayAiClient,
    files: FileServer,
    samples: Samples,
    session: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    url = await client.speed_adjust(files.url(samples.colours), 0.5)
    video = await video_file(session, url, tmp_path / "v.mp4")
    assert (await streams(video)).duration == pytest.approx(4, abs=0.15)
    assert await sound_seconds(video, tmp_path) == pytest.approx(4, abs=0.15)


async def test_resize_video(
    client: RunwayAiClient,
    files: FileServer,
    samples: Samples,
    session: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    url = await client.resize_video(files.url(samples.colours), 48, 32)
    info = await streams(await video_file(session, url, tmp_path / "v.mp4"))
    assert (info.width, info.height) == (48, 32)


async def test_generate_thumbnail(
    client: RunwayAiClient, files: FileServer, samples: Samples, session: aiohttp.ClientSession
) -> None:
    thumb = await picture(session, await client.generate_thumbnail(files.url(samples.colours), 1.5))
    red, _, blue = mean_rgb(thumb)
    assert blue > red  # the second second is blue


async def test_extract_audio(
    client: RunwayAiClient,
    files: FileServer,
    samples: Samples,
    session: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    url = await client.extract_audio(files.url(samples.colours))
    content_type, body = await fetched(session, url)
    await asyncio.to_thread((tmp_path / "a.mp3").write_bytes, body)
    assert content_type == "audio/mpeg"
    assert await sound_seconds(tmp_path / "a.mp3", tmp_path) == pytest.approx(2, abs=0.1)


async def test_image_metadata(client: RunwayAiClient, files: FileServer, samples: Samples) -> None:
    info = await client.image_metadata(files.url(samples.photo))
    assert (info.kind, info.width, info.height, info.format) == ("photo", 120, 90, "png")
    assert info.size_bytes == pytest.approx(samples.photo.stat().st_size, rel=0.05)
    assert info.created_at is not None and info.created_at.endswith("Z")


async def test_video_metadata(client: RunwayAiClient, files: FileServer, samples: Samples) -> None:
    info = await client.video_metadata(files.url(samples.colours))
    assert (info.kind, info.duration, info.width, info.height) == ("video", 2.0, 96, 64)
    assert (info.fps, info.has_audio) == (8.0, True)
    assert info.size_bytes == pytest.approx(samples.colours.stat().st_size, rel=0.05)


async def test_delete_media_sends_the_key_in_the_body_and_the_result_is_gone(
    client: RunwayAiClient, emulator: RunningRunwayAi, session: aiohttp.ClientSession
) -> None:
    url = await client.generate_image("to be forgotten")

    message = await client.delete_media(url)

    assert message == "Media successfully deleted"
    async with session.get(url) as response:
        assert response.status == 404
    record = last_request(emulator)
    assert (record.method, record.path, record.status) == ("DELETE", "/v1/delete-media", 200)
    assert KEY not in str(record.as_json())
