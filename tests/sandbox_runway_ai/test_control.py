"""Auth, knobs, injected faults, the request log, reset, and refusals that are 4xx, never 500."""

from __future__ import annotations

import asyncio
import io
import logging
import time

import aiohttp
import pytest

from sandbox.runway_ai import RunningRunwayAi
from sandbox.telegram import TelegramEmulatorConfig
from tests.sandbox_runway_ai.calls import call, made
from tests.sandbox_runway_ai.conftest import KEY
from tests.sandbox_runway_ai.files import FileServer
from tests.sandbox_runway_ai.media import Samples
from tests.support import eventually

ALL_POSTS = [
    "/v1/generate-image",
    "/v1/edit-image",
    "/v1/generate-video",
    "/v1/edit-video",
    "/v1/video-filter",
    "/v1/image-to-video",
    "/v1/add-text-to-image",
    "/v1/style-transfer",
    "/v1/resize-video",
    "/v1/generate-thumbnail",
    "/v1/extract-audio",
    "/v1/speed-adjust",
]


async def set_knobs(api: aiohttp.ClientSession, **knobs: object) -> None:
    status, reply = await call(api, "POST", "/_emulator/knobs", json=knobs)
    assert status == 200, reply


@pytest.mark.parametrize("header", [None, "Bearer wrong", KEY, f"Basic {KEY}"])
async def test_a_missing_or_wrong_key_is_401(emulator: RunningRunwayAi, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    async with aiohttp.ClientSession(base_url=emulator.url, headers=headers) as session:
        status, reply = await call(session, "POST", "/v1/generate-image", json={"prompt": "x"})
    assert status == 401
    assert reply["error"]["code"] == "unauthorized"
    async with aiohttp.ClientSession(base_url=emulator.url) as session:
        _, media = await call(session, "GET", "/_emulator/media")
    assert media == {"media": []}


async def test_without_a_key_configured_no_key_is_needed(
    api: aiohttp.ClientSession, emulator: RunningRunwayAi
) -> None:
    await set_knobs(api, api_key=None)
    async with aiohttp.ClientSession(base_url=emulator.url) as bare:
        status, _ = await call(bare, "POST", "/v1/generate-image", json={"prompt": "x"})
    assert status == 200


async def test_knobs_are_listed_and_checked(api: aiohttp.ClientSession) -> None:
    _, reply = await call(api, "GET", "/_emulator/knobs")
    assert reply["knobs"]["api_key"] == "<set>"  # never shown
    assert reply["knobs"]["fps"] == 8

    for bad in ({"nope": 1}, {"latency": "slow"}, {"failure_rate": 2}, {"fps": 0}):
        status, answer = await call(api, "POST", "/_emulator/knobs", json=bad)
        assert status == 400, bad
        assert answer["error"]["code"] == "invalid_knob"


async def test_rate_429_refuses_before_doing_anything(
    api: aiohttp.ClientSession, emulator: RunningRunwayAi
) -> None:
    await set_knobs(api, rate_429=1.0)

    async with api.post("/v1/generate-image", json={"prompt": "x"}) as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "1"

    _, media = await call(api, "GET", "/_emulator/media")
    assert media["media"] == []


async def test_failure_rate_answers_500_after_the_work(api: aiohttp.ClientSession) -> None:
    """The result exists although the caller got a 500: why a client must not repeat it."""
    await set_knobs(api, failure_rate=1.0)

    status, reply = await call(api, "POST", "/v1/generate-image", json={"prompt": "x"})

    assert status == 500
    assert reply["error"]["code"] == "internal_error"
    _, media = await call(api, "GET", "/_emulator/media")
    assert len(media["media"]) == 1


async def test_a_share_of_failures_is_about_that_share(api: aiohttp.ClientSession) -> None:
    await set_knobs(api, failure_rate=0.5, seed=11)
    statuses = []
    for _ in range(40):
        status, _ = await call(api, "GET", "/v1/image-metadata")  # a cheap 422... or a 500?
        statuses.append(status)
    # a refusal comes before the dice: only calls that did their work can fail with 500
    assert set(statuses) == {422}
    for _ in range(40):
        status, _ = await call(api, "POST", "/v1/generate-image", json={"prompt": "x"})
        statuses.append(status)
    assert 8 < statuses.count(500) < 32


async def test_latency_and_hang_hold_the_answer_back(api: aiohttp.ClientSession) -> None:
    await set_knobs(api, latency=0.3, hang=0.3)
    started = time.monotonic()
    status, _ = await call(api, "POST", "/v1/generate-image", json={"prompt": "x"})
    assert status == 200
    assert time.monotonic() - started >= 0.6


async def test_a_client_that_gives_up_during_a_hang_leaves_the_work_done_and_no_errors(
    api: aiohttp.ClientSession, emulator: RunningRunwayAi, caplog: pytest.LogCaptureFixture
) -> None:
    await set_knobs(api, hang=1.0)
    with pytest.raises(TimeoutError):
        async with api.post(
            "/v1/generate-image",
            json={"prompt": "x"},
            timeout=aiohttp.ClientTimeout(total=0.3),
        ):
            pass
    await eventually(lambda: emulator.state.requests[-1].status is not None, what="the answer")
    await asyncio.sleep(0.2)  # the answer meets the closed connection: nothing to poll for

    _, media = await call(api, "GET", "/_emulator/media")
    assert len(media["media"]) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_request_log_lists_urls_given_and_fetched(
    api: aiohttp.ClientSession, files: FileServer, samples: Samples
) -> None:
    photo, reference = files.url(samples.photo), files.url(samples.reference)
    await made(
        api,
        "/v1/style-transfer",
        {"image_url": photo, "style_reference": reference},
        "styled_image_url",
    )

    _, reply = await call(api, "GET", "/_emulator/requests")

    (record,) = reply["requests"]
    assert (record["method"], record["path"], record["status"]) == (
        "POST",
        "/v1/style-transfer",
        200,
    )
    assert record["urls"] == {"image_url": photo, "style_reference": reference}
    assert record["fetched"] == [photo, reference]
    assert "auth_token" not in str(reply)


async def test_the_log_never_keeps_the_delete_key(api: aiohttp.ClientSession) -> None:
    url = await made(api, "/v1/generate-image", {"prompt": "x"}, "image_url")
    await call(api, "DELETE", "/v1/delete-media", json={"media_url": url, "auth_token": KEY})
    async with api.get("/_emulator/requests") as response:
        assert KEY not in await response.text()


async def test_only_this_machine_is_fetched_from(api: aiohttp.ClientSession) -> None:
    telegram = f"https://api.telegram.org/file/bot{TelegramEmulatorConfig().bot_token}/photos/a.jpg"
    body = {"image_url": telegram, "edit_type": "color-adjust"}

    status, reply = await call(api, "POST", "/v1/edit-image", json=body)

    assert status == 422
    assert "image_url must point at this machine" in reply["error"]["message"]


async def test_reset_forgets_requests_results_and_knob_changes(
    api: aiohttp.ClientSession,
) -> None:
    url = await made(api, "/v1/generate-image", {"prompt": "x"}, "image_url")
    await set_knobs(api, latency=0.5)

    status, reply = await call(api, "POST", "/_emulator/reset")

    assert status == 200
    assert reply["knobs"]["latency"] == 0
    _, log = await call(api, "GET", "/_emulator/requests")
    _, media = await call(api, "GET", "/_emulator/media")
    assert (log, media) == ({"requests": []}, {"media": []})
    async with api.get(url) as response:
        assert response.status == 404


async def test_the_request_log_can_be_cleared_alone(api: aiohttp.ClientSession) -> None:
    url = await made(api, "/v1/generate-image", {"prompt": "x"}, "image_url")
    await call(api, "DELETE", "/_emulator/requests")
    _, log = await call(api, "GET", "/_emulator/requests")
    assert log == {"requests": []}
    async with api.get(url) as response:
        assert response.status == 200


@pytest.mark.parametrize("path", ALL_POSTS)
@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b"", 400),
        (b"{}", 422),
        (b'{"image_url": 5, "video_url": [], "prompt": {}, "duration": true}', 422),
        (b'{"image_url": "ftp://x", "video_url": "file:///etc/passwd", "prompt": " "}', 422),
    ],
)
async def test_malformed_input_is_a_4xx_everywhere(
    api: aiohttp.ClientSession, path: str, body: bytes, status: int
) -> None:
    got, reply = await call(
        api, "POST", path, data=body, headers={"Content-Type": "application/json"}
    )
    assert got == status, reply
    assert reply["error"]["message"]


async def test_unknown_paths_and_methods_answer_json(api: aiohttp.ClientSession) -> None:
    status, reply = await call(api, "GET", "/v1/nothing")
    assert (status, reply["error"]["code"]) == (404, "not_found")
    status, reply = await call(api, "GET", "/v1/generate-video")
    assert (status, reply["error"]["message"]) == (405, "/v1/generate-video takes POST")


async def test_a_body_too_large_is_413(api: aiohttp.ClientSession) -> None:
    body = io.BytesIO(b'{"prompt": "' + b"x" * (2 * 1024 * 1024) + b'"}')
    status, _ = await call(
        api, "POST", "/v1/generate-image", data=body, headers={"Content-Type": "application/json"}
    )
    assert status == 413


async def test_the_index_page_lists_the_endpoints(emulator: RunningRunwayAi) -> None:
    async with aiohttp.ClientSession() as session, session.get(emulator.url + "/") as page:
        assert page.content_type == "text/html"
        text = await page.text()
    assert "POST /v1/generate-image" in text and "DELETE /v1/delete-media" in text
    assert "Bearer" in text and KEY not in text
