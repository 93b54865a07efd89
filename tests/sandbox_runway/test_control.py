"""The emulator's control API, its recordings, expiry, and running it from the command line."""

from __future__ import annotations

import asyncio
import re
import signal
import sys

import aiohttp
import pytest

from sandbox.runway import RunningRunway
from tests.sandbox_runway.helpers import TEXT_BODY, envelope, set_knobs, submit, wait_runway

GENERATE = "/api/v1/runway/generate"


async def test_requests_are_recorded_and_listed(
    api: aiohttp.ClientSession, runway: RunningRunway
) -> None:
    body = {**TEXT_BODY, "prompt": "x [[fail]]", "callBackUrl": "http://127.0.0.1:1/cb"}
    await submit(api, GENERATE, body)

    async with api.get("/_emulator/requests") as response:
        listed = (await response.json())["requests"]

    assert listed == [r.as_json() for r in runway.state.requests]
    assert (listed[0]["method"], listed[0]["path"], listed[0]["json"]) == ("POST", GENERATE, body)
    assert all("/file/bot" not in str(r) for r in listed)


async def test_tasks_are_listed_and_can_expire(api: aiohttp.ClientSession) -> None:
    data = await wait_runway(api, await submit(api, GENERATE, TEXT_BODY))
    task_id = data["taskId"]

    async with api.get("/_emulator/tasks") as response:
        tasks = (await response.json())["tasks"]
    async with api.post(f"/_emulator/tasks/{task_id}/expire") as response:
        assert response.status == 200
    expired = await wait_runway(api, task_id)

    assert [t["taskId"] for t in tasks] == [task_id]
    assert expired["expireFlag"] == 1
    async with api.get(data["videoInfo"]["videoUrl"]) as response:
        assert response.status == 404
    extend = {"taskId": task_id, "prompt": "more", "quality": "720p"}
    assert (await envelope(api, "POST", "/api/v1/runway/extend", json=extend))["code"] == 422


NEW_KNOBS = (
    "record_shape",
    "fail_code_style",
    "submit_fault",
    "submit_fault_next",
    "submit_fault_rate",
    "submit_hang_seconds",
    "temporary_failure_next",
    "temporary_failure_rate",
    "temporary_failure_kind",
    "maintenance_until",
    "maintenance_for",
    "expire_after",
    "input_refusal",
    "extend_not_found_code",
)


async def test_the_index_lists_routes_knobs_with_help_and_markers(
    api: aiohttp.ClientSession,
) -> None:
    async with api.get("/") as response:
        index = await response.json()
    assert "POST /api/v1/runway/generate" in index["routes"]
    assert {"GET /_emulator/submissions", "GET /_emulator/stats"} <= set(index["routes"])
    assert index["knobs"]["latency"] == 0.2
    assert set(index["knob_help"]) == set(index["knobs"])
    assert all(name in index["knobs"] for name in NEW_KNOBS)
    assert index["knob_help"]["submit_fault"].startswith("str = '': ")
    assert index["knob_help"]["expire_after"].startswith("float | None = None: ")
    assert set(index["prompt_markers"]) == {"[[fail]]", "[[nsfw]]", "[[busy]]", "[[nocallback]]"}


@pytest.mark.parametrize(
    "change", [{"latency": "slow"}, {"unknown": 1}, {"credits": 1.5}, {"api_key": 3}, [1]]
)
async def test_bad_knob_updates_are_refused(api: aiohttp.ClientSession, change: object) -> None:
    async with api.post("/_emulator/knobs", json=change) as response:
        assert response.status == 400


async def test_knob_updates_take_effect(api: aiohttp.ClientSession, runway: RunningRunway) -> None:
    await set_knobs(api, api_key="rotated", credits=5)
    assert runway.state.credits == 5
    assert (await envelope(api, "GET", "/api/v1/chat/credit"))["code"] == 401
    async with api.get("/_emulator/knobs") as response:
        assert (await response.json())["knobs"]["api_key"] == "rotated"


async def test_command_line_serves_and_stops_cleanly() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sandbox.runway", "--port", "0", "--api-key", "k",
        "--knob", "record_shape=newer", "--knob", "submit_fault_next=2",
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        line = (await asyncio.wait_for(process.stderr.readline(), 20)).decode()
        url = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert url, line
        headers = {"Authorization": "Bearer k"}
        async with aiohttp.ClientSession(headers=headers) as session:
            reply = await envelope(session, "GET", f"{url.group(0)}/api/v1/chat/credit")
            knobs = (await envelope(session, "GET", f"{url.group(0)}/_emulator/knobs"))["knobs"]
        assert reply == {"code": 200, "msg": "success", "data": 10_000}
        assert (knobs["record_shape"], knobs["submit_fault_next"]) == ("newer", 2)
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0


async def test_command_line_refuses_a_bad_knob() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sandbox.runway", "--knob", "record_shape=older",
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, errors = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode != 0
    assert "record_shape" in errors.decode()
