"""The emulator's aiohttp application: Bot API methods, file downloads, control API, web chat."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.telegram.api_common import ApiContext
from sandbox.telegram.config import TelegramEmulatorConfig
from sandbox.telegram.control import add_control_routes, refused
from sandbox.telegram.errors import ApiError
from sandbox.telegram.faults import after_work, before_work
from sandbox.telegram.keys import HTTP_SESSION, TELEGRAM_STATE
from sandbox.telegram.methods import METHODS, Method
from sandbox.telegram.params import Params, read_params
from sandbox.telegram.state import TelegramState
from sandbox.telegram.webhook import deliver_webhooks

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
_CONTROL_BODY_LIMIT = 1024 * 1024


def create_telegram_app(config: TelegramEmulatorConfig) -> web.Application:
    app = web.Application(client_max_size=_CONTROL_BODY_LIMIT)
    app.cleanup_ctx.append(_resources(config))
    app.on_shutdown.append(_stop_waiting)
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{file_path:.+}", download)
    add_control_routes(app)
    app.router.add_get("/", index)
    app.router.add_static("/static", STATIC_DIR)
    return app


def _resources(
    config: TelegramEmulatorConfig,
) -> Callable[[web.Application], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def resources(app: web.Application) -> AsyncIterator[None]:
        with tempfile.TemporaryDirectory(prefix="telegram-sandbox-") as folder:
            state = TelegramState(config, Path(folder))
            app[TELEGRAM_STATE] = state
            async with aiohttp.ClientSession(trust_env=False) as session:
                app[HTTP_SESSION] = session
                retry = (config.webhook_retry_initial, config.webhook_retry_max)
                task = asyncio.create_task(
                    deliver_webhooks(state.webhook, state.updates, session, retry)
                )
                yield
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    return resources


async def _stop_waiting(app: web.Application) -> None:
    await app[TELEGRAM_STATE].close()


async def bot_api(request: web.Request) -> web.Response:
    state = request.app[TELEGRAM_STATE]
    if not hmac.compare_digest(request.match_info["token"], state.config.bot_token):
        return refused(ApiError(401, "Unauthorized"))
    method = request.match_info["method"]
    handler = METHODS.get(method.lower())
    if handler is None:
        return refused(ApiError(404, "Not Found"))
    state.stats.requests[method] += 1
    context = ApiContext(state, request.app[HTTP_SESSION], method, lambda: _gone(request))
    chat_id: int | None = None
    try:
        params = await read_params(request, state.upload_dir)
        try:
            chat_id = _chat_id(state, params)
            result = await _answer(context, handler, params, chat_id)
        finally:
            params.cleanup()
    except ApiError as error:
        state.stats.refuse(method, error.code, error.description, chat_id)
        logger.info("%s refused: %s", method, error.description)
        return refused(error)
    return web.json_response({"ok": True, "result": result})


async def _answer(ctx: ApiContext, handler: Method, params: Params, chat_id: int | None) -> Any:
    """Run the method between the injected faults that catch this request."""
    faults = ctx.state.faults.take(ctx.method, chat_id)
    for fault in faults:
        ctx.state.stats.inject(fault.kind, ctx.method)
    await before_work(faults)
    result = await handler(ctx, params)
    await after_work(faults)
    return result


def _gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _chat_id(state: TelegramState, params: Params) -> int | None:
    """The chat a request is about, for fault scopes and per-chat stats (None: no chat)."""
    value = params.values.get("chat_id")
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.startswith("@"):
        chat = state.world.find_chat(value)
        return chat.id if chat else None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


async def download(request: web.Request) -> web.StreamResponse:
    state = request.app[TELEGRAM_STATE]
    token_ok = hmac.compare_digest(request.match_info["token"], state.config.bot_token)
    stored = state.files.by_path(request.match_info["file_path"]) if token_ok else None
    if stored is None:
        return refused(ApiError(404, "Not Found"))
    return web.FileResponse(stored.path)


async def index(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC_DIR / "index.html")
