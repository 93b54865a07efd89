"""Fetching the media a call names, the way the provider would, but by default only from this
machine: the emulator never reaches the internet unless a knob allows it."""

from __future__ import annotations

import ipaddress
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from sandbox.runway_ai.errors import ApiError, invalid

FETCH_TIMEOUT = aiohttp.ClientTimeout(total=30)
CHUNK = 256 * 1024
MAX_IMAGE_BYTES = 30 * 1024 * 1024
MAX_VIDEO_BYTES = 200 * 1024 * 1024


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
    session: aiohttp.ClientSession,
    url: str,
    dest: Path,
    *,
    field: str,
    max_bytes: int,
    allow_remote: bool = False,
) -> datetime | None:
    """Download `url` into `dest`, or refuse with a 4xx that names `field`; return the file's
    Last-Modified time when the server gives one."""
    if not allow_remote and not is_loopback_url(url):
        raise invalid(f"{field} must point at this machine (127.0.0.1 or localhost) offline")
    try:
        async with session.get(url, allow_redirects=False, timeout=FETCH_TIMEOUT) as response:
            if response.status != 200:
                raise invalid(f"{field} could not be fetched: it answered HTTP {response.status}")
            await _save(response, dest, field, max_bytes)
            return _last_modified(response)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise invalid(f"{field} could not be fetched ({type(exc).__name__})") from exc


async def _save(response: aiohttp.ClientResponse, dest: Path, field: str, max_bytes: int) -> None:
    declared = response.content_length
    if declared is not None and declared > max_bytes:
        raise _too_large(field, max_bytes)
    size = 0
    with dest.open("wb") as out:
        async for chunk in response.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(field, max_bytes)
            out.write(chunk)
    if size == 0:
        raise invalid(f"{field} points at an empty file")


def _last_modified(response: aiohttp.ClientResponse) -> datetime | None:
    header = response.headers.get("Last-Modified")
    if not header:
        return None
    try:
        return parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None


def _too_large(field: str, max_bytes: int) -> ApiError:
    return ApiError(413, f"{field} is larger than {max_bytes / 2**20:g} MB")
