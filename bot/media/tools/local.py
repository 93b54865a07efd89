"""MediaTools on this machine: ffmpeg for videos, Pillow for photos, no model and no network.

At most `max_processes` requests work at a time (each holds one ffmpeg process or one Pillow
thread), so a burst of /speed commands cannot starve the rest of the bot of CPU."""

from __future__ import annotations

import asyncio
import logging
import secrets
from pathlib import Path

from bot.domain.errors import FeatureDisabledError, UserError
from bot.domain.tools import (
    PROVIDER_ONLY,
    ChangeSpeed,
    DescribeMedia,
    EditPhoto,
    ExtractAudio,
    FilterVideo,
    MediaInfo,
    ResizeVideo,
    ResultKind,
    TextOnPhoto,
    Thumbnail,
    ToolInputs,
    ToolOutput,
    ToolRequest,
    TrimVideo,
)
from bot.media import ffmpeg
from bot.media.probe import probe_media
from bot.media.tools import checks, photos, text, videos

logger = logging.getLogger(__name__)

DEFAULT_PROCESSES = 2
DEFAULT_TIMEOUT = 300.0  # seconds for one request: a minute-long 1080p re-encode fits easily


class LocalTools:
    """The MediaTools port with the bundled ffmpeg and Pillow."""

    name = "local"

    def __init__(
        self, max_processes: int = DEFAULT_PROCESSES, seconds_per_request: float = DEFAULT_TIMEOUT
    ) -> None:
        self._slots = asyncio.Semaphore(max_processes)
        self._seconds = seconds_per_request

    def supports(self, request: ToolRequest) -> bool:
        return not isinstance(request, PROVIDER_ONLY)

    async def run(self, request: ToolRequest, inputs: ToolInputs, workdir: Path) -> ToolOutput:
        if not self.supports(request):
            raise FeatureDisabledError(f"{type(request).__name__} needs the provider")
        if inputs.source is None:
            raise UserError("tool.media_missing")
        _check_request(request)
        async with self._slots:
            output = await self._timed(request, inputs.source.path, workdir)
        logger.info("local %s done: %s", type(request).__name__, output.kind)
        return output

    async def _timed(self, request: ToolRequest, source: Path, workdir: Path) -> ToolOutput:
        """The work within its time; ffmpeg is killed when the time runs out."""
        try:
            async with asyncio.timeout(self._seconds):
                info = await probe_media(source)
                return await _work(request, source, info, workdir)
        except TimeoutError:
            logger.warning("local %s took over %s s", type(request).__name__, self._seconds)
            raise ffmpeg.ToolFailedError(f"took longer than {self._seconds:g} s") from None


def _check_request(request: ToolRequest) -> None:
    """What can be refused without reading the file."""
    match request:
        case EditPhoto():
            photos.check_edit(request)
        case TextOnPhoto(text=words):
            checks.check_text(words)
        case ChangeSpeed(factor=factor):
            checks.check_speed(factor)
        case ResizeVideo(width=width, height=height):
            checks.check_size(width, height)


async def _work(request: ToolRequest, source: Path, info: MediaInfo, workdir: Path) -> ToolOutput:
    match request:
        case DescribeMedia():
            return ToolOutput(kind=ResultKind.TEXT, info=info, text=None)
        case EditPhoto() | TextOnPhoto():
            return await _photo(request, source, info, _name(workdir, "photo", "jpg"))
        case Thumbnail(at=at):
            return await _thumbnail(source, info, at, workdir)
        case ExtractAudio():
            return await _audio(source, info, workdir)
    checks.require_video(info)
    dest = _name(workdir, "video", "mp4")
    await ffmpeg.run_ffmpeg(_video_args(request, source, dest, info), "edit the video")
    return ToolOutput(kind=ResultKind.VIDEO, path=dest)


async def _thumbnail(source: Path, info: MediaInfo, at: float, workdir: Path) -> ToolOutput:
    checks.require_video(info)
    moment = checks.check_thumbnail(at, info.duration, info.fps)
    dest = _name(workdir, "thumbnail", "jpg")
    await ffmpeg.run_ffmpeg(videos.thumbnail(source, dest, moment), "grab a frame")
    if not await asyncio.to_thread(_nonempty, dest):
        raise ffmpeg.ToolFailedError(f"no frame at {moment:.3f} s")
    return ToolOutput(kind=ResultKind.PHOTO, path=dest)


async def _audio(source: Path, info: MediaInfo, workdir: Path) -> ToolOutput:
    checks.require_video(info)
    checks.require_audio(info)
    dest = _name(workdir, "audio", "mp3")
    await ffmpeg.run_ffmpeg(videos.extract_audio(source, dest), "extract the sound")
    return ToolOutput(kind=ResultKind.AUDIO, path=dest)


async def _photo(
    request: EditPhoto | TextOnPhoto, source: Path, info: MediaInfo, dest: Path
) -> ToolOutput:
    checks.require_photo(info)
    if isinstance(request, EditPhoto):
        await asyncio.to_thread(photos.edit_photo, request, source, dest)
    else:
        await asyncio.to_thread(text.draw_text, request, source, dest)
    return ToolOutput(kind=ResultKind.PHOTO, path=dest)


def _video_args(request: ToolRequest, source: Path, dest: Path, info: MediaInfo) -> list[str]:
    match request:
        case TrimVideo(start=start, end=end):
            cut_at = checks.check_trim(start, end, info.duration)
            return videos.trim(source, dest, start, cut_at, info)
        case FilterVideo(name=name):
            return videos.video_filter(source, dest, name, info)
        case ChangeSpeed(factor=factor):
            return videos.change_speed(source, dest, checks.check_speed(factor), info)
        case ResizeVideo(width=width, height=height):
            even_width, even_height = checks.even_size(width, height)
            return videos.resize(source, dest, even_width, even_height, info)
    raise TypeError(f"not a local video tool: {type(request).__name__}")


def _name(workdir: Path, stem: str, suffix: str) -> Path:
    """A fresh name: one workdir may hold several results."""
    return workdir / f"{stem}-{secrets.token_hex(4)}.{suffix}"


def _nonempty(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0
