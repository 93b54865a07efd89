"""The bot's real web app on a real port, with the job service behind it talking to the Runway
API emulator, a real SQLite file, and python-telegram-bot's own Update parsing behind /telegram.
Attacks go at it over real HTTP, some of them through a raw socket."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr
from telegram import Bot, Update

from bot.config import Settings
from bot.domain.models import Draft, Job, JobKind, Origin, VideoOptions
from bot.domain.ports import JobStore
from bot.domain.service import JobService
from bot.provider.kie.callbacks import sign
from bot.web.keys import WebConfig
from bot.wiring import running_bot
from sandbox.runway import RunwayKnobs, serve_runway
from tests.core.conftest import RecordingNotifier, fast_timing
from tests.support import QUARTER, bot_requests, eventually, free_port

API_KEY = "security-key"
HMAC_KEY = "security-hmac-key"
WEBHOOK_SECRET = "security-webhook-secret"
BOT_TOKEN = "123456:security-bot-token"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEADER_TIMEOUT = 1.0
BODY_TIMEOUT = 3.0  # well above the slow bodies the tests send, on a loaded machine too
ORIGIN = Origin(chat_id=42, user_id=7, request_message_id=5)


@dataclass
class Edge:
    """The running web edge and what stands behind it."""

    url: str
    port: int
    service: JobService
    store: JobStore
    updates: list[Update] = field(default_factory=list)

    async def job(self, prompt: str = "a lighthouse at dusk") -> Job:
        """A submitted job whose callback the emulator will not send: the test sends it."""
        draft = Draft(JobKind.TEXT, f"{prompt} [[nocallback]]", VideoOptions())
        job = await self.service.submit(ORIGIN, draft)
        found: list[Job] = []

        async def sent() -> bool:
            current = await self.store.get(job.id)
            if current is not None and current.task_id:
                found.append(current)
            return bool(found)

        await eventually(sent, what="the provider taking the request")
        return found[0]

    def callback_url(self, job: Job) -> str:
        return f"{self.url}/callbacks/runway/{job.callback_token}"


def success_body(task_id: str, **extra: Any) -> bytes:
    data = {"task_id": task_id, "video_id": "v", "video_url": "https://cdn.example/x.mp4"}
    return json.dumps({"code": 200, "msg": "done", "data": data, **extra}).encode()


def signed_headers(task_id: str, key: str = HMAC_KEY) -> dict[str, str]:
    now = str(int(time.time()))
    return {"X-Webhook-Timestamp": now, "X-Webhook-Signature": sign(key, task_id, now)}


async def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers or {}) as response,
    ):
        return response.status, await response.read()


async def start_edge(stack: AsyncExitStack, tmp_path: Path) -> Edge:
    """The bot through its own wiring, with a recording notifier at the Telegram seam and
    PTB's own Update.de_json behind /telegram."""
    runway = await stack.enter_async_context(
        serve_runway(
            RunwayKnobs(
                api_key=API_KEY, webhook_hmac_key=HMAC_KEY, latency=0.2, fps=4, frame_scale=QUARTER
            )
        )
    )
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    updates: list[Update] = []
    parser = Bot(BOT_TOKEN, **bot_requests())

    async def sink(payload: dict[str, Any]) -> None:
        updates.append(Update.de_json(payload, parser))

    settings = Settings(
        _env_file=None,
        runway_api_key=SecretStr(API_KEY),
        runway_api_url=runway.url,
        runway_upload_url=runway.url,
        runway_webhook_hmac_key=SecretStr(HMAC_KEY),
        public_url=url,
        http_host="127.0.0.1",
        http_port=port,
        database_path=str(tmp_path / "bot.sqlite3"),
        poll_interval_seconds=60,
        drain_seconds=2.0,
    )
    config = WebConfig(
        callback_hmac_key=HMAC_KEY,
        telegram_secret=WEBHOOK_SECRET,
        header_timeout=HEADER_TIMEOUT,
        body_timeout=BODY_TIMEOUT,
    )
    bot = await stack.enter_async_context(
        running_bot(
            settings,
            notifier=RecordingNotifier(),
            timing=fast_timing(60, 600),
            web=config,
            update_sink=sink,
        )
    )
    await asyncio.wait_for(bot.timers.ready.wait(), 10)  # /healthz is 503 until then
    return Edge(url, port, bot.service, bot.store, updates)


@pytest.fixture
async def edge(tmp_path: Path) -> AsyncIterator[Edge]:
    async with AsyncExitStack() as stack:
        yield await start_edge(stack, tmp_path)


class RawClient:
    """HTTP/1.1 by hand over a socket, for what aiohttp's client will not send."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def send(self, parts: list[bytes], pause: float = 0.05) -> tuple[int, bytes]:
        """Send `parts` as separate TCP writes with a pause after each; the status and body.
        The server may answer (413) and stop reading before all parts are sent."""
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            with contextlib.suppress(ConnectionError):
                for part in parts:
                    writer.write(part)
                    await writer.drain()
                    await asyncio.sleep(pause)
            return await asyncio.wait_for(_read_response(reader), timeout=15)
        finally:
            writer.close()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status = int(head.split(" ", 2)[1])
    length = 0
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


def request_head(
    path: str, headers: dict[str, str], length: int | None = None, chunked: bool = False
) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunks(body: bytes, size: int) -> list[bytes]:
    return [body[index : index + size] for index in range(0, len(body), size)]


def chunked_encoding(body: bytes, size: int) -> list[bytes]:
    """`body` in HTTP chunked framing, one write per chunk, then the last chunk."""
    framed = [f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in chunks(body, size)]
    return [*framed, b"0\r\n\r\n"]
