"""Results are served from the emulator with the right types and Range support, and
delete-media removes them."""

from __future__ import annotations

import aiohttp
import pytest

from sandbox.runway_ai import RunningRunwayAi
from tests.sandbox_runway_ai.calls import call, made
from tests.sandbox_runway_ai.conftest import KEY

DELETE = "/v1/delete-media"


async def a_video(api: aiohttp.ClientSession) -> str:
    return await made(api, "/v1/generate-video", {"prompt": "x", "duration": 2}, "video_url")


async def test_results_live_on_the_emulators_own_host(
    api: aiohttp.ClientSession, emulator: RunningRunwayAi
) -> None:
    image = await made(api, "/v1/generate-image", {"prompt": "x"}, "image_url")
    video = await a_video(api)

    assert image.startswith(f"{emulator.url}/images/") and image.endswith(".jpg")
    assert video.startswith(f"{emulator.url}/videos/") and video.endswith(".mp4")


async def test_a_video_is_served_with_its_type_length_and_ranges(
    api: aiohttp.ClientSession,
) -> None:
    url = await a_video(api)
    async with api.head(url) as head:
        assert head.status == 200
        assert head.content_type == "video/mp4"
        length = int(head.headers["Content-Length"])
        assert head.headers.get("Accept-Ranges") == "bytes"
    async with api.get(url) as whole:
        body = await whole.read()
    async with api.get(url, headers={"Range": "bytes=100-199"}) as part:
        assert part.status == 206
        assert part.headers["Content-Range"] == f"bytes 100-199/{length}"
        assert await part.read() == body[100:200]
    assert len(body) == length


async def test_a_range_past_the_end_is_refused(api: aiohttp.ClientSession) -> None:
    url = await a_video(api)
    async with api.get(url, headers={"Range": "bytes=99999999-"}) as response:
        assert response.status == 416


async def test_delete_removes_the_result(api: aiohttp.ClientSession) -> None:
    url = await a_video(api)

    status, reply = await call(api, "DELETE", DELETE, json={"media_url": url, "auth_token": KEY})

    assert (status, reply) == (200, {"message": "Media successfully deleted"})
    async with api.get(url) as response:
        assert response.status == 404
    status, _ = await call(api, "DELETE", DELETE, json={"media_url": url, "auth_token": KEY})
    assert status == 404


async def test_delete_takes_query_parameters_too(api: aiohttp.ClientSession) -> None:
    url = await made(api, "/v1/generate-image", {"prompt": "x"}, "image_url")
    status, _ = await call(api, "DELETE", DELETE, params={"media_url": url, "auth_token": KEY})
    assert status == 200
    async with api.get(url) as response:
        assert response.status == 404


async def test_delete_needs_the_key_as_auth_token(api: aiohttp.ClientSession) -> None:
    url = await a_video(api)

    status, reply = await call(
        api, "DELETE", DELETE, json={"media_url": url, "auth_token": "guess"}
    )

    assert status == 403
    assert "auth_token" in reply["error"]["message"]
    async with api.get(url) as response:
        assert response.status == 200


@pytest.mark.parametrize(
    "body",
    [
        {"auth_token": KEY},
        {"media_url": "http://127.0.0.1:1/videos/x.mp4"},
    ],
)
async def test_delete_needs_both_fields(api: aiohttp.ClientSession, body: dict[str, str]) -> None:
    status, reply = await call(api, "DELETE", DELETE, json=body)
    assert status == 422
    missing = "media_url" if "media_url" not in body else "auth_token"
    assert missing in reply["error"]["message"]


async def test_deleting_unknown_media_is_404(api: aiohttp.ClientSession) -> None:
    body = {"media_url": "http://127.0.0.1:9/videos/0123abcd.mp4", "auth_token": KEY}
    status, reply = await call(api, "DELETE", DELETE, json=body)
    assert status == 404
    assert reply["error"]["code"] == "not_found"


async def test_unknown_media_files_are_404(api: aiohttp.ClientSession) -> None:
    for path in ("/videos/nothing.mp4", "/images/../state.jpg", "/audios/x.mp4"):
        async with api.get(path) as response:
            assert response.status == 404
