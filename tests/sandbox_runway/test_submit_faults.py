"""Ambiguous submissions: the task is created (and runs, and calls back), the answer is lost."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from sandbox.runway import RunningRunway, RunwayKnobs, serve_runway
from tests.sandbox_runway.conftest import Receiver
from tests.sandbox_runway.helpers import (
    TEST_KEY,
    TEXT_BODY,
    control,
    envelope,
    set_knobs,
    wait_runway,
    wait_until,
)

GENERATE = "/api/v1/runway/generate"


async def test_a_dropped_answer_still_made_one_task_that_runs_and_calls_back(
    api: aiohttp.ClientSession, runway: RunningRunway, receiver: Receiver
) -> None:
    await set_knobs(api, submit_fault="drop", submit_fault_next=1)
    body = {**TEXT_BODY, "callBackUrl": receiver.url}

    with pytest.raises(aiohttp.ServerDisconnectedError):
        await envelope(api, "POST", GENERATE, json=body)
    await wait_until(lambda: len(receiver.received) == 1)

    [made] = (await control(api, "submissions"))["submissions"]
    assert (made["path"], made["json"], made["fault"], made["code"]) == (
        GENERATE, body, "drop", None
    )  # fmt: skip
    assert list(runway.state.tasks) == [made["taskId"]]
    assert receiver.received[0][1]["data"]["task_id"] == made["taskId"]
    assert (await wait_runway(api, made["taskId"]))["state"] == "success"
    stats = await control(api, "stats")
    assert (stats["submissions"], stats["tasks_created"], stats["submit_faults"]) == (
        1, 1, {"drop": 1}
    )  # fmt: skip


@pytest.mark.parametrize(("fault", "http_status"), [("error_500", 500), ("code_500", 200)])
async def test_a_500_answer_still_made_the_task(
    api: aiohttp.ClientSession, runway: RunningRunway, fault: str, http_status: int
) -> None:
    await set_knobs(api, submit_fault=fault, submit_fault_next=1)

    async with api.post(GENERATE, json=TEXT_BODY) as response:
        status, reply = response.status, await response.json()

    assert (status, reply["code"], reply["data"]) == (http_status, 500, None)
    [task] = runway.state.tasks.values()
    assert (await wait_runway(api, task.task_id))["state"] == "success"
    assert (await control(api, "tasks"))["tasks"][0]["submitFault"] == fault


async def test_the_next_n_count_down_and_refused_requests_do_not_use_them(
    api: aiohttp.ClientSession,
) -> None:
    await set_knobs(api, submit_fault="code_500", submit_fault_next=2)
    quick = {**TEXT_BODY, "prompt": "quick [[fail]]"}

    refused = await envelope(api, "POST", GENERATE, json={**quick, "duration": 7})
    codes = [(await envelope(api, "POST", GENERATE, json=quick))["code"] for _ in range(3)]

    assert refused["code"] == 422
    assert codes == [500, 500, 200]
    assert (await control(api, "knobs"))["knobs"]["submit_fault_next"] == 0
    made = [s for s in (await control(api, "submissions"))["submissions"] if s["taskId"]]
    assert [s["fault"] for s in made] == ["code_500", "code_500", ""]


async def test_a_share_of_submissions_can_be_garbled(api: aiohttp.ClientSession) -> None:
    await set_knobs(api, submit_fault="error_500", submit_fault_rate=1.0)
    body = {**TEXT_BODY, "prompt": "x [[fail]]"}
    extend = {"taskId": "unknown", "prompt": "x", "quality": "720p"}

    replies = [await envelope(api, "POST", GENERATE, json=body) for _ in range(3)]
    not_found = await envelope(api, "POST", "/api/v1/runway/extend", json=extend)

    assert [r["code"] for r in replies] == [500, 500, 500]
    assert not_found["code"] == 422  # no task made, so nothing to garble


async def test_a_hanging_answer_comes_late_and_the_task_runs_meanwhile(
    api: aiohttp.ClientSession, runway: RunningRunway, receiver: Receiver
) -> None:
    await set_knobs(api, submit_fault="hang", submit_fault_next=2, submit_hang_seconds=0.6)
    body = {**TEXT_BODY, "prompt": "slow [[fail]]", "callBackUrl": receiver.url}

    with pytest.raises(TimeoutError):
        await envelope(api, "POST", GENERATE, json=body, timeout=aiohttp.ClientTimeout(0.3))
    assert len(runway.state.tasks) == 1  # made before the client gave up
    started = time.monotonic()
    patient = await envelope(api, "POST", GENERATE, json=body)

    assert time.monotonic() - started >= 0.5
    assert patient["code"] == 200 and patient["data"]["taskId"] in runway.state.tasks
    await wait_until(lambda: len(receiver.received) == 2)
    assert len(runway.state.tasks) == 2


async def test_a_hanging_answer_does_not_hold_up_shutdown() -> None:
    knobs = RunwayKnobs(latency=0.1, submit_fault="hang", submit_fault_next=1)
    headers = {"Authorization": f"Bearer {TEST_KEY}"}
    body: dict[str, Any] = {**TEXT_BODY, "prompt": "x [[fail]]"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with serve_runway(knobs) as running:
            url = f"{running.url}{GENERATE}"
            pending = asyncio.create_task(envelope(session, "POST", url, json=body))
            await wait_until(lambda: bool(running.state.tasks))
            started = time.monotonic()
        stopping = time.monotonic() - started
        reply = await pending
    assert stopping < 10  # the knob's default hang is 30 s
    assert reply["code"] == 200
