"""The files `/media/{token}` serves, kept a while on this replica's disk.

A provider may fetch one input several times (a HEAD, then ranges), and a replica that did not
publish a file must fetch it from Telegram first: by file_id, through the MediaSource, never by
a URL anyone else sees. Files are named by a digest of their file_id, so no token can name a
path; the oldest go once the cache passes `max_bytes`, and any older than `max_age`."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections import defaultdict
from contextlib import suppress
from pathlib import Path

from bot.domain.ports import MediaSource

logger = logging.getLogger(__name__)

MAX_BYTES = 256 * 1024 * 1024
MAX_AGE = 3600.0  # no link lives longer than this


class MediaCache:
    def __init__(
        self,
        directory: Path,
        source: MediaSource | None,
        *,
        max_bytes: int = MAX_BYTES,
        max_age: float = MAX_AGE,
    ) -> None:
        self.directory = directory
        self.source = source
        self.max_bytes = max_bytes
        self.max_age = max_age
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def path_of(self, file_id: str, suffix: str) -> Path:
        """The file, from the cache or fetched now (once, however many ask at the same time).
        Raises what the MediaSource raises when Telegram does not hand it over."""
        target = self._path(file_id, suffix)
        async with self._locks[target.name]:
            if await asyncio.to_thread(_touch, target):
                return target
            if self.source is None:
                raise LookupError("this replica cannot fetch media")
            await self._fetch(file_id, target)
        await asyncio.to_thread(self._trim)
        return target

    async def put(self, file_id: str, suffix: str, path: Path) -> None:
        """Keep a file the bot already has, so serving it needs no second download."""
        target = self._path(file_id, suffix)
        async with self._locks[target.name]:
            await asyncio.to_thread(_copy_in, path, target)
        await asyncio.to_thread(self._trim)

    async def _fetch(self, file_id: str, target: Path) -> None:
        assert self.source is not None
        await asyncio.to_thread(self.directory.mkdir, parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.directory, prefix="fetch-") as tmp:
            media = await self.source.fetch(file_id, "media" + target.suffix, Path(tmp))
            await asyncio.to_thread(os.replace, media.path, target)
        logger.info("media cache: fetched a file for a provider (%s bytes)", media.size)

    def _path(self, file_id: str, suffix: str) -> Path:
        digest = hashlib.sha256(file_id.encode()).hexdigest()[:40]
        return self.directory / f"{digest}{suffix}"

    def _trim(self) -> None:
        """Drop files past their age, then the least recently used beyond `max_bytes`."""
        now = time.time()
        files = []
        for path in self.directory.glob("*.*"):
            with suppress(FileNotFoundError):  # another request removed it meanwhile
                stat = path.stat()
                if now - stat.st_mtime > self.max_age:
                    path.unlink()
                else:
                    files.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= self.max_bytes:
                break
            with suppress(FileNotFoundError):
                path.unlink()
            total -= size


def _touch(path: Path) -> bool:
    """Mark a cached file used now; False when it is not there."""
    try:
        os.utime(path)
    except FileNotFoundError:
        return False
    return True


def _copy_in(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        os.link(source, partial)
    except OSError:
        shutil.copyfile(source, partial)
    os.replace(partial, target)
