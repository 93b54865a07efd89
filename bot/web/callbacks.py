"""POST /callbacks/runway/{token}: the provider says a task moved on."""

from __future__ import annotations

import json
import logging
import re
import time

from aiohttp import web

from bot.domain.errors import JobNotFoundError
from bot.domain.ports import JobRef
from bot.domain.updates import TaskUpdate
from bot.provider.kie.callbacks import CallbackError, parse_callback, verify_signature
from bot.web.bodies import BodyError, nests_deeper, read_capped
from bot.web.keys import CONFIG, SERVICE

logger = logging.getLogger(__name__)

# Tokens are secrets.token_urlsafe(24); anything else in that place cannot name a job.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,128}")
# The provider's expected answer, the same for every accepted callback: encoded once.
_OK = json.dumps({"code": 200, "msg": "ok"}).encode()


async def runway_callback(request: web.Request) -> web.Response:
    """Authenticate by the per-job token (and the signature when configured) before parsing,
    store the update, answer at once; delivery runs in the service's background tasks."""
    service, config = request.app[SERVICE], request.app[CONFIG]
    job = await _job_of(request)
    if job is None:
        return _reject(request, "unknown_token", 404)
    try:
        body = await read_capped(request, config.max_body_bytes, config.body_timeout)
    except BodyError as exc:
        return _reject(request, exc.reason, exc.status)
    if job.task_id is not None and not _signed(request, job.task_id):
        return _reject(request, "bad_signature", 401)
    try:
        task_id, update = _parse(body)
    except CallbackError as exc:
        logger.info("callback for job %s refused: %s", job.id, exc)
        return _reject(request, "unreadable", 400)
    if job.task_id is None and not _signed(request, task_id):
        return _reject(request, "bad_signature", 401)
    try:
        await service.record_callback(job, task_id, update)
    except JobNotFoundError:
        return _reject(request, "task_mismatch", 404)
    service.metrics.inc("callbacks_accepted")
    return web.Response(body=_OK, content_type="application/json")


async def _job_of(request: web.Request) -> JobRef | None:
    token = request.match_info["token"]
    if not _TOKEN.fullmatch(token):
        return None
    return await request.app[SERVICE].store.by_callback_token(token)


def _parse(body: bytes) -> tuple[str, TaskUpdate]:
    if nests_deeper(body):
        raise CallbackError("the callback nests deeper than any callback does")
    return parse_callback(body)


def _signed(request: web.Request, task_id: str) -> bool:
    """True when no key is configured, or the signature over `task_id` is the provider's."""
    config = request.app[CONFIG]
    if not config.callback_hmac_key:
        return True
    return verify_signature(
        config.callback_hmac_key,
        task_id,
        request.headers.get("X-Webhook-Timestamp"),
        request.headers.get("X-Webhook-Signature"),
        now=time.time(),
        window=config.signature_window,
    )


def _reject(request: web.Request, reason: str, status: int) -> web.Response:
    """A bare refusal: counted by reason, logged at INFO, no detail for the caller."""
    logger.info("callback refused with %s (%s)", status, reason)
    request.app[SERVICE].metrics.inc("callbacks_rejected", reason)
    return web.Response(status=status)
