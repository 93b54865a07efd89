"""Credits, prices, the 402 gate and temporary download links."""

from __future__ import annotations

import aiohttp

from tests.sandbox_runway.helpers import (
    TEXT_BODY,
    envelope,
    set_knobs,
    submit,
    wait_aleph,
    wait_runway,
)
from tests.support import QUARTER

FRAME_SCALE = QUARTER  # these tests read charges, never a frame
GENERATE = "/api/v1/runway/generate"
CREDIT = "/api/v1/chat/credit"


async def credits(api: aiohttp.ClientSession) -> int:
    reply = await envelope(api, "GET", CREDIT)
    assert reply["code"] == 200
    value: int = reply["data"]
    return value


async def test_success_is_charged_at_the_providers_prices_and_failure_is_free(
    api: aiohttp.ClientSession,
) -> None:
    await set_knobs(api, credits=1000)
    parent = await wait_runway(api, await submit(api, GENERATE, TEXT_BODY))
    assert await credits(api) == 1000 - 12
    await wait_runway(api, await submit(api, GENERATE, {**TEXT_BODY, "prompt": "x [[fail]]"}))
    assert await credits(api) == 1000 - 12

    extend = {"taskId": parent["taskId"], "prompt": "on", "quality": "720p"}
    await wait_runway(api, await submit(api, "/api/v1/runway/extend", extend))
    aleph = {"prompt": "comic", "videoUrl": parent["videoInfo"]["videoUrl"]}
    await wait_aleph(api, await submit(api, "/api/v1/aleph/generate", aleph))

    assert await credits(api) == 1000 - 12 - 12 - 110


async def test_too_few_credits_is_code_402(api: aiohttp.ClientSession) -> None:
    await set_knobs(api, credits=29)
    ten_seconds = {**TEXT_BODY, "duration": 10}
    assert (await envelope(api, "POST", GENERATE, json=ten_seconds))["code"] == 402
    assert (await envelope(api, "POST", GENERATE, json=TEXT_BODY))["code"] == 200


async def test_download_url_only_for_generated_files(api: aiohttp.ClientSession) -> None:
    data = await wait_runway(api, await submit(api, GENERATE, TEXT_BODY))
    video_url = data["videoInfo"]["videoUrl"]

    link = await envelope(api, "POST", "/api/v1/common/download-url", json={"url": video_url})
    foreign = await envelope(
        api, "POST", "/api/v1/common/download-url", json={"url": "https://x.y/z.mp4"}
    )

    assert link["code"] == 200 and link["data"].startswith(video_url)
    async with api.head(link["data"]) as response:
        assert response.status == 200
    assert foreign["code"] == 422
