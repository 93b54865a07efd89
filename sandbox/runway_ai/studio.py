"""The emulator's workshop: its files dir, its outgoing session, ffmpeg, and one scratch
workspace per call that fetches the inputs and keeps the results."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiohttp
import imageio_ffmpeg
from aiohttp import web
from PIL import Image

from sandbox.runway_ai.errors import invalid
from sandbox.runway_ai.fetching import MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, fetch_to_file
from sandbox.runway_ai.ffmpeg import Ffmpeg, Probe, VideoStream
from sandbox.runway_ai.photos import open_rgb, save_jpeg
from sandbox.runway_ai.state import RECORD, RunwayAiState
from sandbox.runway_ai.store import MediaKind, MediaStore

MAX_VIDEO_SIDE = 4096
MAX_VIDEO_SECONDS = 600.0
WORK = "work"


@dataclass(frozen=True, slots=True)
class Fetched:
    """An input on disk, and when its server says it was last changed."""

    path: Path
    last_modified: datetime | None


@dataclass(frozen=True, slots=True)
class SourceVideo:
    path: Path
    probe: Probe
    stream: VideoStream
    duration: float


class Studio:
    """Owns what outlives a call; `open()` sets it up and tears it down with the app."""

    def __init__(self, state: RunwayAiState) -> None:
        self.state = state
        self.ffmpeg = Ffmpeg(imageio_ffmpeg.get_ffmpeg_exe())
        self._root: Path | None = None
        self._store: MediaStore | None = None
        self._session: aiohttp.ClientSession | None = None

    @asynccontextmanager
    async def open(self) -> AsyncIterator[None]:
        with tempfile.TemporaryDirectory(prefix="runway-ai-emulator-") as temp:
            self._root = Path(self.state.knobs.files_dir or temp)
            (self._root / WORK).mkdir(parents=True, exist_ok=True)
            self._store = MediaStore(self._root)
            async with aiohttp.ClientSession() as session:
                self._session = session
                yield

    @property
    def store(self) -> MediaStore:
        if self._store is None:
            raise RuntimeError("the emulator has not started")
        return self._store

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("the emulator has not started")
        return self._session

    @asynccontextmanager
    async def workspace(self, request: web.Request) -> AsyncIterator[Workspace]:
        """A scratch dir for one call, removed when the call ends however it ends."""
        assert self._root is not None
        scratch = self._root / WORK / uuid.uuid4().hex
        scratch.mkdir()
        try:
            yield Workspace(self, request, scratch)
        finally:
            await asyncio.to_thread(shutil.rmtree, scratch, ignore_errors=True)


class Workspace:
    """Fetches a call's inputs into its scratch dir and keeps its results in the store."""

    def __init__(self, studio: Studio, request: web.Request, scratch: Path) -> None:
        self.studio = studio
        self.scratch = scratch
        self._request = request
        self._base_url = f"{request.scheme}://{request.host}"

    def path(self, name: str) -> Path:
        return self.scratch / name

    async def fetch(self, url: str, field: str, max_bytes: int) -> Fetched:
        record = self._request.get(RECORD)
        if record is not None:
            record.fetched.append(url)
        dest = self.path(f"input-{field}")
        knobs = self.studio.state.knobs
        modified = await fetch_to_file(
            self.studio.session,
            url,
            dest,
            field=field,
            max_bytes=max_bytes,
            allow_remote=knobs.allow_remote_urls,
        )
        return Fetched(dest, modified)

    async def image(self, url: str, field: str) -> Image.Image:
        fetched = await self.fetch(url, field, MAX_IMAGE_BYTES)
        return await asyncio.to_thread(open_rgb, fetched.path, field)

    async def video(self, url: str, field: str) -> SourceVideo:
        """The video at `url`, probed; 422 when it is none or beyond the emulator's caps."""
        fetched = await self.fetch(url, field, MAX_VIDEO_BYTES)
        return await self.probe_video(fetched.path, field)

    async def probe_video(self, path: Path, field: str) -> SourceVideo:
        probe = await self.studio.ffmpeg.probe(path)
        if probe is None or probe.video is None or not probe.duration or probe.is_still:
            raise invalid(f"{field} is not a video that can be read (MP4, WebM, MOV, ...)")
        stream = probe.video
        if max(stream.width, stream.height) > MAX_VIDEO_SIDE:
            raise invalid(f"{field} is {stream.width}x{stream.height}; at most {MAX_VIDEO_SIDE}")
        if probe.duration > MAX_VIDEO_SECONDS:
            raise invalid(f"{field} is {probe.duration:.0f} s long; at most {MAX_VIDEO_SECONDS:g}")
        return SourceVideo(path, probe, stream, probe.duration)

    async def keep_jpeg(self, image: Image.Image) -> str:
        made = await asyncio.to_thread(save_jpeg, image, self.path("result.jpg"))
        return self.keep(MediaKind.IMAGE, made)

    def keep(self, kind: MediaKind, made: Path) -> str:
        """Move a finished file into the store; return its URL on this server."""
        return self.studio.store.keep(kind, made).url(self._base_url)


STUDIO = web.AppKey("runway_ai_studio", Studio)
