"""GET /media/{token}: the bot's own inputs for the Runway AI API, served to whoever holds an
unexpired link (bot/web/media_links.py) and to nobody else.

Only the file a valid token names is reachable: an unknown, forged, expired or malformed
token (a path trick among them) gets a bare 404. Range requests, HEAD and conditional requests
are aiohttp's FileResponse's."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiohttp import web

from bot.domain.errors import UserError
from bot.web.media_cache import MediaCache
from bot.web.media_links import MediaLinks

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MediaRoute:
    links: MediaLinks
    cache: MediaCache


MEDIA = web.AppKey("media", MediaRoute)


async def serve_media(request: web.Request) -> web.StreamResponse:
    route = request.app[MEDIA]
    link = route.links.read(request.match_info["token"])
    if link is None:
        raise web.HTTPNotFound()
    try:
        path = await route.cache.path_of(link.file_id, link.suffix)
    except UserError:
        raise web.HTTPNotFound() from None  # Telegram no longer has the file
    except Exception as exc:
        logger.warning("media for a provider could not be fetched (%s)", type(exc).__name__)
        raise web.HTTPServiceUnavailable() from None
    headers = {"Content-Type": link.content_type, "Cache-Control": "private, no-store"}
    return web.FileResponse(path, headers=headers)
