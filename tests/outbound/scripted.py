"""A tiny scripted Bot API server: answers what a test tells it to (a 429, a slow answer) and
records every request, for the cases the Telegram emulator cannot produce on cue."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Params = dict[str, str]
Script = Callable[[str, Params], Awaitable[web.Response | None]]  # None: the usual answer


@dataclass(frozen=True)
class Seen:
    method: str
    chat_id: int | None
    text: str | None
    at: float  # time.monotonic() on arrival


@dataclass
class ScriptedBotApi:
    script: Script
    seen: list[Seen] = field(default_factory=list)
    _next_id: int = 1

    def calls(self, method: str) -> list[Seen]:
        return [s for s in self.seen if s.method == method]

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        chat = params.get("chat_id")
        self.seen.append(Seen(method, int(chat) if chat else None, params.get("text"), _now()))
        scripted = await self.script(method, params)
        return scripted if scripted is not None else ok(self._result(method, params))

    def _result(self, method: str, params: Params) -> Any:
        if method == "getMe":
            return {"id": 1000, "is_bot": True, "first_name": "Scripted", "username": "s_bot"}
        if method.startswith("send") and method != "sendChatAction":
            self._next_id += 1
            chat_id = int(params["chat_id"])
            chat = {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}
            return {"message_id": self._next_id, "date": int(time.time()), "chat": chat}
        return True


def _now() -> float:
    return time.monotonic()


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def too_many(seconds: int) -> web.Response:
    body = {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {seconds}",
        "parameters": {"retry_after": seconds},
    }
    return web.json_response(body, status=429)


@asynccontextmanager
async def serve_scripted(script: Script) -> AsyncIterator[tuple[str, ScriptedBotApi]]:
    """Serve on a free port; yields the `base_url` for a PTB bot and the server's record."""
    api = ScriptedBotApi(script)
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", api.handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/bot", api
    finally:
        await runner.cleanup()
