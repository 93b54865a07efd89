"""Results served from the emulator's own host (with Range, so a <video> can seek), and
delete-media, after which a result answers 404."""

from __future__ import annotations

import hmac

from aiohttp import web

from sandbox.runway_ai import params
from sandbox.runway_ai.errors import ApiError
from sandbox.runway_ai.studio import STUDIO

DELETED = "Media successfully deleted"


async def serve_media(request: web.Request) -> web.FileResponse:
    store = request.app[STUDIO].store
    media = store.find(request.match_info["folder"], request.match_info["name"])
    if media is None or not media.path.is_file():
        raise ApiError(404, "no such media (it may have been deleted)")
    return web.FileResponse(media.path, headers={"Content-Type": media.shelf.content_type})


async def delete_media(request: web.Request) -> web.Response:
    """`media_url` and `auth_token` from a JSON body or the query string (the seed says neither);
    with a key configured, `auth_token` must be that key."""
    found = await params.query_or_body(request)
    media_url = params.url(found, "media_url")
    token = params.text(found, "auth_token", max_length=512)
    studio = request.app[STUDIO]
    key = studio.state.knobs.api_key
    if key is not None and not hmac.compare_digest(token.encode(), key.encode()):
        raise ApiError(403, "auth_token does not match this account's API key")
    media = studio.store.find_url(media_url)
    if media is None:
        raise ApiError(404, "media_url names no media of this API (or it was deleted already)")
    studio.store.delete(media)
    return web.json_response({"message": DELETED})
