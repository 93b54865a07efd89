"""Callbacks: both documented shapes, signatures, retries, and knobs that lose or repeat them."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time

import aiohttp

from sandbox.runway import RunningRunway
from sandbox.runway.catalog import MODERATION_MSG
from tests.sandbox_runway.conftest import Receiver
from tests.sandbox_runway.helpers import TEXT_BODY, set_knobs, submit, wait_runway, wait_until
from tests.support import QUARTER

FRAME_SCALE = QUARTER  # these tests read callbacks, never a frame
GENERATE = "/api/v1/runway/generate"


def expected_signature(key: str, task_id: str, timestamp: str) -> str:
    mac = hmac.new(key.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


async def test_success_callback_is_snake_case_and_signed(
    api: aiohttp.ClientSession, receiver: Receiver
) -> None:
    await set_knobs(api, webhook_hmac_key="hook-key")
    task_id = await submit(api, GENERATE, {**TEXT_BODY, "callBackUrl": receiver.url})
    detail = await wait_runway(api, task_id)

    await wait_until(lambda: len(receiver.received) == 1)
    headers, body = receiver.received[0]

    assert body == {
        "code": 200,
        "msg": "All generated successfully.",
        "data": {
            "task_id": task_id,
            "video_id": detail["videoInfo"]["videoId"],
            "video_url": detail["videoInfo"]["videoUrl"],
            "image_url": detail["videoInfo"]["imageUrl"],
        },
    }
    timestamp = headers["X-Webhook-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 30
    assert headers["X-Webhook-Signature"] == expected_signature("hook-key", task_id, timestamp)


async def test_failure_callback_has_code_400_the_message_and_empty_urls(
    api: aiohttp.ClientSession, receiver: Receiver
) -> None:
    body = {**TEXT_BODY, "prompt": "bad [[fail]]", "callBackUrl": receiver.url}
    task_id = await submit(api, GENERATE, body)

    await wait_until(lambda: len(receiver.received) == 1)
    headers, payload = receiver.received[0]

    assert payload == {
        "code": 400,
        "msg": MODERATION_MSG,
        "data": {"task_id": task_id, "video_id": "", "video_url": "", "image_url": ""},
    }
    assert "X-Webhook-Signature" not in headers


async def test_a_failing_receiver_gets_retries_then_the_emulator_gives_up(
    api: aiohttp.ClientSession, receiver: Receiver, runway: RunningRunway
) -> None:
    receiver.statuses = [500, 502, 200]
    await submit(api, GENERATE, {**TEXT_BODY, "prompt": "x [[fail]]", "callBackUrl": receiver.url})
    await wait_until(lambda: len(receiver.received) == 3)

    receiver.statuses = [500] * 4
    await submit(api, GENERATE, {**TEXT_BODY, "prompt": "y [[fail]]", "callBackUrl": receiver.url})
    await wait_until(lambda: len(receiver.received) == 7)
    await asyncio.sleep(0.4)

    assert len(receiver.received) == 7  # one try and three retries, no more
    assert [a.attempt for a in runway.state.callbacks] == [1, 2, 3, 1, 2, 3, 4]


async def test_unreachable_receiver_is_retried(
    api: aiohttp.ClientSession, runway: RunningRunway
) -> None:
    body = {**TEXT_BODY, "prompt": "x [[fail]]", "callBackUrl": "http://127.0.0.1:9/cb"}
    await submit(api, GENERATE, body)

    await wait_until(lambda: len(runway.state.callbacks) == 4)

    assert all(a.error for a in runway.state.callbacks)


async def test_dropped_callbacks_never_arrive(
    api: aiohttp.ClientSession, receiver: Receiver, runway: RunningRunway
) -> None:
    await set_knobs(api, drop_callbacks=1.0)
    task_id = await submit(
        api, GENERATE, {**TEXT_BODY, "prompt": "x [[fail]]", "callBackUrl": receiver.url}
    )
    await wait_runway(api, task_id)
    await wait_until(lambda: len(runway.state.callbacks) == 1)
    await asyncio.sleep(0.2)

    assert receiver.received == []
    assert runway.state.callbacks[0].dropped


async def test_duplicated_callbacks_arrive_twice(
    api: aiohttp.ClientSession, receiver: Receiver
) -> None:
    await set_knobs(api, duplicate_callbacks=1.0)
    await submit(api, GENERATE, {**TEXT_BODY, "prompt": "x [[fail]]", "callBackUrl": receiver.url})

    await wait_until(lambda: len(receiver.received) == 2)

    assert receiver.received[0][1] == receiver.received[1][1]


async def test_delay_and_the_nocallback_marker(
    api: aiohttp.ClientSession, receiver: Receiver
) -> None:
    await set_knobs(api, callback_delay=0.5)
    silent = await submit(
        api,
        GENERATE,
        {**TEXT_BODY, "prompt": "x [[fail]] [[nocallback]]", "callBackUrl": receiver.url},
    )
    delayed = await submit(
        api, GENERATE, {**TEXT_BODY, "prompt": "y [[fail]]", "callBackUrl": receiver.url}
    )
    await wait_runway(api, delayed)
    await wait_runway(api, silent)
    finished = time.monotonic()

    await wait_until(lambda: len(receiver.received) == 1)

    assert time.monotonic() - finished >= 0.35
    assert receiver.received[0][1]["data"]["task_id"] == delayed
    await asyncio.sleep(0.2)
    assert len(receiver.received) == 1


async def test_callbacks_only_go_to_this_machine(
    api: aiohttp.ClientSession, runway: RunningRunway
) -> None:
    body = {**TEXT_BODY, "prompt": "x [[fail]]", "callBackUrl": "https://bot.example.com/cb"}
    await submit(api, GENERATE, body)

    await wait_until(lambda: len(runway.state.callbacks) == 1)

    assert runway.state.callbacks[0].dropped
    assert "loopback" in (runway.state.callbacks[0].error or "")
