"""The aiohttp application factory."""

from __future__ import annotations

from aiohttp import web

from bot.domain.service import JobService
from bot.web.callbacks import runway_callback
from bot.web.health import healthz, metrics
from bot.web.keys import CONFIG, SERVICE, UPDATE_SINK, UpdateSink, WebConfig
from bot.web.telegram import telegram_update


def create_web_app(
    service: JobService, config: WebConfig, update_sink: UpdateSink | None = None
) -> web.Application:
    """Routes from CONTRACT.md; /telegram exists only when updates come by webhook."""
    app = web.Application(client_max_size=1024 * 1024)
    app[SERVICE] = service
    app[CONFIG] = config
    app.router.add_post("/callbacks/runway/{token}", runway_callback)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    if update_sink is not None:
        app[UPDATE_SINK] = update_sink
        app.router.add_post("/telegram", telegram_update)
    return app
