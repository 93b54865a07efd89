"""The provider's 14 days, shortened by `expire_after`: flag 1, files gone, no link, no extend."""

from __future__ import annotations

import aiohttp

from sandbox.runway.catalog import EXPIRED_MSG
from tests.sandbox_runway.helpers import (
    TEXT_BODY,
    control,
    envelope,
    set_knobs,
    submit,
    wait_aleph,
    wait_runway,
)
from tests.support import QUARTER, eventually

FRAME_SCALE = QUARTER  # these tests read expiries, never a frame
GENERATE = "/api/v1/runway/generate"
DETAIL = "/api/v1/runway/record-detail"


async def expire_flag(api: aiohttp.ClientSession, task_id: str) -> int:
    reply = await envelope(api, "GET", DETAIL, params={"taskId": task_id})
    flag: int = reply["data"]["expireFlag"]
    return flag


async def status(api: aiohttp.ClientSession, url: str) -> int:
    async with api.get(url) as response:
        return response.status


async def test_a_finished_task_expires_after_expire_after_seconds(
    api: aiohttp.ClientSession,
) -> None:
    await set_knobs(api, expire_after=3600.0)
    data = await wait_runway(api, await submit(api, GENERATE, TEXT_BODY))
    task_id, video = data["taskId"], data["videoInfo"]
    assert (await expire_flag(api, task_id), await status(api, video["videoUrl"])) == (0, 200)

    await set_knobs(api, expire_after=0.3)
    await eventually(lambda: expired(api, task_id), what="expireFlag 1")
    link = await envelope(
        api, "POST", "/api/v1/common/download-url", json={"url": video["videoUrl"]}
    )
    extend = {"taskId": task_id, "prompt": "more", "quality": "720p"}
    refused = await envelope(api, "POST", "/api/v1/runway/extend", json=extend)

    assert await status(api, video["videoUrl"]) == 404
    assert await status(api, video["imageUrl"]) == 404
    assert (link["code"], link["msg"]) == (422, EXPIRED_MSG)
    assert refused["code"] == 422 and "the video has expired" in refused["msg"]
    assert (await control(api, "tasks"))["tasks"][0]["expired"] is True


async def expired(api: aiohttp.ClientSession, task_id: str) -> bool:
    return await expire_flag(api, task_id) == 1


async def test_the_time_counts_from_the_end_of_the_task(api: aiohttp.ClientSession) -> None:
    await set_knobs(api, latency=1.0, expire_after=0.6)
    data = await wait_runway(
        api, await submit(api, GENERATE, {**TEXT_BODY, "prompt": "x [[fail]]"})
    )
    assert data["expireFlag"] == 0  # it ran longer than expire_after, but has only just ended
    await eventually(lambda: expired(api, data["taskId"]), what="expireFlag 1")


async def test_aleph_results_expire_too(api: aiohttp.ClientSession) -> None:
    await set_knobs(api, expire_after=3600.0, fps=2)
    source = await wait_runway(api, await submit(api, GENERATE, TEXT_BODY))
    aleph = {"prompt": "comic", "videoUrl": source["videoInfo"]["videoUrl"], "aspectRatio": "1:1"}
    info = await wait_aleph(api, await submit(api, "/api/v1/aleph/generate", aleph))
    result = info["response"]["resultVideoUrl"]
    assert await status(api, result) == 200

    await set_knobs(api, expire_after=0.2)

    async def gone() -> bool:
        return await status(api, result) == 404

    await eventually(gone, what="the Aleph result deleted")
