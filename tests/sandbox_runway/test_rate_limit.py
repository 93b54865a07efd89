"""The generation limit: a sliding window over arrival times, in which refusals do not count."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from sandbox.runway import RunningRunway
from tests.sandbox_runway.helpers import (
    TEST_KEY,
    TEXT_BODY,
    control,
    envelope,
    set_knobs,
    wait_until,
)

GENERATE = "/api/v1/runway/generate"
QUICK = {**TEXT_BODY, "prompt": "quick [[fail]]"}


async def codes(api: aiohttp.ClientSession, count: int) -> list[int]:
    return [(await envelope(api, "POST", GENERATE, json=QUICK))["code"] for _ in range(count)]


async def test_refused_requests_do_not_fill_the_window(api: aiohttp.ClientSession) -> None:
    await set_knobs(api, generation_limit=3, generation_window=1.5)
    started = time.monotonic()
    first = await codes(api, 3)
    first_done = time.monotonic()
    await asyncio.sleep(max(0.0, started + 0.75 - time.monotonic()))
    refused = await codes(api, 2)  # these arrive halfway through the window: refused
    await asyncio.sleep(max(0.0, first_done + 1.6 - time.monotonic()))
    again = await codes(api, 3)  # the first three have left the window; the refusals never came in

    assert (first, refused, again) == ([200] * 3, [429] * 2, [200] * 3)
    await set_knobs(api, rate_429=1.0)
    assert (await envelope(api, "GET", "/api/v1/chat/credit"))["code"] == 429
    stats = await control(api, "stats")
    assert (stats["answered_429"], stats["rate_limited"]) == (3, 2)


async def test_a_request_counts_when_it_arrives_not_when_its_body_is_read(
    api: aiohttp.ClientSession, runway: RunningRunway
) -> None:
    await set_knobs(api, generation_limit=1, generation_window=60.0)
    address = urlsplit(runway.url)
    assert address.hostname and address.port
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        body = json.dumps(QUICK).encode()
        writer.write(head(runway.url, len(body)))
        await writer.drain()
        await wait_until(lambda: len(runway.state.submissions) == 1)  # headers in, body not yet

        later = await envelope(api, "POST", GENERATE, json=QUICK)
        writer.write(body)
        earlier = await read_reply(reader)
    finally:
        writer.close()
        await writer.wait_closed()

    assert (earlier["code"], later["code"]) == (200, 429)


def head(url: str, length: int) -> bytes:
    host = urlsplit(url).netloc
    lines = [
        f"POST {GENERATE} HTTP/1.1",
        f"Host: {host}",
        f"Authorization: Bearer {TEST_KEY}",
        "Content-Type: application/json",
        f"Content-Length: {length}",
        "Connection: close",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def read_reply(reader: asyncio.StreamReader) -> dict[str, Any]:
    raw = await asyncio.wait_for(reader.read(), 10)
    _, _, payload = raw.partition(b"\r\n\r\n")
    reply: dict[str, Any] = json.loads(payload)
    return reply
