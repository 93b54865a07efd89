"""The video tools on real clips, each result measured by decoding it."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from PIL import Image

from bot.domain.errors import UserError
from bot.domain.tools import (
    ChangeSpeed,
    ExtractAudio,
    FilterVideo,
    ResizeVideo,
    ResultKind,
    Thumbnail,
    ToolOutput,
    ToolRequest,
    TrimVideo,
    VideoFilterName,
)
from bot.media.probe import probe_video
from bot.media.tools import LocalTools
from bot.media.tools.videos import atempo_chain
from tests.media.media import (
    audio_seconds,
    colourful,
    frame,
    header,
    inputs,
    make_video,
    save,
    video_seconds,
)


async def run(tools: LocalTools, request: ToolRequest, clip: Path, workdir: Path) -> Path:
    output = await tools.run(request, inputs(clip), workdir)
    return video_path(output)


def video_path(output: ToolOutput) -> Path:
    assert output.kind is ResultKind.VIDEO
    assert output.path is not None and output.path.suffix == ".mp4"
    return output.path


def assert_playable_mp4(path: Path, sound: bool) -> None:
    """H.264 in yuv420p, AAC when there is sound, moov before mdat (+faststart)."""
    info = header(path)
    assert "Video: h264" in info and "yuv420p" in info
    assert ("Audio: aac" in info) is sound
    data = path.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")


async def refused(tools: LocalTools, request: ToolRequest, clip: Path, workdir: Path) -> UserError:
    with pytest.raises(UserError) as caught:
        await tools.run(request, inputs(clip), workdir)
    return caught.value


# -- trim --------------------------------------------------------------------------------------


async def test_trim_keeps_the_span(tools: LocalTools, sound_clip: Path, tmp_path: Path) -> None:
    result = await run(tools, TrimVideo(0.5, 2.0), sound_clip, tmp_path)
    assert video_seconds(result) == pytest.approx(1.5, abs=0.08)
    assert audio_seconds(result) == pytest.approx(1.5, abs=0.08)
    assert_playable_mp4(result, sound=True)


async def test_trim_to_the_end_by_a_hair(
    tools: LocalTools, silent_clip: Path, tmp_path: Path
) -> None:
    result = await run(tools, TrimVideo(2.0, 3.04), silent_clip, tmp_path)
    assert video_seconds(result) == pytest.approx(1.0, abs=0.08)
    assert_playable_mp4(result, sound=False)


async def test_trim_past_the_end_is_refused(
    tools: LocalTools, silent_clip: Path, tmp_path: Path
) -> None:
    error = await refused(tools, TrimVideo(1, 4.2), silent_clip, tmp_path)
    assert (error.key, error.params) == ("tool.trim_past_end", {"duration": "3", "end": "4.2"})
    error = await refused(tools, TrimVideo(3, 3.5), silent_clip, tmp_path)
    assert error.key == "tool.trim_past_end"


@pytest.mark.parametrize(("start", "end"), [(2, 1), (1, 1), (-1, 2), (1, 1.05), (math.nan, 2)])
async def test_trim_out_of_order_is_refused(
    tools: LocalTools, silent_clip: Path, tmp_path: Path, start: float, end: float
) -> None:
    error = await refused(tools, TrimVideo(start, end), silent_clip, tmp_path)
    assert error.key == "tool.trim_order"
    assert error.params["min_length"] == "0.1"


# -- filters -----------------------------------------------------------------------------------


async def test_black_and_white_video(tools: LocalTools, sound_clip: Path, tmp_path: Path) -> None:
    result = await run(tools, FilterVideo("black-and-white"), sound_clip, tmp_path)
    assert_playable_mp4(result, sound=True)
    picture = frame(result)
    data = picture.tobytes()
    assert max(max(data[i : i + 3]) - min(data[i : i + 3]) for i in range(0, len(data), 3)) <= 6
    assert max(frame(sound_clip).tobytes()) > 200  # the source was colourful


@pytest.mark.parametrize("name", ["vintage", "cinematic"])
async def test_looks_change_the_picture(
    tools: LocalTools, silent_clip: Path, tmp_path: Path, name: VideoFilterName
) -> None:
    result = await run(tools, FilterVideo(name), silent_clip, tmp_path)
    assert_playable_mp4(result, sound=False)
    before, after = frame(silent_clip).tobytes(), frame(result).tobytes()
    mean_change = sum(abs(a - b) for a, b in zip(before, after, strict=True)) / len(before)
    assert mean_change > 8
    assert video_seconds(result) == pytest.approx(3.0, abs=0.08)


async def test_an_odd_sized_clip_comes_out_even(tools: LocalTools, tmp_path: Path) -> None:
    odd = make_video(
        tmp_path / "odd.mkv",
        seconds=1,
        size="161x121",
        audio=False,
        encode=("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p"),
    )
    result = await run(tools, FilterVideo("vintage"), odd, tmp_path)
    probe = await probe_video(result)
    assert probe is not None and (probe.info.width, probe.info.height) == (160, 120)


# -- speed -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("factor", "seconds"), [(2, 1.5), (0.5, 6.0), (4, 0.75), (0.25, 12.0)])
async def test_speed_keeps_the_sound_in_step(
    tools: LocalTools, sound_clip: Path, tmp_path: Path, factor: float, seconds: float
) -> None:
    result = await run(tools, ChangeSpeed(factor), sound_clip, tmp_path)
    assert video_seconds(result) == pytest.approx(seconds, abs=0.1)
    assert audio_seconds(result) == pytest.approx(seconds, abs=0.1)
    probe = await probe_video(result)
    assert probe is not None and probe.info.fps == 25  # the source's frame rate


async def test_speed_without_sound(tools: LocalTools, silent_clip: Path, tmp_path: Path) -> None:
    result = await run(tools, ChangeSpeed(1.5), silent_clip, tmp_path)
    assert video_seconds(result) == pytest.approx(2.0, abs=0.08)
    assert_playable_mp4(result, sound=False)


@pytest.mark.parametrize("factor", [0, -1, 0.2, 4.5, math.inf, math.nan])
async def test_speed_out_of_range_is_refused(
    tools: LocalTools, silent_clip: Path, tmp_path: Path, factor: float
) -> None:
    error = await refused(tools, ChangeSpeed(factor), silent_clip, tmp_path)
    assert error.key == "tool.speed_range"
    assert (error.params["min"], error.params["max"]) == ("0.25", "4")


def test_atempo_steps_stay_in_its_best_range() -> None:
    assert atempo_chain(4) == "atempo=2,atempo=2"
    assert atempo_chain(0.25) == "atempo=0.5,atempo=0.5"
    assert atempo_chain(3) == "atempo=2,atempo=1.5"
    assert atempo_chain(0.75) == "atempo=0.75"


# -- resize ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("asked", "made"), [((96, 64), (96, 64)), ((101, 61), (100, 60))])
async def test_resize(
    tools: LocalTools,
    sound_clip: Path,
    tmp_path: Path,
    asked: tuple[int, int],
    made: tuple[int, int],
) -> None:
    result = await run(tools, ResizeVideo(*asked), sound_clip, tmp_path)
    probe = await probe_video(result)
    assert probe is not None and (probe.info.width, probe.info.height) == made
    assert_playable_mp4(result, sound=True)
    assert audio_seconds(result) == pytest.approx(3.0, abs=0.08)


@pytest.mark.parametrize("size", [(4097, 100), (100, 5000), (15, 100), (100, 0)])
async def test_resize_out_of_range_is_refused(
    tools: LocalTools, silent_clip: Path, tmp_path: Path, size: tuple[int, int]
) -> None:
    error = await refused(tools, ResizeVideo(*size), silent_clip, tmp_path)
    assert error.key == "tool.size_range"
    assert (error.params["min"], error.params["max"]) == (16, 4096)


# -- thumbnail and sound -----------------------------------------------------------------------


@pytest.mark.parametrize("at", [0.0, 1.2, 3.0])
async def test_thumbnail(tools: LocalTools, sound_clip: Path, tmp_path: Path, at: float) -> None:
    output = await tools.run(Thumbnail(at), inputs(sound_clip), tmp_path)
    assert output.kind is ResultKind.PHOTO and output.path is not None
    with Image.open(output.path) as picture:
        assert (picture.format, picture.size) == ("JPEG", (160, 120))


async def test_thumbnails_show_their_moment(
    tools: LocalTools, sound_clip: Path, tmp_path: Path
) -> None:
    shots = []
    for at in (0.2, 2.2):
        output = await tools.run(Thumbnail(at), inputs(sound_clip), tmp_path)
        assert output.path is not None
        with Image.open(output.path) as picture:
            shots.append(picture.convert("RGB").tobytes())
    assert shots[0] != shots[1]  # testsrc's counter and bars move


@pytest.mark.parametrize("at", [3.5, -1.0])
async def test_thumbnail_outside_the_video_is_refused(
    tools: LocalTools, silent_clip: Path, tmp_path: Path, at: float
) -> None:
    error = await refused(tools, Thumbnail(at), silent_clip, tmp_path)
    assert error.key == "tool.thumb_past_end"
    assert error.params["duration"] == "3"


async def test_sound_as_mp3(tools: LocalTools, sound_clip: Path, tmp_path: Path) -> None:
    output = await tools.run(ExtractAudio(), inputs(sound_clip), tmp_path)
    assert output.kind is ResultKind.AUDIO and output.path is not None
    assert output.path.suffix == ".mp3"
    assert "Audio: mp3" in header(output.path)
    assert audio_seconds(output.path) == pytest.approx(3.0, abs=0.1)


async def test_sound_of_a_silent_clip_is_refused(
    tools: LocalTools, silent_clip: Path, tmp_path: Path
) -> None:
    error = await refused(tools, ExtractAudio(), silent_clip, tmp_path)
    assert (error.key, error.params) == ("tool.no_audio", {})


@pytest.mark.parametrize(
    "request_",
    [
        TrimVideo(0, 1),
        FilterVideo("vintage"),
        ChangeSpeed(2),
        ResizeVideo(64, 64),
        Thumbnail(),
        ExtractAudio(),
    ],
    ids=lambda request: type(request).__name__,
)
async def test_video_tools_on_a_photo_are_refused(
    tools: LocalTools, tmp_path: Path, request_: ToolRequest
) -> None:
    photo = save(colourful(), tmp_path / "photo.jpg")
    error = await refused(tools, request_, photo, tmp_path)
    assert error.key == "tool.needs_video"
