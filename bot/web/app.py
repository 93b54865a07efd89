"""The aiohttp application factory."""

from __future__ import annotations

from aiohttp import web

from bot.domain.service import JobService
from bot.web.callbacks import runway_callback
from bot.web.health import HEALTH, ReplicaHealth, healthz, metrics
from bot.web.keys import CONFIG, SERVICE, UPDATE_SINK, UpdateSink, WebConfig
from bot.web.media import MEDIA, MediaRoute, serve_media
from bot.web.telegram import telegram_update


def create_web_app(
    service: JobService,
    config: WebConfig,
    update_sink: UpdateSink | None = None,
    media: MediaRoute | None = None,
    health: ReplicaHealth | None = None,
) -> web.Application:
    """Routes from CONTRACT.md; /telegram exists only when updates come by webhook, /media only
    when the bot hands media to the Runway AI API by its own links.

    aiohttp has no header timeout of its own. Its keep-alive timer, though, runs from the moment
    a connection opens and from each response on, is not pushed back by incoming bytes, and
    closes the connection when it fires while no complete request has arrived. Set to
    `header_timeout`, it closes a connection that trickles its headers (or sends nothing) after
    that many seconds, wherever the app is served (AppRunner, TestServer); a request whose
    headers are in is not affected, and its body has `body_timeout` (see bodies.read_capped).
    """
    app = web.Application(
        client_max_size=config.max_update_bytes,
        handler_args={"keepalive_timeout": config.header_timeout},
    )
    app[SERVICE] = service
    app[CONFIG] = config
    app[HEALTH] = health or ReplicaHealth()
    app.router.add_post("/callbacks/runway/{token}", runway_callback)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    if update_sink is not None:
        app[UPDATE_SINK] = update_sink
        app.router.add_post("/telegram", telegram_update)
    if media is not None:
        app[MEDIA] = media
        app.router.add_get("/media/{token}", serve_media)
    return app
