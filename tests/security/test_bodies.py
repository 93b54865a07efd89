"""Request bodies: read whole however they arrive, refused at the cap however they are framed."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import time

import pytest

from bot.domain.models import JobState
from bot.web.bodies import nests_deeper
from tests.security.conftest import (
    BODY_TIMEOUT,
    SECRET_HEADER,
    WEBHOOK_SECRET,
    Edge,
    RawClient,
    chunked_encoding,
    chunks,
    request_head,
    signed_headers,
    success_body,
)
from tests.support import eventually

WEBHOOK = {SECRET_HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"}
CALLBACK_CAP = 64 * 1024
UPDATE_CAP = 1024 * 1024


def update_body(update_id: int = 7) -> bytes:
    message = {
        "message_id": 1,
        "date": 1760000000,
        "chat": {"id": 42, "type": "private"},
        "from": {"id": 7, "is_bot": False, "first_name": "Ann"},
        "text": "/video " + "a slow river " * 40,
    }
    return json.dumps({"update_id": update_id, "message": message}).encode()


async def test_a_signed_callback_in_several_tcp_writes_is_accepted(edge: Edge) -> None:
    job = await edge.job()
    assert job.task_id is not None
    body = success_body(job.task_id)
    path = f"/callbacks/runway/{job.callback_token}"
    head = request_head(path, signed_headers(job.task_id), length=len(body))
    parts = [*chunks(head, 40), *chunks(body, 25)]
    status, _ = await RawClient(edge.port).send(parts, pause=0.01)
    assert status == 200
    stored = await edge.store.get(job.id)
    assert stored is not None and stored.state in {JobState.SUCCEEDED, JobState.DELIVERED}


async def test_a_webhook_update_in_several_tcp_writes_is_accepted(edge: Edge) -> None:
    body = update_body()
    head = request_head("/telegram", WEBHOOK, length=len(body))
    status, _ = await RawClient(edge.port).send([head, *chunks(body, 100)], pause=0.01)
    assert status == 200
    assert [update.update_id for update in edge.updates] == [7]
    assert edge.updates[0].message is not None and edge.updates[0].message.text


async def test_a_chunked_webhook_update_within_the_cap_is_accepted(edge: Edge) -> None:
    head = request_head("/telegram", WEBHOOK, chunked=True)
    status, _ = await RawClient(edge.port).send([head, *chunked_encoding(update_body(8), 64)])
    assert status == 200
    assert [update.update_id for update in edge.updates] == [8]


@pytest.mark.parametrize(("route", "cap"), [("callback", CALLBACK_CAP), ("telegram", UPDATE_CAP)])
async def test_a_declared_length_over_the_cap_is_413_before_the_body(
    edge: Edge, route: str, cap: int
) -> None:
    path, headers = await _route(edge, route)
    head = request_head(path, headers, length=cap + 1)
    status, _ = await RawClient(edge.port).send([head, b"{"])  # the rest never comes
    assert status == 413


@pytest.mark.parametrize(("route", "cap"), [("callback", CALLBACK_CAP), ("telegram", UPDATE_CAP)])
async def test_a_chunked_body_over_the_cap_is_413(edge: Edge, route: str, cap: int) -> None:
    path, headers = await _route(edge, route)
    padding = b'{"pad": "' + b"x" * cap + b'"}'
    head = request_head(path, headers, chunked=True)
    status, _ = await RawClient(edge.port).send([head, *chunked_encoding(padding, 16 * 1024)], 0)
    assert status == 413
    assert edge.updates == []


@pytest.mark.parametrize("route", ["callback", "telegram"])
async def test_a_gzip_bomb_is_413(edge: Edge, route: str) -> None:
    path, headers = await _route(edge, route)
    bomb = gzip.compress(b'{"pad": "' + b"0" * (64 * 1024 * 1024) + b'"}')
    assert len(bomb) < 100 * 1024  # small on the wire, 64 MB once inflated
    head = request_head(path, {**headers, "Content-Encoding": "gzip"}, length=len(bomb))
    status, _ = await RawClient(edge.port).send([head, bomb], 0)
    assert status == 413


@pytest.mark.parametrize("route", ["callback", "telegram"])
async def test_a_body_that_stops_coming_is_408_after_the_body_timeout(
    edge: Edge, route: str
) -> None:
    path, headers = await _route(edge, route)
    head = request_head(path, headers, length=1000)
    client = RawClient(edge.port)
    started = time.monotonic()
    status, _ = await client.send([head + b'{"update_id": 1'], pause=0)
    assert status == 408
    assert time.monotonic() - started >= BODY_TIMEOUT * 0.9  # answered at the timeout


@pytest.mark.parametrize("route", ["callback", "telegram"])
async def test_a_caller_hanging_up_mid_body_is_counted_not_a_traceback(
    edge: Edge, route: str, caplog: pytest.LogCaptureFixture
) -> None:
    path, headers = await _route(edge, route)
    _, writer = await asyncio.open_connection("127.0.0.1", edge.port)
    writer.write(request_head(path, headers, length=1000) + b'{"update_id": 1')
    await writer.drain()
    await asyncio.sleep(0.1)
    writer.transport.abort()  # a reset, as a proxy or provider going away mid-request
    if route == "callback":
        await eventually(
            lambda: edge.service.metrics.value("callbacks_rejected", "disconnected") == 1
        )
    else:
        await asyncio.sleep(0.3)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def _route(edge: Edge, route: str) -> tuple[str, dict[str, str]]:
    if route == "telegram":
        return "/telegram", WEBHOOK
    job = await edge.job()
    assert job.task_id is not None
    return f"/callbacks/runway/{job.callback_token}", signed_headers(job.task_id)


async def test_an_oversized_callback_changes_nothing(edge: Edge) -> None:
    job = await edge.job()
    assert job.task_id is not None
    head = request_head(f"/callbacks/runway/{job.callback_token}", {}, chunked=True)
    body = success_body(job.task_id, pad="x" * CALLBACK_CAP)
    status, _ = await RawClient(edge.port).send([head, *chunked_encoding(body, 8192)], 0)
    assert status == 413
    await eventually(lambda: edge.service.metrics.value("callbacks_rejected", "too_large") == 1)
    stored = await edge.store.get(job.id)
    assert stored is not None and stored.state is JobState.QUEUED


@pytest.mark.parametrize(
    ("body", "deeper"),
    [
        (b"[" * 32 + b"]" * 32, False),  # exactly the limit
        (b"[" * 33 + b"]" * 33, True),
        (b"[" + b"[1]," * 100 + b"[2]]", False),  # many brackets, two deep: scanned, allowed
        (b'{"a": "' + b"[" * 100 + b'"}', False),  # brackets in a string do not nest
        (b'{"a": "\\"' + b"{" * 40 + b'"}', False),  # nor after an escaped quote
        (b'{"a": [' + b'{"b": [' * 20 + b"]}" * 20 + b"]}", True),
    ],
)
def test_nesting_is_counted_outside_strings_and_only_where_it_could_pass_the_limit(
    body: bytes, deeper: bool
) -> None:
    assert nests_deeper(body, 32) is deeper
