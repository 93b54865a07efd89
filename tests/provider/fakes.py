"""A scripted stand-in for the provider at the HTTP seam, for replies the emulator never gives
(codes 402, 455, 505 in a 200 body, non-JSON bodies, dropped connections, stalls)."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Reply = Callable[[web.Request], Awaitable[web.StreamResponse]]


def envelope(code: int, msg: str = "", data: Any = None, *, status: int = 200) -> Reply:
    async def reply(request: web.Request) -> web.StreamResponse:
        return web.json_response({"code": code, "msg": msg, "data": data}, status=status)

    return reply


def ok(data: Any) -> Reply:
    return envelope(200, "success", data)


def raw(body: str, *, status: int = 200, content_type: str = "text/html") -> Reply:
    async def reply(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text=body, content_type=content_type)

    return reply


def json_body(body: Any, *, status: int = 200) -> Reply:
    async def reply(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text=json.dumps(body), content_type="application/json")

    return reply


async def drop(request: web.Request) -> web.StreamResponse:
    """Hang up without answering."""
    assert request.transport is not None
    request.transport.abort()
    return web.Response()


def stall(seconds: float) -> Reply:
    async def reply(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return web.json_response({"code": 200, "msg": "late", "data": 1})

    return reply


def late(reply: Reply, low: float, high: float, rng: random.Random) -> Reply:
    """`reply`, after a random delay between `low` and `high` seconds."""

    async def answer(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(rng.uniform(low, high))
        return await reply(request)

    return answer


@dataclass(frozen=True)
class Seen:
    """One request the fake received."""

    at: float
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeProvider:
    """Answers with `script` in order, then keeps repeating its last reply. `lag`, when set,
    gives the seconds a request waits before the fake counts it (a busy front end)."""

    url: str = ""
    script: list[Reply] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    lag: Callable[[], float] | None = None

    def answer(self, *replies: Reply) -> None:
        self.script = list(replies)
        self.seen.clear()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if self.lag is not None:
            await asyncio.sleep(self.lag())
        self.seen.append(
            Seen(
                time.monotonic(),
                request.method,
                request.path,
                dict(request.query),
                dict(request.headers),
                body,
            )
        )
        index = min(len(self.seen), len(self.script)) - 1
        return await self.script[index](request)


@asynccontextmanager
async def serve_fake() -> AsyncIterator[FakeProvider]:
    fake = FakeProvider(script=[ok(None)])
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.url = f"http://127.0.0.1:{port}"
    try:
        yield fake
    finally:
        await runner.cleanup()
