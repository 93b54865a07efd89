"""Connections that never finish their headers are closed after the header timeout, while
ordinary requests (slow bodies within the body timeout included) go through."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.security.conftest import (
    HEADER_TIMEOUT,
    SECRET_HEADER,
    WEBHOOK_SECRET,
    Edge,
    RawClient,
    chunks,
    request_head,
)
from tests.security.test_bodies import update_body

SLOW_CONNECTIONS = 200
GIVE_UP_AFTER = 30.0  # how long the attack would hold a connection if nothing closed it
CLOSED_WITHIN = HEADER_TIMEOUT + 6.0  # generous: the machine may be loaded


async def slow_headers(port: int, every: float = 0.25) -> float:
    """Open a connection and send one header line every `every` seconds, never ending the
    headers; the seconds until the server closed it (GIVE_UP_AFTER if it never did)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /telegram HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    try:
        while loop.time() - started < GIVE_UP_AFTER:
            try:
                if await asyncio.wait_for(reader.read(1024), every) == b"":
                    return loop.time() - started
            except TimeoutError:
                writer.write(b"X-Slow: 1\r\n")
                await writer.drain()
    except ConnectionError:
        return loop.time() - started
    finally:
        writer.close()
    return GIVE_UP_AFTER


async def silent(port: int) -> float:
    """Connect and send nothing at all; the seconds until the server closed the connection."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        await asyncio.wait_for(reader.read(), GIVE_UP_AFTER)
    except (TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()
    return loop.time() - started


async def test_slow_header_connections_are_closed_and_normal_requests_are_served(
    edge: Edge,
) -> None:
    attack = [asyncio.create_task(slow_headers(edge.port)) for _ in range(SLOW_CONNECTIONS)]
    attack += [asyncio.create_task(silent(edge.port)) for _ in range(10)]
    await asyncio.sleep(0.3)
    async with (  # served while the attack is under way
        aiohttp.ClientSession() as session,
        session.get(f"{edge.url}/healthz") as response,
    ):
        assert response.status == 200
    body = update_body(11)
    head = request_head("/telegram", {SECRET_HEADER: WEBHOOK_SECRET}, length=len(body))
    # A body that takes longer than the header timeout (but well within the body timeout, so a
    # loaded event loop cannot push it past) still counts.
    first, *rest = chunks(body, len(body) // 3 + 1)
    slow_body = RawClient(edge.port).send([head + first, *rest], 0.6)
    status, _ = await slow_body
    assert status == 200
    closed_after = await asyncio.gather(*attack)
    assert max(closed_after) < CLOSED_WITHIN, sorted(closed_after)[-5:]
    assert min(closed_after) >= HEADER_TIMEOUT * 0.9  # closed by the timeout, not at once
    assert [update.update_id for update in edge.updates] == [11]


async def test_a_keep_alive_connection_serves_requests_back_to_back(edge: Edge) -> None:
    connector = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector) as session:
        for _ in range(5):
            async with session.get(f"{edge.url}/healthz") as response:
                assert response.status == 200
            await asyncio.sleep(HEADER_TIMEOUT / 4)
