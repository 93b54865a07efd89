"""Fixtures: a running emulator, a PTB Bot pointed at it, real media files."""

from __future__ import annotations

import io
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import imageio_ffmpeg
import pytest
from aiohttp import web
from PIL import Image
from telegram import Bot

from sandbox.telegram import RunningTelegram, TelegramEmulatorConfig, serve_telegram
from tests.support import bot_requests

TOKEN = "1000:sandbox"


@pytest.fixture
async def sandbox() -> AsyncIterator[RunningTelegram]:
    async with serve_telegram(TelegramEmulatorConfig(flood_limits=False)) as running:
        yield running


@pytest.fixture
async def bot(sandbox: RunningTelegram) -> AsyncIterator[Bot]:
    async with Bot(
        TOKEN, base_url=sandbox.api_base, base_file_url=sandbox.file_base, **bot_requests()
    ) as ptb:
        yield ptb


def make_mp4(path: Path, seconds: int = 1, size: str = "320x240") -> Path:
    subprocess.run(  # noqa: S603 - the bundled ffmpeg with fixed arguments
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi",
            "-i", f"testsrc=size={size}:rate=10", "-t", str(seconds),
            "-pix_fmt", "yuv420p", "-c:v", "libx264", "-movflags", "+faststart", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def make_mp3(path: Path, seconds: int = 2) -> Path:
    subprocess.run(  # noqa: S603 - the bundled ffmpeg with fixed arguments
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi",
            "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "libmp3lame", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture(scope="session")
def mp3_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_mp3(tmp_path_factory.mktemp("sound") / "tone.mp3")


@pytest.fixture(scope="session")
def mp3_bytes(mp3_path: Path) -> bytes:
    return mp3_path.read_bytes()


@pytest.fixture(scope="session")
def mp4_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_mp4(tmp_path_factory.mktemp("media") / "clip.mp4")


@pytest.fixture(scope="session")
def mp4_bytes(mp4_path: Path) -> bytes:
    return mp4_path.read_bytes()


@pytest.fixture(scope="session")
def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
async def file_server(tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    """A loopback HTTP server for by-URL sends: serves files put in the returned folder."""
    folder = tmp_path / "served"
    folder.mkdir()
    app = web.Application()
    app.router.add_static("/", folder)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}", folder
    finally:
        await runner.cleanup()
