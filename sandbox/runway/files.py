"""Serving results and uploads from disk at /files/..., with HEAD and Content-Length."""

from __future__ import annotations

from aiohttp import web

from sandbox.runway.engine import RESULTS
from sandbox.runway.keys import ENGINE
from sandbox.runway.upload_views import UPLOADS

SERVED = (RESULTS, UPLOADS)


async def serve_file(request: web.Request) -> web.FileResponse:
    root = request.app[ENGINE].root.resolve()
    tail = request.match_info["tail"]
    path = (root / tail).resolve()
    inside = path.relative_to(root).parts if path.is_relative_to(root) else ()
    if not inside or inside[0] not in SERVED or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path)
