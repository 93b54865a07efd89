"""Fetching media by URL the way the provider does, but only from this machine."""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

logger = logging.getLogger(__name__)

FETCH_TIMEOUT = aiohttp.ClientTimeout(total=15)
CHUNK = 256 * 1024


class FetchError(Exception):
    """The URL could not be fetched (the provider answers code 451)."""


class TooLargeError(FetchError):
    """The file at the URL is larger than allowed."""


def is_loopback_url(url: str) -> bool:
    """True for http(s) URLs whose host is this machine; no name is ever resolved."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in {"http", "https"} or not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def fetch_to_file(
    session: aiohttp.ClientSession, url: str, dest: Path, *, max_bytes: int
) -> int:
    """Download `url` into `dest` and return its size; raise FetchError when that fails."""
    if not is_loopback_url(url):
        raise FetchError("only loopback URLs (127.0.0.1, localhost) can be fetched offline")
    try:
        async with session.get(url, allow_redirects=False, timeout=FETCH_TIMEOUT) as response:
            if response.status != 200:
                raise FetchError(f"the URL answered HTTP {response.status}")
            return await _save(response, dest, max_bytes)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise FetchError(f"the URL could not be reached ({type(exc).__name__})") from exc


async def _save(response: aiohttp.ClientResponse, dest: Path, max_bytes: int) -> int:
    size = 0
    with dest.open("wb") as out:
        async for chunk in response.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise TooLargeError(f"the file is larger than {max_bytes / 2**20:g} MB")
            out.write(chunk)
    return size
