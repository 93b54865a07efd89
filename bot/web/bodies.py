"""Reading request bodies with a hard size cap."""

from __future__ import annotations

from aiohttp import web


async def read_capped(request: web.Request, limit: int) -> bytes:
    """The body, or 413 when it is longer than `limit` bytes (whatever Content-Length claims)."""
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
    body = await request.content.read(limit + 1)
    if len(body) > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(body))
    return body
