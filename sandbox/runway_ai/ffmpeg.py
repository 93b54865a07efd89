"""Running the bundled ffmpeg off the event loop, a few at a time, and reading its report on a
file (duration, streams, size, frame rate): imageio-ffmpeg ships no ffprobe."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
INPUT_FORMAT = re.compile(r"Input #0, ([^ ]+?), from")
VIDEO_STREAM = re.compile(r"Stream #0:\d+.*?: Video: (\w+).*?, (\w+)(?:\([^)]*\))?, (\d+)x(\d+)")
FPS = re.compile(r"(\d+(?:\.\d+)?) fps")
AUDIO_STREAM = re.compile(r"Stream #0:\d+.*?: Audio: (\w+)")
REPORT_TAIL = 800


class FfmpegError(Exception):
    """ffmpeg failed; the message is the end of its error output."""


@dataclass(frozen=True, slots=True)
class VideoStream:
    codec: str
    pixel_format: str
    width: int
    height: int
    fps: float | None


@dataclass(frozen=True, slots=True)
class Probe:
    """What ffmpeg says about a file; `video` is None for a file with no picture."""

    format: str
    duration: float | None
    video: VideoStream | None
    audio_codec: str | None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    @property
    def is_still(self) -> bool:
        """A picture file, which ffmpeg reads as a one-frame video."""
        return self.format == "image2" or self.format.endswith("_pipe")


def parse_report(report: str) -> Probe | None:
    """The stderr of `ffmpeg -i FILE` as a Probe; None when ffmpeg could not read the file."""
    fmt = INPUT_FORMAT.search(report)
    if fmt is None:
        return None
    audio = AUDIO_STREAM.search(report)
    return Probe(fmt.group(1), _duration(report), _video(report), audio and audio.group(1))


def _duration(report: str) -> float | None:
    found = DURATION.search(report)
    if found is None:
        return None
    hours, minutes, seconds = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _video(report: str) -> VideoStream | None:
    stream = VIDEO_STREAM.search(report)
    if stream is None:
        return None
    line = report[stream.start() :].split("\n", 1)[0]
    fps = FPS.search(line)
    codec, pixel_format, width, height = stream.groups()
    return VideoStream(codec, pixel_format, int(width), int(height), fps and float(fps.group(1)))


class Ffmpeg:
    """One ffmpeg binary and a limit on how many run at once (the machine may be small)."""

    def __init__(self, exe: str, concurrency: int = 2) -> None:
        self._exe = exe
        self._slots = asyncio.Semaphore(concurrency)

    async def run(self, *args: str) -> None:
        """Run ffmpeg with `args`, overwriting outputs; raise FfmpegError when it fails."""
        code, errors = await self._spawn("-v", "error", "-y", *args)
        if code != 0:
            raise FfmpegError(errors[-REPORT_TAIL:])

    async def probe(self, path: Path) -> Probe | None:
        _, report = await self._spawn("-i", str(path))
        return parse_report(report)

    async def _spawn(self, *args: str) -> tuple[int, str]:
        async with self._slots:
            process = await asyncio.create_subprocess_exec(
                self._exe,
                "-hide_banner",
                "-nostdin",
                *args,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                _, errors = await process.communicate()
            except asyncio.CancelledError:
                process.kill()
                await process.wait()
                raise
        assert process.returncode is not None
        return process.returncode, errors.decode(errors="replace")
