"""Cross-cutting behaviour of every call: recording, Bearer auth, injected faults, envelopes."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from sandbox.runway.envelope import ApiError, error_response
from sandbox.runway.state import RUNWAY_STATE, RecordedRequest

logger = logging.getLogger(__name__)

RECORD = web.RequestKey("runway_record", RecordedRequest)
API_PREFIX = "/api/"
EMULATOR_PREFIX = "/_emulator/"
REDACTED_FIELDS = frozenset({"base64Data"})


@web.middleware
async def envelope_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as error:
        return error_response(request, error)


@web.middleware
async def record_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Keep every request but the emulator's own control calls, file bytes left out."""
    if request.path.startswith(EMULATOR_PREFIX):
        return await handler(request)
    record = RecordedRequest(request.method, request.path, dict(request.query))
    if request.content_type == "application/json":
        record.json = await _redacted_json(request)
    request[RECORD] = record
    request.app[RUNWAY_STATE].requests.append(record)
    return await handler(request)


async def _redacted_json(request: web.Request) -> Any:
    try:
        body = json.loads(await request.read())
    except ValueError:
        return None
    if isinstance(body, dict):
        return {k: _redact(k, v) for k, v in body.items()}
    return body


def _redact(key: str, value: Any) -> Any:
    if key in REDACTED_FIELDS and isinstance(value, str):
        return f"<{len(value)} characters>"
    return value


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    key = request.app[RUNWAY_STATE].knobs.api_key
    if key is not None and request.path.startswith(API_PREFIX):
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {key}".encode()):
            raise ApiError(401, "You do not have access permissions")
    return await handler(request)


@web.middleware
async def injected_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer a share of API calls with 429 or 500, as a busy provider does."""
    state = request.app[RUNWAY_STATE]
    if request.path.startswith(API_PREFIX):
        if state.chance(state.knobs.rate_429):
            raise ApiError(429, "Too many requests, please try again later")
        if state.chance(state.knobs.rate_500):
            status = 500 if state.rng.random() < 0.5 else 200
            raise ApiError(500, "Server Error", http_status=status)
    return await handler(request)


MIDDLEWARES = (envelope_errors, record_requests, bearer_auth, injected_faults)
