"""Reading a video's codec, pixel format, size and duration from ffmpeg's own report."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
VIDEO_STREAM = re.compile(r"Stream #\S+.*?: Video: (\w+).*?, (\w+)(?:\([^)]*\))?, (\d+)x(\d+)")


class ProbeError(Exception):
    """ffmpeg found no video stream in the file."""


@dataclass(frozen=True, slots=True)
class VideoInfo:
    codec: str
    pixel_format: str
    width: int
    height: int
    duration: float


def parse_report(report: str) -> VideoInfo:
    """Parse the stderr of `ffmpeg -i FILE` into a VideoInfo."""
    stream = VIDEO_STREAM.search(report)
    duration = DURATION.search(report)
    if stream is None or duration is None:
        raise ProbeError("no video stream found")
    hours, minutes, seconds = duration.groups()
    return VideoInfo(
        codec=stream.group(1),
        pixel_format=stream.group(2),
        width=int(stream.group(3)),
        height=int(stream.group(4)),
        duration=int(hours) * 3600 + int(minutes) * 60 + float(seconds),
    )


async def probe_video(ffmpeg: str, path: Path) -> VideoInfo:
    process = await asyncio.create_subprocess_exec(
        ffmpeg,
        "-hide_banner",
        "-i",
        str(path),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, report = await process.communicate()
    return parse_report(report.decode(errors="replace"))
