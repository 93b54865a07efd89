"""Facts about media files: image sizes with Pillow, video streams with the ffmpeg binary."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

_DURATION = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #.*?Video: .*?(\d{2,5})x(\d{2,5})")
_AUDIO = re.compile(r"Stream #.*?Audio: ")
PHOTO_SIDES = (90, 320, 800, 1280)


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    duration: int


def image_size(path: Path) -> tuple[int, int] | None:
    try:
        with Image.open(path) as image:
            return image.size
    except (UnidentifiedImageError, OSError):
        return None


def render_photo_sizes(path: Path, out_dir: Path, stem: str) -> list[tuple[Path, int, int]]:
    """JPEG copies of an image at Telegram's usual sizes, smallest first, the last one full."""
    sizes: list[tuple[Path, int, int]] = []
    with Image.open(path) as source:
        image = source.convert("RGB")
    largest = max(image.size)
    for side in PHOTO_SIDES:
        if side < largest or side == PHOTO_SIDES[-1] or not sizes:
            copy = image.copy()
            copy.thumbnail((side, side))
            target = out_dir / f"{stem}_{side}.jpg"
            copy.save(target, "JPEG", quality=85)
            sizes.append((target, copy.width, copy.height))
            if side >= largest:
                break
    return sizes


@dataclass(frozen=True)
class AudioInfo:
    duration: int
    performer: str | None = None
    title: str | None = None


async def probe_video(path: Path) -> VideoInfo | None:
    """Width, height and duration of the first video stream, or None when there is none."""
    stderr = await _ffmpeg("-hide_banner", "-i", str(path))
    stream = _VIDEO.search(stderr)
    if stream is None:
        return None
    return VideoInfo(int(stream.group(1)), int(stream.group(2)), _seconds(stderr))


async def probe_audio(path: Path) -> AudioInfo | None:
    """The duration of a file with a sound stream and no moving picture (cover art is fine)."""
    stderr = await _ffmpeg("-hide_banner", "-i", str(path))
    lines = stderr.splitlines()
    moving = [line for line in lines if _VIDEO.search(line) and "attached pic" not in line]
    if not any(_AUDIO.search(line) for line in lines) or moving:
        return None
    return AudioInfo(_seconds(stderr))


def _seconds(stderr: str) -> int:
    duration = _DURATION.search(stderr)
    if duration is None:
        return 0
    hours, minutes, secs = duration.groups()
    return round(int(hours) * 3600 + int(minutes) * 60 + float(secs))


async def video_thumbnail(path: Path, target: Path) -> bool:
    await _ffmpeg(
        "-v", "error", "-y", "-i", str(path), "-frames:v", "1",
        "-vf", "scale='min(320,iw)':-2", str(target),
    )  # fmt: skip
    return await asyncio.to_thread(_nonempty, target)


def _nonempty(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


async def _ffmpeg(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        imageio_ffmpeg.get_ffmpeg_exe(),
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await process.communicate()
    return stderr.decode(errors="replace")
