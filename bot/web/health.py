"""GET /healthz and GET /metrics, per replica."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.web.keys import SERVICE

logger = logging.getLogger(__name__)

Backend = Literal["sqlite", "postgres"]


def _set_event() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event


def _never() -> bool:
    return False


@dataclass(frozen=True, slots=True)
class ReplicaHealth:
    """What /healthz tells besides the database: the backend, whether start-up recovery is
    done (`ready`: the timers' first look), and whether this replica polls Telegram now."""

    backend: Backend = "sqlite"
    ready: asyncio.Event = field(default_factory=_set_event)
    polling: Callable[[], bool] = _never


HEALTH = web.AppKey("health", ReplicaHealth)


async def healthz(request: web.Request) -> web.Response:
    """200 when this replica can take work: recovery done and the database takes a write (a
    heartbeat row); 503 otherwise, saying which."""
    health = request.app[HEALTH]
    service = request.app[SERVICE]
    body: dict[str, object] = {
        "backend": health.backend,
        "replica": service.owner,
        "poller": health.polling(),
        "ready": health.ready.is_set(),
    }
    try:
        await service.store.ping()
        body["database"] = "ok"
    except Exception as exc:
        logger.warning("health check: the database does not take writes (%s)", exc)
        body["database"] = "unwritable"
    healthy = body["database"] == "ok" and health.ready.is_set()
    status = "ok" if healthy else ("error" if body["database"] != "ok" else "starting")
    return web.json_response({"status": status, **body}, status=200 if healthy else 503)


async def metrics(request: web.Request) -> web.Response:
    """The Prometheus text format; jobs by state are counted in the store at each scrape."""
    service = request.app[SERVICE]
    counts = await service.store.count_by_state()
    service.metrics.poller_lease.set(1 if request.app[HEALTH].polling() else 0)
    body = service.metrics.exposition(counts)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
