"""POST /telegram: Telegram updates in webhook mode."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web

from bot.web.bodies import BodyError, load_object, read_capped
from bot.web.keys import CONFIG, UPDATE_SINK

logger = logging.getLogger(__name__)

MAX_UPDATE_ID = 2**63 - 1
# What a sink raises for an update whose fields do not have the shapes they promise (PTB's
# de_json: KeyError, TypeError, AttributeError; ValueError, OverflowError or OSError for dates).
UNPARSEABLE = (LookupError, TypeError, ValueError, AttributeError, ArithmeticError, OSError)


async def telegram_update(request: web.Request) -> web.Response:
    """Check Telegram's secret header in constant time before reading anything, queue the
    update, answer at once."""
    config = request.app[CONFIG]
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not config.telegram_secret or not hmac.compare_digest(
        given.encode(), config.telegram_secret.encode()
    ):
        logger.info("webhook update refused: wrong or missing secret token")
        return web.Response(status=401)
    try:
        body = await read_capped(request, config.max_update_bytes, config.body_timeout)
        payload = load_object(body)
    except BodyError as exc:
        logger.info("webhook update refused with %s (%s)", exc.status, exc.reason)
        return web.Response(status=exc.status)
    update_id = payload.get("update_id")
    if type(update_id) is not int or not 0 <= update_id <= MAX_UPDATE_ID:
        logger.info("webhook update refused: no usable update_id")
        return web.Response(status=400)
    try:
        await request.app[UPDATE_SINK](payload)
    except UNPARSEABLE as exc:
        reason = type(exc).__name__
        logger.info("webhook update %s refused: it does not parse (%s)", update_id, reason)
        return web.Response(status=400)
    return web.Response()
