"""The emulator's aiohttp application and a context manager that serves it on a free port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from sandbox.runway_ai import (
    control_views,
    image_views,
    media_views,
    metadata_views,
    video_views,
)
from sandbox.runway_ai.config import RunwayAiKnobs, check_knobs
from sandbox.runway_ai.middleware import MIDDLEWARES
from sandbox.runway_ai.state import RUNWAY_AI_STATE, RunwayAiState
from sandbox.runway_ai.studio import STUDIO, Studio
from sandbox.serving import serve_app

MAX_BODY_BYTES = 1024 * 1024  # parameters only: media always come by URL
SHUTDOWN_SECONDS = 1.0  # how long a stop waits for calls in flight before cancelling them


def create_runway_ai_app(knobs: RunwayAiKnobs) -> web.Application:
    """An offline stand-in for the Runway AI API host: the API, its results, its control API."""
    app = web.Application(middlewares=MIDDLEWARES, client_max_size=MAX_BODY_BYTES)
    state = RunwayAiState.create(check_knobs(knobs))
    app[RUNWAY_AI_STATE] = state
    app[STUDIO] = Studio(state)
    app.cleanup_ctx.append(_studio_open)
    _add_api_routes(app.router)
    _add_own_routes(app.router)
    return app


async def _studio_open(app: web.Application) -> AsyncIterator[None]:
    async with app[STUDIO].open():
        yield


def _add_api_routes(router: web.UrlDispatcher) -> None:
    post = router.add_post
    post("/v1/generate-image", image_views.generate_image)
    post("/v1/edit-image", image_views.edit_image)
    post("/v1/generate-video", video_views.generate_video)
    post("/v1/edit-video", video_views.edit_video)
    post("/v1/video-filter", video_views.video_filter)
    router.add_get("/v1/image-metadata", metadata_views.image_metadata)
    router.add_get("/v1/video-metadata", metadata_views.video_metadata)
    post("/v1/image-to-video", video_views.image_to_video)
    post("/v1/add-text-to-image", image_views.add_text_to_image)
    post("/v1/style-transfer", image_views.style_transfer)
    post("/v1/resize-video", video_views.resize_video)
    post("/v1/generate-thumbnail", video_views.generate_thumbnail)
    post("/v1/extract-audio", video_views.extract_audio)
    post("/v1/speed-adjust", video_views.speed_adjust)
    router.add_delete("/v1/delete-media", media_views.delete_media)


def _add_own_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/{folder:images|videos|audios}/{name}", media_views.serve_media)
    router.add_get("/", control_views.index_view)
    router.add_get("/_emulator/knobs", control_views.knobs_view)
    router.add_post("/_emulator/knobs", control_views.update_knobs_view)
    router.add_get("/_emulator/requests", control_views.requests_view)
    router.add_delete("/_emulator/requests", control_views.clear_requests_view)
    router.add_get("/_emulator/media", control_views.media_view)
    router.add_post("/_emulator/reset", control_views.reset_view)


@dataclass(frozen=True, slots=True)
class RunningRunwayAi:
    url: str
    state: RunwayAiState
    app: web.Application


@asynccontextmanager
async def serve_runway_ai(
    knobs: RunwayAiKnobs, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[RunningRunwayAi]:
    """Serve the emulator until the block exits; port 0 picks a free port."""
    app = create_runway_ai_app(knobs)
    async with serve_app(app, host, port, shutdown_timeout=SHUTDOWN_SECONDS) as url:
        yield RunningRunwayAi(url, app[RUNWAY_AI_STATE], app)
