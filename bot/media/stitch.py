"""Join a chain's videos into one file with ffmpeg, in a subprocess so the loop keeps running."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import imageio_ffmpeg

from bot.domain.errors import UserError

logger = logging.getLogger(__name__)


class StitchError(UserError):
    """ffmpeg could not join the videos."""

    def __init__(self) -> None:
        super().__init__("stitch.failed")


class FfmpegJoiner:
    """The Joiner port (bot/domain/chat.py) on the bundled ffmpeg."""

    async def join(self, parts: list[Path], out: Path) -> Path:
        return await join(parts, out)


async def join(parts: list[Path], out: Path) -> Path:
    """Concatenate without re-encoding when the parts match; otherwise re-encode them."""
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{part.resolve()}'\n" for part in parts))
    copy = ["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy"]
    if await _ffmpeg([*copy, str(out)]):
        return out
    logger.info("stream copy failed; re-encoding %s parts", len(parts))
    inputs = [arg for part in parts for arg in ("-i", str(part))]
    streams = "".join(f"[{index}:v]" for index in range(len(parts)))
    graph = f"{streams}concat=n={len(parts)}:v=1:a=0[v]"
    encode = ["-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-pix_fmt", "yuv420p"]
    if await _ffmpeg([*inputs, *encode, str(out)]):
        return out
    raise StitchError


async def _ffmpeg(args: list[str]) -> bool:
    process = await asyncio.create_subprocess_exec(
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-y",
        "-loglevel",
        "error",
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await process.communicate()
    if process.returncode != 0:
        logger.info("ffmpeg: %s", errors.decode(errors="replace")[-500:])
    return process.returncode == 0
