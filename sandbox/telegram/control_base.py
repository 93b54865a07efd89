"""What every control API view shares: the envelope, refusals as JSON, typed path values."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox.telegram.errors import ApiError, bad_request
from sandbox.telegram.keys import TELEGRAM_STATE
from sandbox.telegram.state import TelegramState

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = tuple[str, str, Handler]
PREFIX = "/_emulator"


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def refused(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.code)


def guarded(handler: Handler) -> Handler:
    async def run(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as error:
            return refused(error)

    return run


def state_of(request: web.Request) -> TelegramState:
    return request.app[TELEGRAM_STATE]


def path_int(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise bad_request(f"invalid {name}") from None


def query_int(request: web.Request, name: str) -> int | None:
    value = request.query.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"invalid {name}") from None


def add_routes(app: web.Application, routes: list[Route]) -> None:
    for method, path, handler in routes:
        app.router.add_route(method, PREFIX + path, guarded(handler))
