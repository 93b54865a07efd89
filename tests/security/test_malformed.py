"""Malformed requests get a 4xx and one quiet log line: no 500, no ERROR, no traceback. Forged
tokens, secrets and signatures are refused before the body is parsed."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.domain.models import JobState
from tests.security.conftest import (
    HMAC_KEY,
    SECRET_HEADER,
    WEBHOOK_SECRET,
    Edge,
    RawClient,
    post,
    signed_headers,
    success_body,
)

DEEP = b"[" * 1000 + b"]" * 1000
DEEP_OBJECT = b'{"a":' * 1000 + b"1" + b"}" * 1000
MESSAGE = {"message_id": 1, "date": 1760000000, "chat": {"id": 1, "type": "private"}}


@pytest.fixture
def quiet(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every log record; after the test, none may be an ERROR or carry a traceback."""
    caplog.set_level(logging.DEBUG)
    yield caplog
    loud = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert loud == [], [record.getMessage() for record in loud]
    assert "Traceback" not in caplog.text
    assert not any(record.exc_info for record in caplog.records)


def callback_with(task_id: str, **fields: Any) -> bytes:
    body = json.loads(success_body(task_id))
    body.update(fields)
    return json.dumps(body).encode()


@pytest.mark.usefixtures("quiet")
@pytest.mark.parametrize(
    "make",
    [
        lambda task: DEEP,
        lambda task: DEEP_OBJECT,
        lambda task: b'{"code": 200, "data": ' + DEEP + b"}",
        lambda task: b"[]",
        lambda task: b'"a string"',
        lambda task: b"12",
        lambda task: b"null",
        lambda task: b"\xff\xfe not utf-8",
        lambda task: b'{"code": 200, "data": {"taskId": "' + task.encode() + b'"',
        lambda task: callback_with(task, code="²"),
        lambda task: callback_with(task, code="٣٠٠"),
        lambda task: callback_with(task, code="2OO"),
        lambda task: callback_with(task, code=10**30),
        lambda task: callback_with(task, code=2.5),
        lambda task: callback_with(task, code=[200]),
        lambda task: callback_with(task, msg={"nested": True}),
        lambda task: callback_with(task, data={"task_id": task, "video_url": ["x"]}),
        lambda task: b'{"code": 1e999, "data": {"task_id": "' + task.encode() + b'"}}',
        lambda task: b'{"code": NaN, "data": {"task_id": "' + task.encode() + b'"}}',
        lambda task: b'{"code": ' + b"9" * 5000 + b"}",
    ],
)
async def test_a_malformed_callback_is_400(edge: Edge, make: Any) -> None:
    job = await edge.job()
    assert job.task_id is not None
    status, _ = await post(edge.callback_url(job), make(job.task_id), signed_headers(job.task_id))
    assert status == 400
    stored = await edge.store.get(job.id)
    assert stored is not None and stored.state is JobState.QUEUED


@pytest.mark.usefixtures("quiet")
@pytest.mark.parametrize(
    "payload",
    [
        DEEP,
        DEEP_OBJECT,
        b"[1, 2]",
        b"not json",
        b"\xc3\x28",
        json.dumps({"no": "update_id"}).encode(),
        json.dumps({"update_id": "1"}).encode(),
        json.dumps({"update_id": True}).encode(),
        json.dumps({"update_id": -1}).encode(),
        json.dumps({"update_id": 2**70}).encode(),
        json.dumps({"update_id": 1.5}).encode(),
        json.dumps({"update_id": 1, "message": "x"}).encode(),
        json.dumps({"update_id": 1, "message": {"chat": 5}}).encode(),
        json.dumps({"update_id": 1, "message": {**MESSAGE, "date": 10**20}}).encode(),
        json.dumps({"update_id": 1, "message": {**MESSAGE, "date": -(10**12)}}).encode(),
        json.dumps({"update_id": 1, "message": {**MESSAGE, "date": "soon"}}).encode(),
        json.dumps({"update_id": 1, "message": {**MESSAGE, "entities": [1]}}).encode(),
        json.dumps({"update_id": 1, "message": {**MESSAGE, "photo": [{"file_id": 1}]}}).encode(),
        json.dumps({"update_id": 1, "callback_query": []}).encode(),
        json.dumps({"update_id": 1, "message_reaction": {"new_reaction": [{}]}}).encode(),
    ],
)
async def test_a_malformed_webhook_update_is_400(edge: Edge, payload: bytes) -> None:
    headers = {SECRET_HEADER: WEBHOOK_SECRET}
    status, _ = await post(f"{edge.url}/telegram", payload, headers)
    assert status == 400
    assert edge.updates == []


@pytest.mark.usefixtures("quiet")
@pytest.mark.parametrize(
    "token", ["not-the-token", "a" * 32, "x" * 5000, "%00", "..%2F..%2Fetc", "токен", "a b"]
)
async def test_a_forged_token_is_404_and_its_body_is_never_read(edge: Edge, token: str) -> None:
    job = await edge.job()
    assert job.task_id is not None
    body = b"[" * 100_000  # were it parsed, it would fail loudly
    status, _ = await post(f"{edge.url}/callbacks/runway/{token}", body)
    assert status == 404
    assert edge.service.metrics.value("callbacks_rejected", "unknown_token") == 1


@pytest.mark.usefixtures("quiet")
async def test_forged_signatures_are_401_before_the_body_is_parsed(edge: Edge) -> None:
    job = await edge.job()
    assert job.task_id is not None
    url, good = edge.callback_url(job), success_body(job.task_id)
    forged = [
        {},
        signed_headers(job.task_id, key="not-the-key"),
        signed_headers("another-task"),
        {**signed_headers(job.task_id), "X-Webhook-Timestamp": "1760000000"},
        {"X-Webhook-Timestamp": "nan", "X-Webhook-Signature": "x"},
        {"X-Webhook-Timestamp": "1e999", "X-Webhook-Signature": "x"},
        {"X-Webhook-Timestamp": "٣", "X-Webhook-Signature": "ü"},
    ]
    for headers in forged:
        assert (await post(url, good, headers))[0] == 401
        assert (await post(url, DEEP, headers))[0] == 401  # refused before it is parsed
    assert edge.service.metrics.value("callbacks_rejected", "bad_signature") == 2 * len(forged)
    stored = await edge.store.get(job.id)
    assert stored is not None and stored.state is JobState.QUEUED
    assert (await post(url, good, signed_headers(job.task_id, HMAC_KEY)))[0] == 200


@pytest.mark.usefixtures("quiet")
@pytest.mark.parametrize("given", [None, "", "wrong", WEBHOOK_SECRET + "x", WEBHOOK_SECRET[:-1]])
async def test_a_wrong_webhook_secret_is_401_before_the_body_is_read(
    edge: Edge, given: str | None
) -> None:
    headers = {} if given is None else {SECRET_HEADER: given}
    status, _ = await post(f"{edge.url}/telegram", DEEP, headers)
    assert status == 401
    assert edge.updates == []


@pytest.mark.usefixtures("quiet")
async def test_a_callback_for_another_task_is_404(edge: Edge) -> None:
    first, second = await edge.job("one"), await edge.job("two")
    assert first.task_id is not None and second.task_id is not None
    body = success_body(second.task_id)
    status, _ = await post(edge.callback_url(first), body, signed_headers(first.task_id))
    assert status == 404
    assert edge.service.metrics.value("callbacks_rejected", "task_mismatch") == 1


@pytest.mark.usefixtures("quiet")
@pytest.mark.parametrize(
    "raw",
    [
        b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"POST /telegram HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        b"NOT-HTTP\r\n\r\n",
        b"POST /telegram HTTP/1.1\r\n" + b"X-Long: " + b"a" * 20_000 + b"\r\n\r\n",
        b"POST /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
)
async def test_broken_http_is_a_4xx_without_a_traceback(edge: Edge, raw: bytes) -> None:
    status, _ = await RawClient(edge.port).send([raw])
    assert 400 <= status < 500
