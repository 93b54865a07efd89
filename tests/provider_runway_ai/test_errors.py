"""Statuses become the domain's errors with the provider's own words; a call that may have
done its work is never repeated, while metadata and calls that never arrived are retried."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from aiohttp import web

from bot.domain.errors import (
    InsufficientCreditsError,
    OutcomeUnknownError,
    ProviderAuthError,
    ProviderError,
    ProviderRejectedError,
    ProviderUnavailableError,
)
from bot.provider.kie.client import RetryPolicy
from bot.provider.runway_ai.client import RunwayAiClient
from sandbox.runway_ai import RunningRunwayAi
from sandbox.runway_ai.config import update_knobs
from sandbox.runway_ai.studio import STUDIO
from tests.provider.fakes import FakeProvider, Reply, drop, json_body, raw, stall
from tests.provider_runway_ai.conftest import KEY, MakeClient
from tests.support import eventually, free_port

SOURCE = "http://127.0.0.1:9/media/tok3n-abc.mp4"
IMAGE = json_body({"image_url": "http://x/images/1.jpg"})
META = json_body({"video_id": "v", "size": "1MB", "duration": "5s"})


@pytest.fixture
def client(fake: FakeProvider, make_client: MakeClient) -> RunwayAiClient:
    return make_client(fake.url)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, ProviderRejectedError),
        (401, ProviderAuthError),
        (402, InsufficientCreditsError),
        (403, ProviderAuthError),
        (404, ProviderRejectedError),
        (413, ProviderRejectedError),
        (422, ProviderRejectedError),
    ],
)
async def test_a_refusal_maps_to_its_error_and_is_not_retried(
    fake: FakeProvider, client: RunwayAiClient, status: int, error: type[ProviderError]
) -> None:
    fake.answer(json_body({"error": {"code": "x", "message": f"reason {status}"}}, status=status))
    with pytest.raises(error) as caught:
        await client.generate_image("a fox")
    assert type(caught.value) is error
    assert (str(caught.value), caught.value.code) == (f"reason {status}", status)
    assert len(fake.seen) == 1


async def test_a_refused_metadata_call_is_not_retried_either(
    fake: FakeProvider, client: RunwayAiClient
) -> None:
    fake.answer(json_body({"error": "no such video"}, status=404))
    with pytest.raises(ProviderRejectedError, match=r"^no such video$"):
        await client.video_metadata(SOURCE)
    assert len(fake.seen) == 1


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            json_body({"error": {"message": "duration must be 1 to 60"}}, status=422),
            "duration must be 1 to 60",
        ),
        (json_body({"error": "bad style"}, status=422), "bad style"),
        (json_body({"message": "bad fps"}, status=400), "bad fps"),
        (json_body({"detail": "bad url"}, status=422), "bad url"),
        (
            json_body({"detail": [{"loc": ["body"], "msg": "field required"}]}, status=422),
            "field required",
        ),
        (raw("plain words", status=422, content_type="text/plain"), "plain words"),
        (raw("<html><body>Bad</body></html>", status=400), "HTTP 400"),
        (raw("", status=413), "HTTP 413"),
        (
            json_body({"error": "cannot fetch http://127.0.0.1:9/media/tok3n-abc.mp4"}, status=422),
            "cannot fetch <url>",
        ),
    ],
)
async def test_the_providers_message_is_read_from_any_common_shape(
    fake: FakeProvider, client: RunwayAiClient, reply: Reply, message: str
) -> None:
    fake.answer(reply)
    with pytest.raises(ProviderRejectedError) as caught:
        await client.extract_audio(SOURCE)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    "reply",
    [
        json_body({"error": "boom"}, status=500),
        json_body({"error": "busy"}, status=503),
        drop,
        raw("not json", status=200),
        json_body({"unexpected": "shape"}),
        json_body([1, 2]),
    ],
)
async def test_a_post_that_may_have_done_its_work_is_never_repeated(
    fake: FakeProvider, client: RunwayAiClient, reply: Reply
) -> None:
    fake.answer(reply, IMAGE)
    with pytest.raises(OutcomeUnknownError):
        await client.generate_image("a fox")
    assert len(fake.seen) == 1


async def test_a_delete_that_may_have_worked_is_never_repeated(
    fake: FakeProvider, client: RunwayAiClient
) -> None:
    fake.answer(json_body({"error": "boom"}, status=502), json_body({"message": "ok"}))
    with pytest.raises(OutcomeUnknownError):
        await client.delete_media(SOURCE)
    assert len(fake.seen) == 1


async def test_a_render_past_its_timeout_is_outcome_unknown_and_not_repeated(
    fake: FakeProvider, make_client: MakeClient
) -> None:
    client = make_client(fake.url, timeout=10.0, render_timeout=0.3)
    fake.answer(stall(3.0), IMAGE)
    started = time.monotonic()
    with pytest.raises(OutcomeUnknownError):
        await client.generate_image("a fox")
    assert time.monotonic() - started < 2.5
    assert len(fake.seen) == 1


async def test_a_render_may_take_longer_than_the_short_timeout(
    fake: FakeProvider, make_client: MakeClient
) -> None:
    """Renders get render_timeout, not timeout: a 1 s render passes a 0.3 s short timeout."""
    client = make_client(fake.url, timeout=0.3, render_timeout=10.0)

    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(1.0)
        return web.json_response({"video_url": "http://x/videos/1.mp4"})

    fake.answer(slow)
    assert await client.generate_video("a fox", 5) == "http://x/videos/1.mp4"


async def test_metadata_gets_the_short_timeout_and_is_retried(
    fake: FakeProvider, make_client: MakeClient
) -> None:
    client = make_client(fake.url, timeout=0.3, render_timeout=10.0)
    fake.answer(stall(1.0), META)
    info = await client.video_metadata(SOURCE)
    assert info.duration == 5.0
    assert len(fake.seen) == 2


@pytest.mark.parametrize(
    "reply", [json_body({"error": "boom"}, status=500), drop, raw("<html>", status=502)]
)
async def test_metadata_is_retried_after_a_server_error_or_a_drop(
    fake: FakeProvider, client: RunwayAiClient, reply: Reply
) -> None:
    fake.answer(reply, reply, META)
    info = await client.video_metadata(SOURCE)
    assert info.size_bytes == 2**20
    assert len(fake.seen) == 3


async def test_metadata_gives_up_when_the_retries_are_spent(
    fake: FakeProvider, client: RunwayAiClient
) -> None:
    fake.answer(json_body({"error": "down"}, status=503))
    with pytest.raises(ProviderUnavailableError) as caught:
        await client.image_metadata(SOURCE)
    assert type(caught.value) is ProviderUnavailableError
    assert caught.value.retryable
    assert len(fake.seen) == 3


async def test_a_429_did_nothing_so_even_a_post_is_retried(
    fake: FakeProvider, client: RunwayAiClient
) -> None:
    fake.answer(json_body({"error": "slow down"}, status=429), IMAGE)
    assert await client.generate_image("a fox") == "http://x/images/1.jpg"
    assert len(fake.seen) == 2


async def test_a_429_that_persists_is_retryable_unavailability(
    fake: FakeProvider, client: RunwayAiClient
) -> None:
    fake.answer(json_body({"error": "slow down"}, status=429))
    with pytest.raises(ProviderUnavailableError) as caught:
        await client.speed_adjust(SOURCE, 2)
    assert type(caught.value) is ProviderUnavailableError
    assert (caught.value.code, caught.value.retryable) == (429, True)
    assert len(fake.seen) == 3


class SteadyRetry(RetryPolicy):
    """Retries at a fixed pace, so a test can act between two attempts."""

    def delay(self, attempt: int) -> float:
        return 0.2


async def test_a_refused_connection_is_retried_even_for_a_post(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens at first; the server comes up after the first retry is announced, and
    the call then succeeds with one request received."""
    port = free_port()
    client = make_client(f"http://127.0.0.1:{port}", retry=SteadyRetry(attempts=20))
    received: list[str] = []

    async def answer(request: web.Request) -> web.Response:
        received.append(request.path)
        return web.json_response({"image_url": "http://x/images/1.jpg"})

    caplog.set_level(logging.WARNING, logger="bot.provider.runway_ai.client")
    call = asyncio.create_task(client.generate_image("a fox"))
    await eventually(lambda: "retrying" in caplog.text, what="a retry")
    app = web.Application()
    app.router.add_post("/v1/generate-image", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
        assert await asyncio.wait_for(call, timeout=20) == "http://x/images/1.jpg"
    finally:
        await runner.cleanup()
    assert received == ["/v1/generate-image"]


async def test_a_provider_that_stays_unreachable_is_unavailable_not_unknown(
    make_client: MakeClient,
) -> None:
    client = make_client(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ProviderUnavailableError) as caught:
        await client.generate_video("a fox", 5)
    assert type(caught.value) is ProviderUnavailableError
    assert caught.value.retryable


# --- the same against the emulator's knobs ------------------------------------------------


async def set_knobs(emulator: RunningRunwayAi, **knobs: object) -> None:
    emulator.state.apply_knobs(update_knobs(emulator.state.knobs, knobs))


def media_made(emulator: RunningRunwayAi) -> int:
    return len(emulator.app[STUDIO].store.all())


async def test_an_emulated_500_after_the_work_is_outcome_unknown_with_one_request(
    emulator: RunningRunwayAi, make_client: MakeClient
) -> None:
    await set_knobs(emulator, failure_rate=1.0)
    with pytest.raises(OutcomeUnknownError):
        await make_client(emulator.url).generate_video("a fox", 1)
    assert len(emulator.state.requests) == 1
    assert media_made(emulator) == 1  # the work was done: repeating it would do it twice


async def test_emulated_429s_are_retried_and_nothing_is_made(
    emulator: RunningRunwayAi, make_client: MakeClient
) -> None:
    await set_knobs(emulator, rate_429=1.0)
    with pytest.raises(ProviderUnavailableError) as caught:
        await make_client(emulator.url).generate_image("a fox")
    assert caught.value.code == 429
    assert len(emulator.state.requests) == 3
    assert media_made(emulator) == 0


async def test_an_emulated_hang_past_the_render_timeout_is_outcome_unknown(
    emulator: RunningRunwayAi, make_client: MakeClient
) -> None:
    await set_knobs(emulator, hang=3.0)
    client = make_client(emulator.url, render_timeout=0.5)
    with pytest.raises(OutcomeUnknownError):
        await client.generate_image("a fox")
    assert len(emulator.state.requests) == 1
    await eventually(lambda: media_made(emulator) == 1, what="the work done anyway")


async def test_an_emulated_metadata_failure_is_retried(
    emulator: RunningRunwayAi, make_client: MakeClient
) -> None:
    client = make_client(emulator.url)
    url = await client.generate_image("a fox")
    await set_knobs(emulator, failure_rate=1.0)
    emulator.state.requests.clear()
    with pytest.raises(ProviderUnavailableError) as caught:
        await client.image_metadata(url)
    assert type(caught.value) is ProviderUnavailableError
    assert [r.path for r in emulator.state.requests] == ["/v1/image-metadata"] * 3


async def test_a_wrong_key_is_an_auth_error(
    emulator: RunningRunwayAi, make_client: MakeClient
) -> None:
    with pytest.raises(ProviderAuthError, match="API key"):
        await make_client(emulator.url, key="wrong").generate_image("a fox")


async def test_logs_name_calls_never_urls_keys_or_bodies(
    emulator: RunningRunwayAi, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.provider.runway_ai")
    client = make_client(emulator.url)
    url = await client.generate_image("a secret prompt")
    await client.image_metadata(url)
    await set_knobs(emulator, failure_rate=1.0)
    with pytest.raises(ProviderUnavailableError):
        await client.image_metadata(url)
    with pytest.raises(OutcomeUnknownError):
        await client.delete_media(url)

    lines = [r.getMessage() for r in caplog.records if r.name.startswith("bot.provider")]
    assert any("generate-image" in line for line in lines)
    assert any("delete-media" in line for line in lines)
    for line in lines:
        assert "http" not in line and KEY not in line and "secret prompt" not in line
