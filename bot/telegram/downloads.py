"""Fetch provider videos over HTTP into local files, in chunks, with a size ceiling."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import BinaryIO

import aiohttp

logger = logging.getLogger(__name__)

CHUNK = 256 * 1024
MB = 1024 * 1024


class TooLargeError(Exception):
    """The remote file is larger than the ceiling; `size` is what we know of it."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


async def remote_size(session: aiohttp.ClientSession, url: str) -> int | None:
    """Content-Length from a HEAD request, or None when the server does not say."""
    try:
        async with session.head(url, allow_redirects=True) as response:
            if response.status != 200:
                return None
            return response.content_length
    except aiohttp.ClientError:
        logger.info("HEAD of a provider video failed")
        return None


def _open_for_writing(path: Path) -> BinaryIO:
    return path.open("wb")


async def download(session: aiohttp.ClientSession, url: str, dest: Path, limit: int) -> int:
    """Stream `url` into `dest`; raise TooLargeError as soon as it passes `limit` bytes."""
    async with session.get(url) as response:
        response.raise_for_status()
        if response.content_length and response.content_length > limit:
            raise TooLargeError(response.content_length)
        size = 0
        with _open_for_writing(dest) as sink:
            async for chunk in response.content.iter_chunked(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLargeError(max(size, response.content_length or 0))
                sink.write(chunk)
    return size
