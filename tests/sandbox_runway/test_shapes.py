"""record-detail's shapes: "docs" and "newer" ids, the spellings of failCode, expireFlag."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from sandbox.runway import RunwayKnobs
from sandbox.runway.config import KnobError
from tests.sandbox_runway.helpers import TEXT_BODY, envelope, set_knobs, submit, wait_runway
from tests.support import QUARTER

FRAME_SCALE = QUARTER  # these tests read shapes, never a frame
GENERATE = "/api/v1/runway/generate"
EXTEND = "/api/v1/runway/extend"
DETAIL = "/api/v1/runway/record-detail"
FAILING = {**TEXT_BODY, "prompt": "a fox [[fail]]"}


async def detail(api: aiohttp.ClientSession, task_id: str) -> dict[str, Any]:
    reply = await envelope(api, "GET", DETAIL, params={"taskId": task_id})
    assert reply["code"] == 200, reply
    data: dict[str, Any] = reply["data"]
    return data


async def test_the_newer_shape_names_ids_id_and_parent_id(api: aiohttp.ClientSession) -> None:
    await set_knobs(api, record_shape="newer")
    parent_id = await submit(api, GENERATE, TEXT_BODY)
    running = await detail(api, parent_id)
    parent = await wait_runway(api, parent_id)
    extend = {"taskId": parent_id, "prompt": "on [[fail]]", "quality": "720p"}
    child_id = await submit(api, EXTEND, extend)
    child = await wait_runway(api, child_id)

    assert (running["id"], running["expireFlag"]) == (parent_id, 0)
    assert "taskId" not in running and "taskId" not in parent and "taskId" not in child
    assert parent["id"] == parent_id and "parentId" not in parent
    assert (child["id"], child["parentId"]) == (child_id, parent_id)
    assert "parentTaskId" not in child
    assert parent["videoInfo"]["taskId"] == parent_id


async def test_the_docs_shape_is_the_default(api: aiohttp.ClientSession) -> None:
    parent_id = await submit(api, GENERATE, TEXT_BODY)
    await wait_runway(api, parent_id)
    child_id = await submit(
        api, EXTEND, {"taskId": parent_id, "prompt": "x [[fail]]", "quality": "720p"}
    )
    child = await wait_runway(api, child_id)
    assert (child["taskId"], child["parentTaskId"]) == (child_id, parent_id)
    assert "id" not in child and "parentId" not in child


@pytest.mark.parametrize(
    ("knobs", "fail_code"),
    [
        ({}, 400),
        ({"fail_code_style": "string"}, "400"),
        ({"fail_code_style": "empty"}, ""),
        ({"string_fail_codes": True}, "400"),  # the older knob still works
        ({"string_fail_codes": True, "fail_code_style": "empty"}, ""),
    ],
)
async def test_fail_code_is_spelt_as_the_knob_says(
    api: aiohttp.ClientSession, knobs: dict[str, object], fail_code: object
) -> None:
    await set_knobs(api, **knobs)
    data = await wait_runway(api, await submit(api, GENERATE, FAILING))
    assert (data["state"], data["failCode"], data["expireFlag"]) == ("fail", fail_code, 0)
    assert "Please adjust it" in data["failMsg"]


@pytest.mark.parametrize(
    "change",
    [
        {"record_shape": "older"},
        {"fail_code_style": 400},
        {"fail_code_style": "number"},
        {"submit_fault": "explode"},
        {"temporary_failure_kind": "sometimes"},
        {"input_refusal": "never"},
        {"extend_not_found_code": 500},
    ],
)
async def test_values_outside_a_knobs_choices_are_refused(
    api: aiohttp.ClientSession, change: dict[str, object]
) -> None:
    async with api.post("/_emulator/knobs", json=change) as response:
        assert response.status == 400
        assert "knob" in (await response.json())["error"]


def test_knobs_at_start_are_checked_too() -> None:
    with pytest.raises(KnobError, match="record_shape"):
        RunwayKnobs(record_shape="older")
