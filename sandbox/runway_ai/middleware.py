"""What every call goes through: a record of it, JSON errors, Bearer auth on /v1, and the
knobs' latency, hangs and injected 429s and 500s."""

from __future__ import annotations

import asyncio
import hmac
import logging

from aiohttp import web
from aiohttp.typedefs import Handler

from sandbox.runway_ai.errors import ApiError, error_response
from sandbox.runway_ai.state import RECORD, RUNWAY_AI_STATE, RecordedRequest

logger = logging.getLogger(__name__)

API_PREFIX = "/v1/"


@web.middleware
async def record_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Keep every /v1 call: method, path, the URLs it named and fetched, the status."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    record = RecordedRequest(request.method, request.path)
    request[RECORD] = record
    request.app[RUNWAY_AI_STATE].remember(record)
    response = await handler(request)
    record.status = response.status
    return response


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every refusal as `{"error": {"code", "message"}}`; an unexpected failure as a 500."""
    try:
        return await handler(request)
    except ApiError as error:
        return error_response(error)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(ApiError(exc.status, _http_message(request, exc)))
    except Exception:
        logger.exception("%s %s failed", request.method, request.path)
        return error_response(ApiError(500, "the emulator failed while doing the work"))


def _http_message(request: web.Request, exc: web.HTTPException) -> str:
    if isinstance(exc, web.HTTPMethodNotAllowed):
        return f"{request.path} takes {', '.join(sorted(exc.allowed_methods))}"
    if isinstance(exc, web.HTTPNotFound):
        return f"{request.method} {request.path} is not an endpoint of this API"
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        return "the request body is too large"
    return exc.reason


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    key = request.app[RUNWAY_AI_STATE].knobs.api_key
    if key is not None and request.path.startswith(API_PREFIX):
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {key}".encode()):
            raise ApiError(401, "missing or wrong API key: send Authorization: Bearer <key>")
    return await handler(request)


@web.middleware
async def injected_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
    """429 before any work; latency and hangs after it; 500 once the work is done, as a
    provider that fails while answering would (the result exists, the caller never learns)."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    state = request.app[RUNWAY_AI_STATE]
    knobs = state.knobs
    if state.chance(knobs.rate_429):
        raise ApiError(429, "too many requests: wait a moment and try again")
    response = await handler(request)
    if knobs.latency + knobs.hang > 0:
        await asyncio.sleep(knobs.latency + knobs.hang)
    if state.chance(knobs.failure_rate):
        raise ApiError(500, "the server failed while answering")
    return response


MIDDLEWARES = (record_requests, json_errors, bearer_auth, injected_faults)
