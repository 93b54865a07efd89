"""The video endpoints make real H.264 MP4s (and MP3s, and JPEG thumbnails) whose length,
size, streams and pictures are what was asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image, ImageChops

from tests.sandbox_runway_ai.calls import call, download, made, picture, refused
from tests.sandbox_runway_ai.files import FileServer
from tests.sandbox_runway_ai.media import (
    Samples,
    decodes_cleanly,
    frame_at,
    frame_count,
    greyness,
    mean_rgb,
    sound_seconds,
    streams,
)


async def result(api: aiohttp.ClientSession, url: str, tmp_path: Path, name: str) -> Path:
    return await download(api, url, tmp_path / name)


async def test_generate_video_is_h264_of_the_duration_and_fps_asked(
    api: aiohttp.ClientSession, tmp_path: Path
) -> None:
    body = {"prompt": "a fox in the snow", "duration": 3, "fps": 10}
    url = await made(api, "/v1/generate-video", body, "video_url")
    video = await result(api, url, tmp_path, "v.mp4")
    info = await streams(video)

    assert (info.video_codec, info.pixel_format) == ("h264", "yuv420p")
    assert (info.width, info.height) == (114, 64)  # 16:9 at the knob's short side
    assert info.duration == pytest.approx(3, abs=0.05)
    assert await frame_count(video) == 30
    assert info.audio_codec is None
    assert await decodes_cleanly(video)


async def test_generate_video_moves_and_defaults_to_the_knobs_fps(
    api: aiohttp.ClientSession, tmp_path: Path
) -> None:
    url = await made(api, "/v1/generate-video", {"prompt": "go", "duration": 2}, "video_url")
    video = await result(api, url, tmp_path, "v.mp4")

    first = await frame_at(video, 0, tmp_path / "a.png")
    later = await frame_at(video, 1.2, tmp_path / "b.png")

    assert await frame_count(video) == 16  # 8 fps
    assert ImageChops.difference(first, later).getbbox() is not None


@pytest.mark.parametrize(
    "body",
    [
        {"prompt": "x"},
        {"prompt": "x", "duration": 0},
        {"prompt": "x", "duration": 61},
        {"prompt": "x", "duration": 2.5},
        {"prompt": "x", "duration": "5"},
        {"prompt": "x", "duration": 2, "fps": 0},
        {"prompt": "x", "duration": 2, "fps": 61},
        {"duration": 2},
    ],
)
async def test_a_bad_generate_video_request_is_refused(
    api: aiohttp.ClientSession, body: dict[str, object]
) -> None:
    message = await refused(api, "/v1/generate-video", body)
    named = "prompt" if "prompt" not in body else "fps" if "fps" in body else "duration"
    assert named in message


async def test_image_to_video_animates_the_photo_for_the_duration(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples, tmp_path: Path
) -> None:
    body = {"image_url": files.url(samples.photo), "duration": 2}
    video = await result(
        api, await made(api, "/v1/image-to-video", body, "video_url"), tmp_path, "v.mp4"
    )
    info = await streams(video)
    first = await frame_at(video, 0, tmp_path / "a.png")
    last = await frame_at(video, 1.8, tmp_path / "b.png")

    assert (info.video_codec, info.pixel_format) == ("h264", "yuv420p")
    assert (info.width, info.height) == (86, 64)  # the photo's 4:3 at the short side
    assert info.duration == pytest.approx(2, abs=0.05)
    assert ImageChops.difference(first, last).getbbox() is not None  # the zoom moves
    red, _, blue = mean_rgb(first)
    with Image.open(samples.photo) as photo:
        source_red, _, source_blue = mean_rgb(photo)
    assert abs(red - source_red) < 25 and abs(blue - source_blue) < 25  # it is the photo


async def trimmed(
    api: aiohttp.ClientSession, source: str, **times: float
) -> tuple[int, dict[str, Any]]:
    body = {"video_url": source, "edit_type": "trim", **times}
    return await call(api, "POST", "/v1/edit-video", json=body)


async def test_trim_keeps_the_span_asked_with_its_sound(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples, tmp_path: Path
) -> None:
    status, reply = await trimmed(api, files.url(samples.colours), start_time=1, end_time=2)
    assert status == 200, reply
    video = await result(api, reply["edited_video_url"], tmp_path, "t.mp4")
    info = await streams(video)

    assert info.duration == pytest.approx(1, abs=0.1)
    assert await sound_seconds(video, tmp_path) == pytest.approx(1, abs=0.1)
    red, _, blue = mean_rgb(await frame_at(video, 0.2, tmp_path / "f.png"))
    assert blue > 150 > red  # the second half of the source was blue


@pytest.mark.parametrize(
    ("times", "named"),
    [
        ({"start_time": 1, "end_time": 5}, "end_time 5 is past the end"),
        ({"start_time": 3}, "start_time 3 is past the end"),
        ({"start_time": 1, "end_time": 1}, "must be after start_time"),
        ({"start_time": 1.5, "end_time": 0.5}, "must be after start_time"),
        ({"start_time": -1}, "start_time"),
    ],
)
async def test_a_trim_that_does_not_fit_the_video_says_how_long_it_is(
    api: aiohttp.ClientSession,
    files: FileServer,
    samples: Samples,
    times: dict[str, float],
    named: str,
) -> None:
    status, reply = await trimmed(api, files.url(samples.colours), **times)
    assert status == 422
    message = reply["error"]["message"]
    assert named in message
    if "past" in named or "after" in named:
        assert "2.00 s long" in message


async def test_edit_video_filters_and_changes_speed_too(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples, tmp_path: Path
) -> None:
    source = files.url(samples.pattern)
    grey_body = {"video_url": source, "edit_type": "add-filter", "filter": "black-and-white"}
    fast_body = {"video_url": source, "edit_type": "adjust-speed", "speed_factor": 2}

    grey = await result(
        api, await made(api, "/v1/edit-video", grey_body, "edited_video_url"), tmp_path, "g.mp4"
    )
    fast = await result(
        api, await made(api, "/v1/edit-video", fast_body, "edited_video_url"), tmp_path, "f.mp4"
    )

    assert greyness(await frame_at(grey, 0.5, tmp_path / "g.png")) < 6
    assert (await streams(fast)).duration == pytest.approx(1, abs=0.15)


async def test_edit_video_needs_a_known_edit_type_and_its_parameter(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    source = files.url(samples.pattern)
    assert "trim, add-filter, adjust-speed" in await refused(
        api, "/v1/edit-video", {"video_url": source, "edit_type": "reverse"}
    )
    assert "speed_factor" in await refused(
        api, "/v1/edit-video", {"video_url": source, "edit_type": "adjust-speed"}
    )
    assert "filter" in await refused(
        api, "/v1/edit-video", {"video_url": source, "edit_type": "add-filter"}
    )


@pytest.mark.parametrize("name", ["vintage", "cinematic", "black-and-white"])
async def test_video_filter_changes_the_picture_and_keeps_the_length(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples, tmp_path: Path, name: str
) -> None:
    source = files.url(samples.colours)
    body = {"video_url": source, "filter": name}
    video = await result(
        api, await made(api, "/v1/video-filter", body, "filtered_video_url"), tmp_path, "v.mp4"
    )
    info = await streams(video)
    frame = await frame_at(video, 0.5, tmp_path / "f.png")

    assert (info.video_codec, info.pixel_format) == ("h264", "yuv420p")
    assert info.duration == pytest.approx(2, abs=0.1)
    assert info.audio_codec == "aac"  # the sound track is kept
    red, green, blue = mean_rgb(frame)
    assert not (red > 200 and green < 40 and blue < 40)  # no longer the pure red of the source
    if name == "black-and-white":
        assert greyness(frame) < 6
    if name == "cinematic":
        assert max(frame.crop((0, 0, frame.width, 4)).convert("L").tobytes()) < 40


async def test_an_unknown_video_filter_is_refused_with_the_valid_ones(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    message = await refused(
        api, "/v1/video-filter", {"video_url": files.url(samples.colours), "filter": "glow"}
    )
    assert "vintage" in message and "cinematic" in message and "black-and-white" in message


@pytest.mark.parametrize(("factor", "length"), [(2, 1.0), (0.5, 4.0), (0.25, 8.0)])
async def test_speed_adjust_changes_the_length_and_keeps_the_sound_in_step(
    api: aiohttp.ClientSession,
    files: FileServer,
    samples: Samples,
    tmp_path: Path,
    factor: float,
    length: float,
) -> None:
    body = {"video_url": files.url(samples.colours), "speed_factor": factor}
    url = await made(api, "/v1/speed-adjust", body, "adjusted_speed_video_url")
    video = await result(api, url, tmp_path, "s.mp4")
    info = await streams(video)

    assert info.duration == pytest.approx(length, abs=0.15)
    assert await sound_seconds(video, tmp_path) == pytest.approx(length, abs=0.15)
    assert info.fps == 8  # the source's frame rate
    half = await frame_at(video, length * 0.75, tmp_path / "f.png")
    assert mean_rgb(half)[2] > 150  # three quarters in: already the blue second half


async def test_speed_adjust_on_a_silent_video_works(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples, tmp_path: Path
) -> None:
    body = {"video_url": files.url(samples.pattern), "speed_factor": 4}
    url = await made(api, "/v1/speed-adjust", body, "adjusted_speed_video_url")
    info = await streams(await result(api, url, tmp_path, "s.mp4"))
    assert info.duration == pytest.approx(0.5, abs=0.15)
    assert info.audio_codec is None


@pytest.mark.parametrize("factor", [0.2, 4.5, "fast", None])
async def test_a_speed_outside_a_quarter_to_four_is_refused(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples, factor: object
) -> None:
    body = {"video_url": files.url(samples.colours), "speed_factor": factor}
    message = await refused(api, "/v1/speed-adjust", body)
    assert "speed_factor" in message and "0.25 to 4" in message


async def test_resize_video_gives_exactly_the_size_asked(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples, tmp_path: Path
) -> None:
    body = {"video_url": files.url(samples.colours), "new_width": 64, "new_height": 64}
    url = await made(api, "/v1/resize-video", body, "resized_video_url")
    video = await result(api, url, tmp_path, "r.mp4")
    info = await streams(video)

    assert (info.width, info.height, info.pixel_format) == (64, 64, "yuv420p")
    assert info.duration == pytest.approx(2, abs=0.1)
    frame = await frame_at(video, 0.2, tmp_path / "f.png")
    assert max(frame.crop((0, 0, 64, 6)).convert("L").tobytes()) < 30  # letterboxed, not stretched
    assert mean_rgb(frame.crop((0, 26, 64, 38)))[0] > 150


@pytest.mark.parametrize(
    ("sides", "named"),
    [
        ({"new_width": 65, "new_height": 64}, "even"),
        ({"new_width": 64}, "new_height"),
        ({"new_width": 8, "new_height": 64}, "new_width"),
        ({"new_width": 64, "new_height": 5000}, "new_height"),
    ],
)
async def test_a_bad_video_size_is_refused(
    api: aiohttp.ClientSession,
    files: FileServer,
    samples: Samples,
    sides: dict[str, int],
    named: str,
) -> None:
    body = {"video_url": files.url(samples.colours), **sides}
    assert named in await refused(api, "/v1/resize-video", body)


@pytest.mark.parametrize(("at", "colour"), [(0.4, "red"), (1.5, "blue"), (None, "red")])
async def test_a_thumbnail_is_the_frame_at_the_position(
    api: aiohttp.ClientSession,
    files: FileServer,
    samples: Samples,
    at: float | None,
    colour: str,
) -> None:
    body: dict[str, object] = {"video_url": files.url(samples.colours)}
    if at is not None:
        body["time_position"] = at
    thumb = await picture(api, await made(api, "/v1/generate-thumbnail", body, "thumbnail_url"))
    red, _, blue = mean_rgb(thumb)

    assert thumb.size == (96, 64)
    assert (red > blue) == (colour == "red")


async def test_a_thumbnail_past_the_end_is_refused_with_the_length(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    body = {"video_url": files.url(samples.colours), "time_position": 2}
    message = await refused(api, "/v1/generate-thumbnail", body)
    assert "time_position 2 is past the end" in message and "2.00 s long" in message


async def test_extract_audio_is_an_mp3_as_long_as_the_video(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples, tmp_path: Path
) -> None:
    body = {"video_url": files.url(samples.colours)}
    url = await made(api, "/v1/extract-audio", body, "audio_url")
    async with api.get(url) as response:
        assert response.content_type == "audio/mpeg"
    audio = await result(api, url, tmp_path, "a.mp3")
    info = await streams(audio)

    assert url.endswith(".mp3")
    assert (info.audio_codec, info.video_codec) == ("mp3", None)
    assert await sound_seconds(audio, tmp_path) == pytest.approx(2, abs=0.1)


async def test_extract_audio_from_a_silent_video_says_it_has_no_sound(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    body = {"video_url": files.url(samples.pattern)}
    assert await refused(api, "/v1/extract-audio", body) == "the video has no audio track"


@pytest.mark.parametrize(
    "path",
    ["/v1/edit-video", "/v1/video-filter", "/v1/speed-adjust", "/v1/extract-audio"],
)
async def test_a_file_that_is_no_video_is_refused(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples, path: str
) -> None:
    junk = samples.photo.with_name("junk.mp4")
    junk.write_bytes(b"this is not a video at all")
    body = {
        "video_url": files.url(junk),
        "edit_type": "trim",
        "filter": "vintage",
        "speed_factor": 2,
    }
    assert "video_url is not a video" in await refused(api, path, body)
