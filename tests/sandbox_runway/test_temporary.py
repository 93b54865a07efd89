"""The provider's "try again" failures and its maintenance (code 455 for submissions)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
import pytest

from sandbox.runway import RunningRunway, RunwayKnobs, serve_runway
from sandbox.runway.catalog import CONCURRENCY_MSG, NETWORK_MSG, TRY_LATER_MSG
from tests.sandbox_runway.conftest import Receiver
from tests.sandbox_runway.helpers import (
    TEST_KEY,
    TEXT_BODY,
    control,
    envelope,
    set_knobs,
    submit,
    upload,
    wait_aleph,
    wait_runway,
    wait_until,
)

GENERATE = "/api/v1/runway/generate"
ALEPH = "/api/v1/aleph/generate"
MAINTENANCE = "Service Unavailable - System is currently undergoing maintenance"


async def test_the_next_tasks_fail_with_each_try_again_reason_in_turn(
    api: aiohttp.ClientSession, receiver: Receiver
) -> None:
    await set_knobs(api, temporary_failure_next=3)
    body = {**TEXT_BODY, "callBackUrl": receiver.url}

    ids = [await submit(api, GENERATE, body) for _ in range(4)]
    records = [await wait_runway(api, task_id) for task_id in ids]
    await wait_until(lambda: len(receiver.received) == 4)

    assert [(r["state"], r.get("failCode"), r.get("failMsg")) for r in records] == [
        ("fail", 400, CONCURRENCY_MSG),
        ("fail", 400, TRY_LATER_MSG),
        ("fail", 500, NETWORK_MSG),
        ("success", None, None),
    ]
    calls = {payload["data"]["task_id"]: payload for _, payload in receiver.received}
    assert [(calls[i]["code"], calls[i]["data"]["video_url"]) for i in ids[:3]] == [
        (400, ""), (400, ""), (500, "")
    ]  # fmt: skip
    assert (await control(api, "knobs"))["knobs"]["temporary_failure_next"] == 0


async def test_a_share_of_tasks_fails_with_one_chosen_reason(api: aiohttp.ClientSession) -> None:
    await set_knobs(api, temporary_failure_rate=1.0, temporary_failure_kind="try_later")
    data = await wait_runway(api, await submit(api, GENERATE, TEXT_BODY))
    assert (data["failCode"], data["failMsg"]) == (400, TRY_LATER_MSG)


async def test_the_busy_marker_fails_for_want_of_capacity(api: aiohttp.ClientSession) -> None:
    body = {**TEXT_BODY, "prompt": "a cat [[busy]]"}
    data = await wait_runway(api, await submit(api, GENERATE, body))
    assert (data["failCode"], data["failMsg"]) == (400, CONCURRENCY_MSG)


async def test_aleph_tasks_fail_temporarily_too(api: aiohttp.ClientSession, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"a video the failing task never reads")
    video = await upload(api, clip, "video/mp4", "telegram/videos")
    await set_knobs(api, temporary_failure_next=1, temporary_failure_kind="network")

    info = await wait_aleph(api, await submit(api, ALEPH, {"prompt": "comic", "videoUrl": video}))

    assert (info["successFlag"], info["errorCode"], info["errorMessage"]) == (0, 500, NETWORK_MSG)


async def test_maintenance_answers_455_to_submissions_for_a_while(
    api: aiohttp.ClientSession, runway: RunningRunway
) -> None:
    task_id = await submit(api, GENERATE, {**TEXT_BODY, "prompt": "before [[fail]]"})
    await set_knobs(api, maintenance_for=0.6)
    started = time.monotonic()
    body = {**TEXT_BODY, "prompt": "during [[fail]]"}
    extend = {"taskId": task_id, "prompt": "x", "quality": "720p"}

    async with api.post(GENERATE, json=body) as response:
        assert response.status == 200
        during = await response.json()
    extending = await envelope(api, "POST", "/api/v1/runway/extend", json=extend)
    looked_up = await envelope(
        api, "GET", "/api/v1/runway/record-detail", params={"taskId": task_id}
    )
    while (await envelope(api, "POST", GENERATE, json=body))["code"] == 455:
        assert time.monotonic() - started < 15
        await asyncio.sleep(0.05)

    assert (during["code"], during["msg"], during["data"]) == (455, MAINTENANCE, None)
    assert extending["code"] == 455
    assert looked_up["code"] == 200  # only submissions are refused
    assert time.monotonic() - started >= 0.5
    assert len(runway.state.tasks) == 2  # the one before and the one after
    stats = await control(api, "stats")
    assert stats["maintenance_refusals"] >= 2


@pytest.mark.parametrize(
    ("knobs", "end"),
    [
        (RunwayKnobs(api_key=TEST_KEY, maintenance_for=60.0), {"maintenance_for": 0.0}),
        (RunwayKnobs(api_key=TEST_KEY, maintenance_until=4e9), {"maintenance_until": None}),
    ],
)
async def test_maintenance_can_be_set_at_start_and_ended(
    knobs: RunwayKnobs, end: dict[str, object]
) -> None:
    headers = {"Authorization": f"Bearer {TEST_KEY}"}
    body = {**TEXT_BODY, "prompt": "x [[fail]]"}
    async with (
        serve_runway(knobs) as running,
        aiohttp.ClientSession(base_url=running.url, headers=headers) as api,
    ):
        assert (await envelope(api, "POST", GENERATE, json=body))["code"] == 455
        await set_knobs(api, **end)
        assert (await envelope(api, "POST", GENERATE, json=body))["code"] == 200
