"""What a local photo or video is: Pillow reads photos, ffmpeg's `-i` header describes videos.

The bundled ffmpeg has no ffprobe, so the header text is parsed here. It is written for people,
so every field is optional: a missing one becomes None rather than an error."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
from PIL import Image

from bot.domain.errors import UserError
from bot.domain.tools import MediaInfo
from bot.media.ffmpeg import read_header

logger = logging.getLogger(__name__)

# Everything Pillow raises for a file it cannot make sense of (UnidentifiedImageError is an
# OSError; a broken header can surface as SyntaxError or ValueError).
IMAGE_ERRORS = (OSError, ValueError, SyntaxError, Image.DecompressionBombError)
# Pillow identifies these, but they are moving pictures: leave them to ffmpeg.
NOT_PHOTOS = {"MPEG", "FLI"}
# ffmpeg reads single pictures through these demuxers: such a file is no video.
PICTURE_DEMUXERS = ("image2", "_pipe")
ORIENTATION_TAG = 0x0112
EXIF_IFD = 0x8769
DATE_TAGS = (0x9003, 0x0132)  # DateTimeOriginal (Exif IFD), DateTime (IFD0)

_INPUT = re.compile(r"^Input #0, (.+?), from ", re.MULTILINE)
_DURATION = re.compile(r"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_STREAM = re.compile(r"^\s*Stream #0:\d+\S*: (Video|Audio): (\w+)(.*)$", re.MULTILINE)
# "1920x1080" after a comma; a codec tag such as "0x31637661" never starts with a non-zero digit.
_SIZE = re.compile(r"(?<![\w/])([1-9]\d{0,4})x([1-9]\d{0,4})(?!\w)")
_FPS = re.compile(r"(\d+(?:\.\d+)?)(k?) (fps|tbr)")
_ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees|^\s*rotate\s*:\s*(-?\d+)", re.M)
_CREATED = re.compile(r"^\s*creation_time\s*:\s*(\S+)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class VideoProbe:
    """A video's MediaInfo plus the codecs, which fitting needs to decide whether to transcode."""

    info: MediaInfo
    video_codec: str
    audio_codec: str | None


async def probe_media(path: Path) -> MediaInfo:
    """A photo's or a video's facts; UserError "media.unreadable" when it is neither."""
    photo = await asyncio.to_thread(probe_photo, path)
    if photo is not None:
        return photo
    video = await probe_video(path)
    if video is None:
        logger.info("neither a photo nor a video: %s", path.name)
        raise UserError("media.unreadable")
    return video.info


def probe_photo(path: Path) -> MediaInfo | None:
    """Pillow's view of a picture (upright size, format, date taken), or None if it is none."""
    try:
        with Image.open(path) as image:
            if image.format in NOT_PHOTOS:
                return None
            width, height = image.size
            exif = image.getexif()
            if exif.get(ORIENTATION_TAG) in (5, 6, 7, 8):
                width, height = height, width
            return MediaInfo(
                kind="photo",
                size_bytes=path.stat().st_size,
                width=width,
                height=height,
                format=(image.format or "").lower() or None,
                created_at=_exif_date(exif),
            )
    except IMAGE_ERRORS:
        return None


def _exif_date(exif: Image.Exif) -> str | None:
    for value in (exif.get_ifd(EXIF_IFD).get(DATE_TAGS[0]), exif.get(DATE_TAGS[1])):
        if isinstance(value, str) and len(value) >= 19:
            date, _, time = value.strip("\x00 ").partition(" ")
            return f"{date.replace(':', '-')} {time}"
    return None


async def probe_video(path: Path) -> VideoProbe | None:
    """ffmpeg's view of a video, or None when the file has no video stream ffmpeg can read."""
    header = await read_header(str(path))
    size = await asyncio.to_thread(_size, path)
    probe = parse_header(header, size, path.suffix.lstrip(".").lower())
    if probe is None or probe.info.duration is not None:
        return probe
    return await _with_counted_duration(path, probe)


def _size(path: Path) -> int:
    return path.stat().st_size


async def _with_counted_duration(path: Path, probe: VideoProbe) -> VideoProbe:
    """Some files (raw streams, cut recordings) state no duration: decode to count it."""
    try:
        _, seconds = await asyncio.to_thread(imageio_ffmpeg.count_frames_and_secs, str(path))
    except (RuntimeError, OSError, ValueError):
        logger.info("could not count the frames of %s", path.name)
        return probe
    info = probe.info
    counted = MediaInfo(
        kind=info.kind,
        size_bytes=info.size_bytes,
        width=info.width,
        height=info.height,
        duration=float(seconds),
        fps=info.fps,
        has_audio=info.has_audio,
        format=info.format,
        created_at=info.created_at,
    )
    return VideoProbe(counted, probe.video_codec, probe.audio_codec)


def parse_header(header: str, size: int | None = None, suffix: str = "") -> VideoProbe | None:
    """Parse `ffmpeg -i` output. Cover art (an "attached pic") is not a video stream."""
    container = _container(header, suffix)
    if container is None:
        return None
    streams = [m for m in _STREAM.finditer(header) if "(attached pic)" not in m.group(3)]
    video = next((m for m in streams if m.group(1) == "Video"), None)
    if video is None:
        return None
    audio = next((m for m in streams if m.group(1) == "Audio"), None)
    width, height = _display_size(header, video)
    info = MediaInfo(
        kind="video",
        size_bytes=size,
        width=width,
        height=height,
        duration=_duration(header),
        fps=_fps(video.group(3)),
        has_audio=audio is not None,
        format=container,
        created_at=_created(header),
    )
    return VideoProbe(info, video.group(2), audio.group(2) if audio else None)


def _container(header: str, suffix: str) -> str | None:
    """The demuxer's name: ffmpeg lists aliases ("mov,mp4,m4a,..."); the file's suffix picks."""
    found = _INPUT.search(header)
    if found is None:
        return None
    names = found.group(1).split(",")
    if any(part in found.group(1) for part in PICTURE_DEMUXERS):
        return None
    return suffix if suffix in names else names[0]


def _duration(header: str) -> float | None:
    found = _DURATION.search(header)
    if found is None:
        return None
    hours, minutes, seconds = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _display_size(header: str, video: re.Match[str]) -> tuple[int | None, int | None]:
    """Width and height as shown: a phone video stored sideways says so in a rotation tag."""
    size = _SIZE.search(video.group(3))
    if size is None:
        return None, None
    width, height = int(size.group(1)), int(size.group(2))
    block_end = header.find("Stream #", video.end())
    rotation = _ROTATION.search(header, video.end(), block_end if block_end >= 0 else len(header))
    if rotation is not None:
        degrees = round(abs(float(rotation.group(1) or rotation.group(2)))) % 180
        if degrees == 90:
            width, height = height, width
    return width, height


def _fps(details: str) -> float | None:
    found = _FPS.search(details)
    if found is None:
        return None
    value = float(found.group(1)) * (1000 if found.group(2) else 1)
    return round(value, 3)


def _created(header: str) -> str | None:
    found = _CREATED.search(header)
    return found.group(1) if found else None
