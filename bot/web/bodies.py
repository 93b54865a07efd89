"""Reading request bodies whole, with a size cap and a deadline, and JSON with a depth cap.

`request.content.read(n)` returns what has arrived so far, so a body sent in two TCP writes was
cut short; reading to EOF in a loop gets all of it. The cap counts the bytes after aiohttp has
undone any Content-Encoding, so a small gzip bomb is refused at the cap like any other body.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from aiohttp import web

MAX_DEPTH = 32  # far beyond any callback or update; deeper JSON is refused before parsing
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


class BodyError(Exception):
    """The body cannot be read; `status` is the answer (400, 408 or 413; 400 too when the
    caller hung up, though nobody is left to read it)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def read_capped(request: web.Request, limit: int, time_limit: float) -> bytes:
    """The whole body, within `time_limit` seconds and `limit` bytes, whatever the headers say."""
    if request.content_length is not None and request.content_length > limit:
        raise BodyError(413, "too_large")
    if request.content.is_eof():  # all of it came with the headers, as nearly every body does
        whole = request.content.read_nowait()
        if len(whole) > limit:
            raise BodyError(413, "too_large")
        return whole
    body = bytearray()
    try:
        async with asyncio.timeout(time_limit):
            async for chunk in request.content.iter_any():
                body += chunk
                if len(body) > limit:
                    raise BodyError(413, "too_large")
    except TimeoutError:
        raise BodyError(408, "timeout") from None
    except ConnectionResetError:  # the caller hung up mid-body: its trouble, not the bot's
        raise BodyError(400, "disconnected") from None
    return bytes(body)


def nests_deeper(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """True when arrays and objects nest more than `limit` deep. Nothing can nest deeper than
    the body has brackets, so a body with few (every callback and update) is not scanned."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    return _depth(body) > limit


def _depth(body: bytes) -> int:
    """How deeply arrays and objects nest, counted without parsing (strings are skipped)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub(b"", body)):
        depth += 1 if match.group() in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def load_object(body: bytes, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """A JSON object no deeper than `max_depth`; BodyError(400) for anything else."""
    if nests_deeper(body, max_depth):
        raise BodyError(400, "too_deep")
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise BodyError(400, "not_json") from None
    if not isinstance(payload, dict):
        raise BodyError(400, "not_an_object")
    return payload
