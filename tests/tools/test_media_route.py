"""GET /media/{token}: the bot's own links for the Runway AI API's inputs. A valid link serves
its file (fetched from Telegram by file_id, ranges and HEAD included); anything else, forged,
expired or a path trick, is a bare 404. No Telegram file URL ever reaches the provider."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from bot.web.media_links import MediaLinks, derive_key
from sandbox.telegram import PRIVATE_CHAT_ID
from tests.chat.conftest import TOKEN, Sandbox, StartSandbox
from tests.sandbox_runway_ai.media import Samples
from tests.tools.conftest import AI_KNOBS, ROOMY, provider_calls, reply_saying, result_of

CHAT = PRIVATE_CHAT_ID


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def links(sandbox: Sandbox, clock: Callable[[], float] = time.time) -> MediaLinks:
    """Links as any replica of this bot signs them: the key comes from the bot token."""
    return MediaLinks(derive_key(TOKEN), sandbox.bot.settings.public_url, clock=clock)


async def _photo_id(sandbox: Sandbox, samples: Samples) -> str:
    sent = await sandbox.client.send_photo(CHAT, samples.photo)
    return str(sent["photo"][-1]["file_id"])


async def test_a_link_serves_its_file_with_ranges_and_head(
    provider: Sandbox, samples: Samples, http: aiohttp.ClientSession
) -> None:
    file_id = await _photo_id(provider, samples)
    original = await provider.client.download(file_id)
    url = links(provider).url(file_id, ".jpg")
    async with http.get(url) as whole:
        assert whole.status == 200 and whole.content_type == "image/jpeg"
        assert await whole.read() == original
    async with http.get(url, headers={"Range": "bytes=0-9"}) as part:
        assert part.status == 206 and await part.read() == original[:10]
        assert part.headers["Content-Range"] == f"bytes 0-9/{len(original)}"
    async with http.get(url, headers={"Range": f"bytes={len(original) - 4}-"}) as tail:
        assert tail.status == 206 and await tail.read() == original[-4:]
    async with http.head(url) as head:
        assert head.status == 200 and head.content_length == len(original)
    cache = Path(provider.bot.settings.database_path).parent / "media-cache"
    cached = await asyncio.to_thread(lambda: list(cache.glob("*.jpg")))
    assert len(cached) == 1 and file_id not in cached[0].name  # named by a digest, not the id


def _tampered(token: str) -> str:
    payload, mac = token.split(".")
    flipped = "A" if mac[0] != "A" else "B"
    return f"{payload}.{flipped}{mac[1:]}"


async def test_unknown_forged_expired_and_tricky_tokens_are_404(
    provider: Sandbox, samples: Samples, http: aiohttp.ClientSession
) -> None:
    file_id = await _photo_id(provider, samples)
    good = links(provider).token(file_id, ".jpg")
    expired = links(provider, clock=lambda: time.time() - 7200).token(file_id, ".jpg")
    other_key = MediaLinks(derive_key("2000:another-bot"), "http://x").token(file_id, ".jpg")
    gone = links(provider).token("AgACunknownFileId0000000000", ".jpg")
    base = provider.bot.settings.public_url
    paths = [
        "nope",
        "a.b",
        _tampered(good),
        expired,
        other_key,
        gone,
        good + ".jpg",
        good + "%2F..%2F..%2Fhealthz",
        "..%2Fhealthz",
        "%2e%2e",
        good.replace(".", "%2F", 1),
        "x" * 5000,
    ]
    for path in paths:
        async with http.get(URL(f"{base}/media/{path}", encoded=True)) as response:
            assert response.status == 404, path
            assert "Traceback" not in await response.text()
    async with http.get(f"{base}/media/") as empty:
        assert empty.status == 404
    async with http.get(f"{base}/media/{good}") as fine:
        assert fine.status == 200  # the same file, by a link that is valid


async def test_no_telegram_file_url_ever_reaches_the_provider(
    provider: Sandbox, samples: Samples
) -> None:
    client = provider.client
    style = await client.send_photo(CHAT, samples.reference)
    styled = await client.send_photo(CHAT, samples.photo, "/style", reply_to=style["message_id"])
    video = await client.send_video(CHAT, samples.colours, "/info")
    await result_of(provider, CHAT, styled, "photo")
    await reply_saying(provider, CHAT, video, "About this video")
    records = provider_calls(provider)
    assert {record.path for record in records} == {"/v1/style-transfer", "/v1/video-metadata"}
    public = provider.bot.settings.public_url
    telegram = provider.telegram.url
    for record in records:
        for url in [*record.urls.values(), *record.fetched]:
            assert url.startswith(f"{public}/media/"), url
            assert "/file/bot" not in url and TOKEN not in url and telegram not in url


async def test_without_a_public_url_inputs_go_through_the_kie_upload(
    start_sandbox: StartSandbox, samples: Samples, http: aiohttp.ClientSession
) -> None:
    async with start_sandbox(runway_ai=AI_KNOBS, public_url="", **ROOMY) as sandbox:
        video = await sandbox.client.send_video(CHAT, samples.colours)
        request = await sandbox.client.send_text(CHAT, "/thumb", reply_to=video["message_id"])
        await result_of(sandbox, CHAT, request, "photo")
        call = provider_calls(sandbox, "/v1/generate-thumbnail")[0]
        assert call.urls["video_url"].startswith(sandbox.runway.url)  # kie.ai's downloadUrl
        assert "/file/bot" not in call.urls["video_url"]
        bot_url = f"http://127.0.0.1:{sandbox.bot.settings.http_port}"
        token = MediaLinks(derive_key(TOKEN), bot_url).token(str(video["video"]["file_id"]), ".mp4")
        async with http.get(f"{bot_url}/media/{token}") as response:
            assert response.status == 404  # no route: the bot hands out no links of its own
