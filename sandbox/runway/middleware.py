"""Cross-cutting behaviour of every call: recording, Bearer auth, injected faults, the gate of
generation requests (maintenance and the rate limit), expiry, envelopes."""

from __future__ import annotations

import hmac
import json
import logging
import time
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from sandbox.runway.catalog import MAINTENANCE_MSG, RATE_LIMIT_MSG
from sandbox.runway.envelope import ApiError, error_response
from sandbox.runway.keys import ENGINE
from sandbox.runway.state import RUNWAY_STATE, RecordedRequest, RunwayState, SubmissionRecord

logger = logging.getLogger(__name__)

RECORD = web.RequestKey("runway_record", RecordedRequest)
ARRIVED = web.RequestKey("runway_arrived", float)  # monotonic time the headers came in
SUBMISSION = web.RequestKey("runway_submission", SubmissionRecord)
GENERATION_PATHS = frozenset(
    {"/api/v1/runway/generate", "/api/v1/runway/extend", "/api/v1/aleph/generate"}
)
API_PREFIX = "/api/"
EMULATOR_PREFIX = "/_emulator/"
REDACTED_FIELDS = frozenset({"base64Data"})


@web.middleware
async def envelope_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as error:
        if error.code == 429:
            request.app[RUNWAY_STATE].answered_429 += 1
        return error_response(request, error)


@web.middleware
async def record_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Keep every request but the emulator's own control calls, file bytes left out.

    A request is kept as it arrives, and its JSON body added once it was answered: nothing
    here waits for the body, so the rate limit can count a request when its headers arrive.
    """
    request[ARRIVED] = time.monotonic()
    if request.path.startswith(EMULATOR_PREFIX):
        return await handler(request)
    record = RecordedRequest(request.method, request.path, dict(request.query))
    request[RECORD] = record
    request.app[RUNWAY_STATE].requests.append(record)
    try:
        return await handler(request)
    finally:
        if request.content_type == "application/json":
            record.json = await _redacted_json(request)


async def _redacted_json(request: web.Request) -> Any:
    """The body as JSON with secrets-like fields cut, or None (unreadable, not JSON)."""
    try:
        body = json.loads(await request.read())
    except (ValueError, OSError, web.HTTPException):
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


@web.middleware
async def generation_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Record each generation request; refuse it in maintenance (455) or over the limit (429).

    The view sets the record's task id and code (see `submissions.answer_created`).
    """
    if request.method != "POST" or request.path not in GENERATION_PATHS:
        return await handler(request)
    state = request.app[RUNWAY_STATE]
    record = SubmissionRecord(request[RECORD])
    state.submissions.append(record)
    request[SUBMISSION] = record
    try:
        _admit(state, request[ARRIVED])
        return await handler(request)
    except ApiError as error:
        record.code = error.code
        raise


def _admit(state: RunwayState, arrived: float) -> None:
    if state.in_maintenance():
        raise ApiError(455, MAINTENANCE_MSG)
    if not state.take_generation_slot(arrived):
        state.rate_limited += 1
        raise ApiError(429, RATE_LIMIT_MSG)


@web.middleware
async def age_tasks(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Expire the tasks whose time is up before anything can see them."""
    request.app[ENGINE].expire_due()
    return await handler(request)


MIDDLEWARES = (
    envelope_errors,
    record_requests,
    age_tasks,
    bearer_auth,
    injected_faults,
    generation_gate,
)
