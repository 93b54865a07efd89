"""Users' photos and videos fitted to what kie.ai's Runway API takes, before they are uploaded.

Images: JPG or PNG up to 10 MB, so every photo leaves as an upright, opaque JPEG under 10 MB.
Aleph: a video of at most 10 MB of which only the first 5 s are used, so longer, larger or
unusually encoded videos are cut to 5 s and re-encoded as H.264/AAC MP4 until they fit."""

from __future__ import annotations

import asyncio
import logging
import math
from pathlib import Path

from PIL import Image

from bot.domain.errors import UserError
from bot.domain.models import MediaFile
from bot.media.downloads import MB
from bot.media.ffmpeg import ToolFailedError, run_ffmpeg
from bot.media.probe import IMAGE_ERRORS, VideoProbe, probe_photo, probe_video
from bot.media.tools.images import JPEG_QUALITY, load_upright_rgb, save_jpeg

logger = logging.getLogger(__name__)

PHOTO_LIMIT = 10 * MB
ALEPH_LIMIT = 10 * MB
ALEPH_SECONDS = 5.0
SLACK_SECONDS = 0.05
SMALLER_QUALITY = 85
# Longest side of each attempt, and the share of the byte budget it may spend: the first
# almost always fits, since the bitrate is capped to the budget.
ALEPH_ATTEMPTS = ((1920, 0.9), (1280, 0.6), (854, 0.35))
AUDIO_BITS = 128_000
MIN_VIDEO_BITS = 300_000


async def fit_photo(media: MediaFile, workdir: Path, limit: int = PHOTO_LIMIT) -> MediaFile:
    """`media` itself when it is already an upright JPEG under `limit` bytes; else a JPEG copy
    in `workdir`. UserError "media.unreadable" for a file Pillow cannot read."""
    return await asyncio.to_thread(_fit_photo, media, workdir, limit)


def _fit_photo(media: MediaFile, workdir: Path, limit: int) -> MediaFile:
    if _is_fitting_jpeg(media.path, limit):
        return media
    image = load_upright_rgb(media.path)
    stem = Path(media.filename).stem or "photo"
    dest = workdir / f"{stem}-fitted.jpg"
    quality = JPEG_QUALITY
    while True:
        size = save_jpeg(image, dest, quality).stat().st_size
        if size < limit:
            logger.info("photo fitted: %s bytes -> %s bytes", media.size, size)
            return MediaFile(dest, f"{stem}.jpg", size, media.source_id)
        image = _scaled(image, math.sqrt(limit / size) * 0.9)
        quality = SMALLER_QUALITY


def _is_fitting_jpeg(path: Path, limit: int) -> bool:
    try:
        with Image.open(path) as image:
            upright = image.getexif().get(0x0112, 1) == 1
            colours = image.mode in ("RGB", "L")
            return image.format == "JPEG" and upright and colours and _size(path) < limit
    except IMAGE_ERRORS:
        return False


def _scaled(image: Image.Image, factor: float) -> Image.Image:
    size = (max(1, int(image.width * factor)), max(1, int(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _size(path: Path) -> int:
    return path.stat().st_size


async def fit_aleph_video(
    media: MediaFile, workdir: Path, limit: int = ALEPH_LIMIT
) -> tuple[MediaFile, bool]:
    """The video Aleph should get, and whether it differs from the user's (to tell them).
    UserError "media.unreadable" for a file ffmpeg cannot read, "tool.needs_video" for a photo."""
    probe = await _probe_video(media)
    if _fits_aleph(probe, media.size, limit):
        return media, False
    stem = Path(media.filename).stem or "video"
    dest = workdir / f"{stem}-aleph.mp4"
    seconds = min(probe.info.duration or ALEPH_SECONDS, ALEPH_SECONDS)
    for long_side, share in ALEPH_ATTEMPTS:
        budget = int(limit * share)
        await run_ffmpeg(_aleph_args(media.path, dest, probe, long_side, budget, seconds), "fit")
        size = await asyncio.to_thread(_size, dest)
        if size < limit:
            logger.info("Aleph input fitted: %s bytes -> %s bytes", media.size, size)
            return MediaFile(dest, f"{stem}.mp4", size, media.source_id), True
    raise ToolFailedError(f"the video stays over {limit} bytes even at 854 px")


async def _probe_video(media: MediaFile) -> VideoProbe:
    if await asyncio.to_thread(probe_photo, media.path) is not None:
        raise UserError("tool.needs_video")
    probe = await probe_video(media.path)
    if probe is None:
        raise UserError("media.unreadable")
    return probe


def _fits_aleph(probe: VideoProbe, size: int, limit: int) -> bool:
    """Already MP4 with H.264 (and AAC, if any sound), at most 5 s and under the limit."""
    info = probe.info
    return (
        info.format in ("mp4", "mov")
        and probe.video_codec == "h264"
        and probe.audio_codec in (None, "aac")
        and info.duration is not None
        and info.duration <= ALEPH_SECONDS + SLACK_SECONDS
        and size < limit
    )


def _aleph_args(
    source: Path, dest: Path, probe: VideoProbe, long_side: int, budget: int, seconds: float
) -> list[str]:
    """The first `seconds`, no side over `long_side`, the bitrate capped so that picture and
    sound together stay within `budget` bytes."""
    has_audio = probe.info.has_audio
    sound_bits = AUDIO_BITS if has_audio else 0
    video_bits = max(MIN_VIDEO_BITS, int(budget * 8 / seconds) - sound_bits)
    rate = f"{video_bits // 1000}k"
    scale = (
        f"scale='min(iw,{long_side})':'min(ih,{long_side})'"
        ":force_original_aspect_ratio=decrease:force_divisible_by=2"
    )
    sound = ["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k"] if has_audio else ["-an"]
    return [
        "-i", str(source), "-t", f"{seconds:.3f}", "-map", "0:v:0", "-vf", scale,
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-maxrate", rate,
        "-bufsize", rate, "-pix_fmt", "yuv420p", *sound, "-sn", "-dn",
        "-movflags", "+faststart", str(dest),
    ]  # fmt: skip


async def last_frame(media: MediaFile, workdir: Path) -> MediaFile:
    """A video's last frame as a JPEG: the still a clip that cannot be extended is continued
    from. An unreadable file raises UserError("media.unreadable")."""
    if await probe_video(media.path) is None:
        raise UserError("media.unreadable")
    out = workdir / f"{media.path.stem}-last-frame.jpg"
    args = ["-sseof", "-0.5", "-i", str(media.path), "-frames:v", "1", "-q:v", "2"]
    await run_ffmpeg([*args, "-update", "1", str(out)], "last frame")
    fitted = MediaFile(out, out.name, await asyncio.to_thread(_size, out), media.source_id)
    return await fit_photo(fitted, workdir)


class MediaFitter:
    """The InputFitter port on the bundled ffmpeg and Pillow, one fitting at a time per core:
    a burst of uploads queues here instead of starting an ffmpeg each."""

    def __init__(self, concurrency: int = 2) -> None:
        self._slots = asyncio.Semaphore(concurrency)

    async def fit_photo(self, media: MediaFile, workdir: Path) -> MediaFile:
        async with self._slots:
            return await fit_photo(media, workdir)

    async def fit_aleph_video(self, media: MediaFile, workdir: Path) -> tuple[MediaFile, bool]:
        async with self._slots:
            return await fit_aleph_video(media, workdir)

    async def last_frame(self, media: MediaFile, workdir: Path) -> MediaFile:
        async with self._slots:
            return await last_frame(media, workdir)
