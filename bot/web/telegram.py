"""POST /telegram: Telegram updates in webhook mode."""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web

from bot.web.bodies import read_capped
from bot.web.keys import CONFIG, UPDATE_SINK

logger = logging.getLogger(__name__)

MAX_UPDATE_BYTES = 1024 * 1024


async def telegram_update(request: web.Request) -> web.Response:
    """Check Telegram's secret header in constant time, queue the update, answer at once."""
    expected = request.app[CONFIG].telegram_secret
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return web.Response(status=401)
    body = await read_capped(request, MAX_UPDATE_BYTES)
    try:
        payload = json.loads(body)
    except ValueError:
        return web.Response(status=400)
    if not isinstance(payload, dict) or not isinstance(payload.get("update_id"), int):
        return web.Response(status=400)
    try:
        await request.app[UPDATE_SINK](payload)
    except (KeyError, TypeError, ValueError):
        logger.info("an update that does not parse was refused")
        return web.Response(status=400)
    return web.Response()
