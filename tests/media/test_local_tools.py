"""LocalTools as a whole: what it supports, /info, failures, its process limit and time limit."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.domain.errors import FeatureDisabledError, GenerationFailedError, UserError
from bot.domain.tools import (
    AnimatePhoto,
    ChangeSpeed,
    DescribeMedia,
    EditPhoto,
    ExtractAudio,
    FilterVideo,
    ForgetMedia,
    GeneratePicture,
    GenerateVideo,
    MediaInfo,
    ResizeVideo,
    ResultKind,
    TextOnPhoto,
    Thumbnail,
    ToolInputs,
    ToolRequest,
    TransferStyle,
    TrimVideo,
)
from bot.media.ffmpeg import ToolFailedError, run_ffmpeg
from bot.media.tools import LocalTools
from tests.media.media import colourful, inputs, make_video, save, size_of
from tests.support import eventually, running_task

LOCAL: list[ToolRequest] = [
    EditPhoto("color-adjust"),
    TextOnPhoto("hi"),
    TrimVideo(0, 1),
    FilterVideo("vintage"),
    ChangeSpeed(2),
    ResizeVideo(64, 64),
    Thumbnail(),
    ExtractAudio(),
    DescribeMedia(),
]
PROVIDER: list[ToolRequest] = [
    GeneratePicture("a fox"),
    GenerateVideo("a fox"),
    AnimatePhoto(),
    TransferStyle(),
    ForgetMedia("https://example.invalid/x.mp4"),
]


def ffmpeg_children() -> int:
    """Live ffmpeg processes started by this test process (from /proc, so nothing is mocked)."""
    pids: set[str] = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            pids.update((task / "children").read_text().split())
        except OSError:
            continue
    count = 0
    for pid in pids:
        try:
            count += b"ffmpeg" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
    return count


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Long enough that slowing it down keeps ffmpeg busy for seconds."""
    folder = tmp_path_factory.mktemp("long")
    return make_video(folder / "long.mp4", seconds=20, size="320x240")


def test_it_supports_the_edits_and_not_generation(tools: LocalTools) -> None:
    assert tools.name == "local"
    assert all(tools.supports(request) for request in LOCAL)
    assert not any(tools.supports(request) for request in PROVIDER)


@pytest.mark.parametrize("request_", PROVIDER, ids=lambda request: type(request).__name__)
async def test_generation_is_refused(
    tools: LocalTools, sound_clip: Path, tmp_path: Path, request_: ToolRequest
) -> None:
    with pytest.raises(FeatureDisabledError):
        await tools.run(request_, inputs(sound_clip), tmp_path)


async def test_a_request_without_media_is_refused(tools: LocalTools, tmp_path: Path) -> None:
    with pytest.raises(UserError) as refused:
        await tools.run(ExtractAudio(), ToolInputs(), tmp_path)
    assert refused.value.key == "tool.media_missing"


async def test_info_on_a_video(tools: LocalTools, sound_clip: Path, tmp_path: Path) -> None:
    output = await tools.run(DescribeMedia(), inputs(sound_clip), tmp_path)
    assert (output.kind, output.text, output.path) == (ResultKind.TEXT, None, None)
    assert output.info is not None
    assert output.info == MediaInfo(
        kind="video",
        size_bytes=size_of(sound_clip),
        width=160,
        height=120,
        duration=output.info.duration,
        fps=25,
        has_audio=True,
        format="mp4",
    )
    assert output.info.duration == pytest.approx(3.0, abs=0.05)


async def test_info_on_a_photo(tools: LocalTools, tmp_path: Path) -> None:
    photo = save(colourful(64, 48), tmp_path / "photo.webp")
    output = await tools.run(DescribeMedia(), inputs(photo), tmp_path)
    assert output.info == MediaInfo(
        kind="photo", size_bytes=size_of(photo), width=64, height=48, format="webp"
    )


async def test_a_failing_ffmpeg_says_why(tmp_path: Path) -> None:
    with pytest.raises(ToolFailedError) as failed:
        await run_ffmpeg(["-i", str(tmp_path / "missing.mp4"), str(tmp_path / "out.mp4")], "read")
    assert isinstance(failed.value, GenerationFailedError)
    assert "No such file" in failed.value.detail
    assert len(failed.value.detail) <= 500


@pytest.mark.parametrize("limit", [1, 2])
async def test_at_most_the_limit_of_ffmpeg_runs_at_once(
    sound_clip: Path, tmp_path: Path, limit: int
) -> None:
    tools = LocalTools(max_processes=limit)
    peak = 0

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, ffmpeg_children())
            await asyncio.sleep(0.002)

    async with running_task(watch()):
        jobs = [tools.run(ChangeSpeed(0.5), inputs(sound_clip), tmp_path) for _ in range(4)]
        await asyncio.gather(*jobs)
    assert peak == limit


async def test_a_request_over_its_time_is_stopped(long_clip: Path, tmp_path: Path) -> None:
    tools = LocalTools(seconds_per_request=0.5)
    with pytest.raises(ToolFailedError):
        await tools.run(ChangeSpeed(0.25), inputs(long_clip), tmp_path)
    await eventually(lambda: ffmpeg_children() == 0, what="ffmpeg killed")


async def test_a_cancelled_request_kills_its_ffmpeg(
    tools: LocalTools, long_clip: Path, tmp_path: Path
) -> None:
    job = asyncio.create_task(tools.run(ChangeSpeed(0.25), inputs(long_clip), tmp_path))
    await eventually(lambda: ffmpeg_children() == 1, what="ffmpeg started")
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    await eventually(lambda: ffmpeg_children() == 0, what="ffmpeg killed")
