"""Reading request parameters: a JSON object (POST), query parameters (GET), either (DELETE).
Every refusal names the field and says what is valid."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from sandbox.runway_ai.errors import ApiError, invalid
from sandbox.runway_ai.state import RECORD

Params = Mapping[str, Any]


async def json_body(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object, or 400 saying what is wrong with it."""
    raw = await request.read()
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, f"the body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object of parameters")
    return _noted(request, body)


async def query_or_body(request: web.Request) -> dict[str, Any]:
    """Query parameters, overridden by a JSON body when one is sent (delete-media)."""
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        params.update(await json_body(request))
    return _noted(request, params)


def query(request: web.Request) -> dict[str, Any]:
    return _noted(request, dict(request.query))


def _noted(request: web.Request, params: dict[str, Any]) -> dict[str, Any]:
    """Note the URLs a call names in its record, for /_emulator/requests."""
    record = request.get(RECORD)
    if record is not None:
        record.note_params(params)
    return params


def text(params: Params, name: str, *, max_length: int = 2000) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value.strip():
        raise invalid(f"{name} is required: a non-empty string")
    if len(value) > max_length:
        raise invalid(f"{name} is {len(value)} characters long; at most {max_length} allowed")
    return value


def url(params: Params, name: str) -> str:
    value = text(params, name, max_length=4096)
    if not value.startswith(("http://", "https://")):
        raise invalid(f"{name} must be an http:// or https:// URL")
    return value


def choice(params: Params, name: str, allowed: tuple[str, ...], default: str | None = None) -> str:
    value = _get(params, name, default)
    if value is None:
        raise invalid(f"{name} is required; one of {', '.join(allowed)}")
    if value not in allowed:
        raise invalid(f"{name} {value!r} is not valid; use one of {', '.join(allowed)}")
    return str(value)


def whole(params: Params, name: str, low: int, high: int, default: int | None = None) -> int:
    """A whole number in [low, high]; 5.0 counts as 5."""
    value = _get(params, name, default)
    rule = f"a whole number from {low} to {high}"
    if value is None:
        raise invalid(f"{name} is required: {rule}")
    if not _is_number(value) or not float(value).is_integer():
        raise invalid(f"{name} must be {rule}, not {value!r}")
    if not low <= value <= high:
        raise invalid(f"{name} must be {rule}, not {value:g}")
    return int(value)


def optional_whole(params: Params, name: str, low: int, high: int) -> int | None:
    return None if params.get(name) is None else whole(params, name, low, high)


def number(
    params: Params, name: str, low: float, high: float, default: float | None = None
) -> float:
    value = _get(params, name, default)
    rule = f"a number from {low:g} to {high:g}"
    if value is None:
        raise invalid(f"{name} is required: {rule}")
    if not _is_number(value) or not low <= value <= high:
        raise invalid(f"{name} must be {rule}, not {value!r}")
    return float(value)


def optional_number(params: Params, name: str, low: float, high: float) -> float | None:
    return None if params.get(name) is None else number(params, name, low, high)


def _get(params: Params, name: str, default: Any) -> Any:
    """The value of `name`; an explicit null counts as left out."""
    value = params.get(name)
    return default if value is None else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
