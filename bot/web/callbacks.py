"""POST /callbacks/runway/{token}: the provider says a task moved on."""

from __future__ import annotations

import logging
import time

from aiohttp import web

from bot.domain.errors import JobNotFoundError
from bot.provider.callbacks import CallbackError, parse_callback, verify_signature
from bot.web.bodies import read_capped
from bot.web.keys import CONFIG, SERVICE

logger = logging.getLogger(__name__)


async def runway_callback(request: web.Request) -> web.Response:
    """Authenticate by the per-job token (and the signature when configured), store the update,
    answer at once; delivery runs in the service's background tasks."""
    service, config = request.app[SERVICE], request.app[CONFIG]
    body = await read_capped(request, config.max_body_bytes)
    token = request.match_info["token"]
    if await service.store.by_callback_token(token) is None:
        return _reject(request, "unknown_token", web.HTTPNotFound)
    try:
        task_id, update = parse_callback(body)
    except CallbackError as exc:
        logger.info("unreadable callback: %s", exc)
        return _reject(request, "unreadable", web.HTTPBadRequest)
    if config.callback_hmac_key and not _signed(request, config.callback_hmac_key, task_id):
        return _reject(request, "bad_signature", web.HTTPUnauthorized)
    try:
        await service.record_callback(token, task_id, update)
    except JobNotFoundError:
        return _reject(request, "task_mismatch", web.HTTPNotFound)
    service.metrics.inc("callbacks_accepted")
    return web.json_response({"code": 200, "msg": "ok"})


def _signed(request: web.Request, key: str, task_id: str) -> bool:
    return verify_signature(
        key,
        task_id,
        request.headers.get("X-Webhook-Timestamp"),
        request.headers.get("X-Webhook-Signature"),
        now=time.time(),
        window=request.app[CONFIG].signature_window,
    )


def _reject(request: web.Request, reason: str, status: type[web.HTTPException]) -> web.Response:
    request.app[SERVICE].metrics.inc("callbacks_rejected", reason)
    return web.Response(status=status.status_code)
