"""Generate and record-detail: the task life, the documented shape, and envelope errors."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from sandbox.runway import RUNWAY_STATE, RunningRunway
from sandbox.runway.catalog import FAILURE_MESSAGES, MODERATION_MSG, NSFW_MSG
from tests.sandbox_runway.helpers import (
    TEXT_BODY,
    envelope,
    set_knobs,
    submit,
    wait_runway,
)
from tests.support import QUARTER

FRAME_SCALE = QUARTER  # these tests read states, never a frame
GENERATE = "/api/v1/runway/generate"
DETAIL = "/api/v1/runway/record-detail"


async def test_text_task_moves_through_states_to_the_documented_shape(
    api: aiohttp.ClientSession, runway: RunningRunway
) -> None:
    await set_knobs(api, latency=1.0)
    task_id = await submit(api, GENERATE, TEXT_BODY)

    states = await _states_until_finished(api, task_id)
    data = await wait_runway(api, task_id)

    assert states == ["wait", "queueing", "generating", "success"]

    assert set(data) == {
        "taskId", "generateParam", "state", "generateTime", "videoInfo", "expireFlag"
    }  # fmt: skip
    assert data["state"] == "success"
    assert data["expireFlag"] == 0
    assert data["generateParam"] == {
        "prompt": TEXT_BODY["prompt"],
        "imageUrl": "",
        "expandPrompt": False,
    }
    assert set(data["videoInfo"]) == {"videoId", "taskId", "videoUrl", "imageUrl"}
    assert data["videoInfo"]["videoUrl"].startswith(f"{runway.url}/files/")
    assert len(data["generateTime"]) == len("2023-08-15 14:30:45")
    assert runway.app[RUNWAY_STATE].tasks[task_id].state.value == "success"


async def _states_until_finished(api: aiohttp.ClientSession, task_id: str) -> list[str]:
    """Distinct states in the order record-detail showed them; running ones carry no result."""
    states: list[str] = []
    while not states or states[-1] not in {"success", "fail"}:
        data = (await envelope(api, "GET", DETAIL, params={"taskId": task_id}))["data"]
        if data["state"] not in {"success", "fail"}:
            assert "videoInfo" not in data and "failCode" not in data
        if not states or states[-1] != data["state"]:
            states.append(data["state"])
        await asyncio.sleep(0.02)
    return states


@pytest.mark.parametrize(
    ("marker", "message"), [("[[fail]]", MODERATION_MSG), ("[[nsfw]]", NSFW_MSG)]
)
async def test_markers_fail_with_the_providers_messages(
    api: aiohttp.ClientSession, marker: str, message: str
) -> None:
    task_id = await submit(api, GENERATE, {**TEXT_BODY, "prompt": f"a dog {marker}"})

    data = await wait_runway(api, task_id)

    assert data["state"] == "fail"
    assert data["failCode"] == 400
    assert data["failMsg"] == message
    assert "videoInfo" not in data


async def test_failure_rate_fails_with_a_real_message_and_string_codes_on_request(
    api: aiohttp.ClientSession,
) -> None:
    await set_knobs(api, failure_rate=1.0, string_fail_codes=True)

    data = await wait_runway(api, await submit(api, GENERATE, TEXT_BODY))

    assert data["failCode"] == "400"
    assert data["failMsg"] in FAILURE_MESSAGES


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"prompt": ""}, "prompt is required"),
        ({"prompt": "x" * 1801}, "at most 1800"),
        ({"duration": 7}, "5 or 10"),
        ({"quality": "4k"}, "quality"),
        ({"duration": 10, "quality": "1080p"}, "cannot be 1080p"),
        ({"aspectRatio": "2:1"}, "aspectRatio"),
        ({"aspectRatio": None}, "aspectRatio is required"),
        ({"waterMark": 5}, "waterMark"),
    ],
)
async def test_invalid_requests_get_code_422_in_http_200(
    api: aiohttp.ClientSession, change: dict[str, Any], fragment: str
) -> None:
    body = {k: v for k, v in {**TEXT_BODY, **change}.items() if v is not None}
    async with api.post(GENERATE, json=body) as response:
        assert response.status == 200
        reply = await response.json()
    assert reply["code"] == 422
    assert fragment in reply["msg"]
    assert reply["data"] is None


async def test_ten_seconds_and_string_duration_are_accepted(api: aiohttp.ClientSession) -> None:
    reply = await envelope(
        api, "POST", GENERATE, json={**TEXT_BODY, "duration": "10", "prompt": "x [[fail]]"}
    )
    assert reply["code"] == 200


async def test_image_url_makes_aspect_ratio_optional_but_must_be_fetchable(
    api: aiohttp.ClientSession,
) -> None:
    body = {**TEXT_BODY, "imageUrl": "https://example.com/cat.jpg"}
    del body["aspectRatio"]

    reply = await envelope(api, "POST", GENERATE, json=body)

    assert reply["code"] == 451
    assert "loopback" in reply["msg"]


async def test_unreachable_loopback_image_is_451(
    api: aiohttp.ClientSession, runway: RunningRunway
) -> None:
    body = {**TEXT_BODY, "imageUrl": f"{runway.url}/files/uploads/nothing.png"}
    reply = await envelope(api, "POST", GENERATE, json=body)
    assert reply["code"] == 451
    assert runway.state.tasks == {}


async def test_malformed_json_is_code_400(api: aiohttp.ClientSession) -> None:
    reply = await envelope(
        api, "POST", GENERATE, data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert reply["code"] == 400


@pytest.mark.parametrize("header", [None, "Bearer wrong", "test-key"])
async def test_wrong_or_missing_key_is_code_401(runway: RunningRunway, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    async with (
        aiohttp.ClientSession(base_url=runway.url, headers=headers) as session,
        session.post(GENERATE, json=TEXT_BODY) as response,
    ):
        assert response.status == 200
        assert (await response.json())["code"] == 401
    assert runway.state.tasks == {}


async def test_unknown_task_is_404_and_new_tasks_hide_for_the_visibility_delay(
    api: aiohttp.ClientSession,
) -> None:
    unknown = await envelope(api, "GET", DETAIL, params={"taskId": "nope"})
    assert unknown["code"] == 404
    await set_knobs(api, visibility_delay=5.0)
    task_id = await submit(api, GENERATE, {**TEXT_BODY, "prompt": "x [[fail]]"})
    hidden = await envelope(api, "GET", DETAIL, params={"taskId": task_id})
    assert hidden["code"] == 404
    await set_knobs(api, visibility_delay=0.0)
    assert (await envelope(api, "GET", DETAIL, params={"taskId": task_id}))["code"] == 200


async def test_generation_limit_answers_429_past_the_window(api: aiohttp.ClientSession) -> None:
    await set_knobs(api, generation_limit=3, generation_window=0.6)
    body = {**TEXT_BODY, "prompt": "quick [[fail]]"}
    codes = [(await envelope(api, "POST", GENERATE, json=body))["code"] for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    await asyncio.sleep(0.65)
    assert (await envelope(api, "POST", GENERATE, json=body))["code"] == 200


async def test_injected_faults_answer_429_and_500(api: aiohttp.ClientSession) -> None:
    await set_knobs(api, rate_429=1.0)
    assert (await envelope(api, "GET", "/api/v1/chat/credit"))["code"] == 429
    await set_knobs(api, rate_429=0.0, rate_500=1.0)
    statuses = set()
    for _ in range(12):
        async with api.get("/api/v1/chat/credit") as response:
            statuses.add(response.status)
            assert (await response.json())["code"] == 500
    assert statuses == {200, 500}
