"""Fetch provider videos into local files, in chunks, with a size ceiling, through a
ResultFetcher (bot/media/fetching.py), so only allowed hosts and addresses are ever reached."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import BinaryIO

import aiohttp

from bot.media.fetching import BlockedURLError, FetchError, ResultFetcher

logger = logging.getLogger(__name__)

__all__ = [
    "CHUNK",
    "MB",
    "BlockedURLError",
    "FetchError",
    "ResultFetcher",
    "TooLargeError",
    "download",
    "remote_size",
]

CHUNK = 256 * 1024
MB = 1024 * 1024


class TooLargeError(Exception):
    """The remote file is larger than the ceiling; `size` is what we know of it."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


async def remote_size(fetcher: ResultFetcher, url: str) -> int | None:
    """Content-Length from a HEAD request, or None when the server does not say.
    A URL the policy refuses raises BlockedURLError: no download of it will work either."""
    try:
        async with fetcher.request("HEAD", url) as response:
            if response.status != 200:
                return None
            return response.content_length
    except FetchError:
        raise
    except aiohttp.ClientError:
        logger.info("HEAD of a provider video failed")
        return None


def _open_for_writing(path: Path) -> BinaryIO:
    return path.open("wb")


async def download(fetcher: ResultFetcher, url: str, dest: Path, limit: int) -> int:
    """Stream `url` into `dest`; raise TooLargeError as soon as it passes `limit` bytes.
    Memory holds one chunk at a time, whatever the size."""
    async with fetcher.request("GET", url) as response:
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
