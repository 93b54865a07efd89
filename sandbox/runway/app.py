"""The emulator's aiohttp application and a context manager that serves it on a free port."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from sandbox.runway import account_views, aleph_views, control_views, runway_views, upload_views
from sandbox.runway.config import RunwayKnobs
from sandbox.runway.engine import Engine
from sandbox.runway.files import serve_file
from sandbox.runway.keys import ENGINE
from sandbox.runway.middleware import MIDDLEWARES
from sandbox.runway.state import RUNWAY_STATE, RunwayState
from sandbox.serving import serve_app

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 100 * 1024 * 1024  # base64 uploads of a few tens of MB


def create_runway_app(knobs: RunwayKnobs) -> web.Application:
    """An offline stand-in for the provider's API host and upload host in one server."""
    app = web.Application(middlewares=MIDDLEWARES, client_max_size=MAX_BODY_BYTES)
    state = RunwayState.create(knobs)
    engine = Engine(state)
    app[RUNWAY_STATE] = state
    app[ENGINE] = engine
    app.cleanup_ctx.append(_engine_running)
    app.on_shutdown.append(_stop_waiting)
    _add_routes(app.router)
    return app


async def _engine_running(app: web.Application) -> AsyncIterator[None]:
    async with app[ENGINE].running():
        yield


async def _stop_waiting(app: web.Application) -> None:
    """Answer hanging submissions now: the server waits for every open request to finish."""
    app[ENGINE].stop_waiting()


def _add_routes(router: web.UrlDispatcher) -> None:
    router.add_post("/api/v1/runway/generate", runway_views.generate)
    router.add_get("/api/v1/runway/record-detail", runway_views.record_detail_view)
    router.add_post("/api/v1/runway/extend", runway_views.extend)
    router.add_post("/api/v1/aleph/generate", aleph_views.aleph_generate)
    router.add_get("/api/v1/aleph/record-info", aleph_views.aleph_record_info_view)
    router.add_get("/api/v1/chat/credit", account_views.credit)
    router.add_post("/api/v1/common/download-url", account_views.download_url)
    router.add_post("/api/file-stream-upload", upload_views.stream_upload)
    router.add_post("/api/file-base64-upload", upload_views.base64_upload)
    router.add_post("/api/file-url-upload", upload_views.url_upload)
    router.add_get("/files/{tail:.+}", serve_file)
    router.add_get("/", control_views.index_view)
    router.add_get("/_emulator/requests", control_views.requests_view)
    router.add_get("/_emulator/tasks", control_views.tasks_view)
    router.add_get("/_emulator/callbacks", control_views.callbacks_view)
    router.add_get("/_emulator/submissions", control_views.submissions_view)
    router.add_get("/_emulator/stats", control_views.stats_view)
    router.add_get("/_emulator/knobs", control_views.knobs_view)
    router.add_post("/_emulator/knobs", control_views.update_knobs_view)
    router.add_post("/_emulator/tasks/{task_id}/expire", control_views.expire_view)


@dataclass(frozen=True, slots=True)
class RunningRunway:
    url: str
    state: RunwayState
    app: web.Application


@asynccontextmanager
async def serve_runway(
    knobs: RunwayKnobs, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningRunway]:
    """Serve the emulator until the block exits; port 0 picks a free port."""
    app = create_runway_app(knobs)
    async with serve_app(app, host, port) as url:
        yield RunningRunway(url, app[RUNWAY_STATE], app)
