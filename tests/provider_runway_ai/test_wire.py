"""What goes on the wire, seen by a scripted fake: the seed's names, whole seconds as ints,
the key as a Bearer header and as delete-media's auth_token in the body, never the query."""

from __future__ import annotations

from typing import Any

import pytest

from bot.provider.runway_ai.client import RunwayAiClient
from sandbox.telegram import TelegramEmulatorConfig
from tests.provider.fakes import FakeProvider, json_body
from tests.provider_runway_ai.conftest import KEY, MakeClient

SOURCE = "http://127.0.0.1:9/media/abc.jpg"
# The emulator's own token: a file URL of that shape is refused whatever token it carries.
SANDBOX_TOKEN = TelegramEmulatorConfig().bot_token


@pytest.fixture
def client(fake: FakeProvider, make_client: MakeClient) -> RunwayAiClient:
    return make_client(fake.url)


async def sent(fake: FakeProvider) -> dict[str, Any]:
    (seen,) = fake.seen
    assert seen.headers["Authorization"] == f"Bearer {KEY}"
    body: dict[str, Any] = seen.json()
    return body


async def test_trim_sends_whole_seconds_as_ints_and_fractions_as_given(
    fake: FakeProvider, client: RunwayAiClient
) -> None:
    fake.answer(json_body({"edited_video_url": "http://x/videos/1.mp4"}))
    await client.edit_video(SOURCE, "trim", start_time=1.0, end_time=2.5)
    body = await sent(fake)
    assert body == {"video_url": SOURCE, "edit_type": "trim", "start_time": 1, "end_time": 2.5}
    assert isinstance(body["start_time"], int)


async def test_optional_parameters_left_out_are_not_sent(
    fake: FakeProvider, client: RunwayAiClient
) -> None:
    fake.answer(json_body({"image_url": "http://x/images/1.jpg"}))
    await client.generate_image("a fox")
    assert await sent(fake) == {"prompt": "a fox"}
    assert fake.seen[0].path == "/v1/generate-image"


async def test_filter_goes_out_as_filter(fake: FakeProvider, client: RunwayAiClient) -> None:
    fake.answer(json_body({"edited_image_url": "http://x/images/1.jpg"}))
    await client.edit_image(SOURCE, "add-filter", filter_name="sepia")
    assert await sent(fake) == {"image_url": SOURCE, "edit_type": "add-filter", "filter": "sepia"}


async def test_metadata_goes_out_as_a_query_parameter(
    fake: FakeProvider, client: RunwayAiClient
) -> None:
    fake.answer(json_body({"video_id": "v", "size": "50MB", "duration": "1:05"}))
    info = await client.video_metadata(SOURCE)
    (seen,) = fake.seen
    assert (seen.method, seen.path, seen.query) == (
        "GET",
        "/v1/video-metadata",
        {"video_url": SOURCE},
    )
    assert (info.size_bytes, info.duration) == (50 * 2**20, 65.0)


async def test_delete_carries_the_key_in_the_body_only(
    fake: FakeProvider, client: RunwayAiClient
) -> None:
    fake.answer(json_body({"message": "Media successfully deleted"}))
    assert await client.delete_media(SOURCE) == "Media successfully deleted"
    (seen,) = fake.seen
    assert (seen.method, seen.query) == ("DELETE", {})
    assert seen.json() == {"media_url": SOURCE, "auth_token": KEY}


@pytest.mark.parametrize(
    "url",
    [
        f"https://api.telegram.org/file/bot{SANDBOX_TOKEN}/photos/file_1.jpg",
        f"http://127.0.0.1:8081/file/bot{SANDBOX_TOKEN}/videos/file_2.mp4",
    ],
)
async def test_a_telegram_file_url_is_refused_before_anything_is_sent(
    fake: FakeProvider, client: RunwayAiClient, url: str
) -> None:
    with pytest.raises(ValueError, match="Telegram file URL"):
        await client.image_to_video(url, 5)
    with pytest.raises(ValueError, match="Telegram file URL"):
        await client.style_transfer(SOURCE, url)
    with pytest.raises(ValueError, match="Telegram file URL"):
        await client.video_metadata(url)
    assert fake.seen == []


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"size": "2MB", "width": 1024, "height": 768}, (2 * 2**20, 1024, 768)),
        ({"size": "350 KB", "width": "640", "height": "480"}, (350 * 2**10, 640, 480)),
        ({"size": 1234, "width": None}, (1234, None, None)),
        ({"size": "a lot", "width": "wide", "height": 5.0}, (None, None, 5)),
        ({}, (None, None, None)),
    ],
)
async def test_image_metadata_is_read_leniently(
    fake: FakeProvider,
    client: RunwayAiClient,
    meta: dict[str, Any],
    expected: tuple[int | None, int | None, int | None],
) -> None:
    fake.answer(json_body({"image_id": "i", "created_at": "2024-09-12T10:00:00Z", **meta}))
    info = await client.image_metadata(SOURCE)
    assert (info.size_bytes, info.width, info.height) == expected
    assert info.created_at == "2024-09-12T10:00:00Z"
