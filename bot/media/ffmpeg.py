"""Run the bundled ffmpeg in a subprocess, so the event loop keeps serving chats while it works.

imageio-ffmpeg ships ffmpeg without ffprobe: facts about a file come from the text `ffmpeg -i`
prints (see bot/media/probe.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import imageio_ffmpeg

from bot.domain.errors import GenerationFailedError

logger = logging.getLogger(__name__)

STDERR_TAIL = 500


class ToolFailedError(GenerationFailedError):
    """ffmpeg (or Pillow) could not make the result. A GenerationFailedError, so the job ends
    like one the provider could not make; `detail` is the tail of ffmpeg's stderr, for logs."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


async def run_ffmpeg(args: Sequence[str], what: str) -> None:
    """ffmpeg with `args`, quiet but for errors; raise ToolFailedError when it fails."""
    code, stderr = await _communicate(["-nostdin", "-y", "-loglevel", "error", *args])
    if code != 0:
        tail = stderr[-STDERR_TAIL:]
        logger.warning("ffmpeg %s failed with code %s: %s", what, code, tail)
        raise ToolFailedError(f"ffmpeg could not {what}", tail)


async def read_header(path: str) -> str:
    """What `ffmpeg -i` says about a file: its streams, duration and tags (stderr, info level)."""
    _, stderr = await _communicate(["-nostdin", "-hide_banner", "-i", path])
    return stderr


async def _communicate(args: list[str]) -> tuple[int, str]:
    """Run to the end and return (exit code, stderr). A cancelled caller (a timeout among
    them) kills the process: an abandoned ffmpeg would hold a core for nobody."""
    process = await asyncio.create_subprocess_exec(
        imageio_ffmpeg.get_ffmpeg_exe(),
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await process.communicate()
    except BaseException:
        await _kill(process)
        raise
    return process.returncode or 0, stderr.decode(errors="replace")


async def _kill(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.kill()
        await process.wait()
