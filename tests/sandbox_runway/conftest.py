"""Fixtures: a running emulator, a client with the Bearer key, and a callback receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.pytest_plugin import AiohttpServer

from sandbox.runway import RunningRunway, RunwayKnobs, serve_runway
from tests.sandbox_runway.helpers import TEST_KEY


@pytest.fixture
def frame_scale(request: pytest.FixtureRequest) -> float:
    """Full-size frames: most of these tests look at sizes and pixels. A module that never
    does says `FRAME_SCALE = QUARTER`, which renders in about a quarter of the time."""
    return float(getattr(request.module, "FRAME_SCALE", 1.0))


@pytest.fixture
async def runway(frame_scale: float) -> AsyncIterator[RunningRunway]:
    knobs = RunwayKnobs(
        api_key=TEST_KEY,
        latency=0.2,
        seed=7,
        fps=6,
        callback_retry_delays=(0.05, 0.1, 0.1),
        frame_scale=frame_scale,
    )
    async with serve_runway(knobs) as running:
        yield running


@pytest.fixture
async def api(runway: RunningRunway) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bearer {TEST_KEY}"}
    async with aiohttp.ClientSession(base_url=runway.url, headers=headers) as session:
        yield session


@dataclass
class Receiver:
    """The bot's side of callbacks: records each one, answers with queued statuses."""

    url: str
    received: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((dict(request.headers), await request.json()))
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> Receiver:
    app = web.Application()
    box = Receiver(url="")
    app.router.add_post("/callbacks/runway/secret", box.handle)
    server = await aiohttp_server(app)
    box.url = str(server.make_url("/callbacks/runway/secret"))
    return box
