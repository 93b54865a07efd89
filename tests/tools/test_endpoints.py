"""Each of the Runway AI API's 15 endpoints, reached through the chat command that uses it, with
the whole bot on real HTTP; every result is measured from the file the chat received."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from sandbox.telegram import PRIVATE_CHAT_ID
from tests.chat.conftest import TOKEN, Sandbox, StartSandbox, text_of
from tests.sandbox_runway_ai.media import Samples, sound_seconds, streams
from tests.tools.conftest import (
    AI_KNOBS,
    ROOMY,
    picture_size,
    provider_calls,
    reply_saying,
    result_of,
    saved,
)

CHAT = PRIVATE_CHAT_ID


async def _video(sandbox: Sandbox, samples: Samples) -> int:
    """A 2 s, 96x64 clip with sound in the chat; its message id."""
    sent = await sandbox.client.send_video(CHAT, samples.colours)
    return int(sent["message_id"])


async def _photo(sandbox: Sandbox, samples: Samples) -> int:
    """A 120x90 photo in the chat; its message id."""
    sent = await sandbox.client.send_photo(CHAT, samples.photo)
    return int(sent["message_id"])


def _one_call(sandbox: Sandbox, path: str) -> None:
    calls = provider_calls(sandbox, path)
    assert [call.status for call in calls] == [200], calls
    public = sandbox.bot.settings.public_url
    for url in [*calls[0].urls.values(), *calls[0].fetched]:
        if "media_url" not in calls[0].urls:
            assert url.startswith(f"{public}/media/"), url
        assert "/file/bot" not in url and TOKEN not in url


async def test_generate_image_through_image(provider: Sandbox, tmp_path: Path) -> None:
    request = await provider.client.send_text(CHAT, "/image a lighthouse at dawn --style sketch")
    photo = await result_of(provider, CHAT, request, "photo")
    _one_call(provider, "/v1/generate-image")
    assert picture_size(await saved(provider, photo, tmp_path / "p.jpg")) == (160, 120)
    assert "a lighthouse at dawn" in text_of(photo)
    assert any(
        b["callback_data"].startswith("tl:menu:")
        for b in photo["reply_markup"]["inline_keyboard"][0]
    )


async def test_edit_image_through_edit(provider: Sandbox, samples: Samples, tmp_path: Path) -> None:
    photo = await _photo(provider, samples)
    request = await provider.client.send_text(CHAT, "/edit resize --size 60x40", reply_to=photo)
    edited = await result_of(provider, CHAT, request, "photo")
    _one_call(provider, "/v1/edit-image")
    assert picture_size(await saved(provider, edited, tmp_path / "e.jpg")) == (60, 40)


async def test_generate_video_through_video_on_the_second_engine(
    start_sandbox: StartSandbox, tmp_path: Path
) -> None:
    async with start_sandbox(runway_ai=AI_KNOBS, video_engine="runway-ai", **ROOMY) as sandbox:
        request = await sandbox.client.send_text(CHAT, "/video a paper boat on a pond")
        clip = await result_of(sandbox, CHAT, request, "video")
        _one_call(sandbox, "/v1/generate-video")
        facts = await streams(await saved(sandbox, clip, tmp_path / "v.mp4"))
        assert abs(facts.duration - 5) < 0.3 and facts.video_codec == "h264"
        assert "Runway AI" in text_of(clip)
        buttons = [
            b["callback_data"] for row in clip["reply_markup"]["inline_keyboard"] for b in row
        ]
        assert any(data.startswith("regen:") for data in buttons)
        assert any(data.startswith("tl:menu:") for data in buttons)


async def test_edit_video_through_trim(provider: Sandbox, samples: Samples, tmp_path: Path) -> None:
    video = await _video(provider, samples)
    request = await provider.client.send_text(CHAT, "/trim 0.5 1.5", reply_to=video)
    trimmed = await result_of(provider, CHAT, request, "video")
    _one_call(provider, "/v1/edit-video")
    facts = await streams(await saved(provider, trimmed, tmp_path / "t.mp4"))
    assert abs(facts.duration - 1.0) < 0.2


async def test_video_filter_through_filter(
    provider: Sandbox, samples: Samples, tmp_path: Path
) -> None:
    video = await _video(provider, samples)
    request = await provider.client.send_text(CHAT, "/filter black-and-white", reply_to=video)
    filtered = await result_of(provider, CHAT, request, "video")
    _one_call(provider, "/v1/video-filter")
    facts = await streams(await saved(provider, filtered, tmp_path / "f.mp4"))
    assert (facts.width, facts.height) == (96, 64) and abs(facts.duration - 2) < 0.2


async def test_image_metadata_through_info_on_a_photo(provider: Sandbox, samples: Samples) -> None:
    photo = await _photo(provider, samples)
    request = await provider.client.send_text(CHAT, "/info", reply_to=photo)
    facts = await reply_saying(provider, CHAT, request, "About this")
    _one_call(provider, "/v1/image-metadata")
    assert "About this photo" in text_of(facts) and "120×90" in text_of(facts)


async def test_video_metadata_through_info_on_a_video(provider: Sandbox, samples: Samples) -> None:
    video = await _video(provider, samples)
    request = await provider.client.send_text(CHAT, "/info", reply_to=video)
    facts = await reply_saying(provider, CHAT, request, "About this")
    _one_call(provider, "/v1/video-metadata")
    assert "About this video" in text_of(facts)
    assert "96×64" in text_of(facts) and "Length: 2.0 s" in text_of(facts)


async def test_image_to_video_through_a_captioned_photo_on_the_second_engine(
    start_sandbox: StartSandbox, samples: Samples, tmp_path: Path
) -> None:
    async with start_sandbox(runway_ai=AI_KNOBS, video_engine="runway-ai", **ROOMY) as sandbox:
        request = await sandbox.client.send_photo(CHAT, samples.photo, "the sun comes up --dur 10")
        clip = await result_of(sandbox, CHAT, request, "video")
        _one_call(sandbox, "/v1/image-to-video")
        facts = await streams(await saved(sandbox, clip, tmp_path / "i.mp4"))
        assert abs(facts.duration - 10) < 0.3


async def test_add_text_to_image_through_text(
    provider: Sandbox, samples: Samples, tmp_path: Path
) -> None:
    photo = await _photo(provider, samples)
    request = await provider.client.send_text(
        CHAT, '/text "Happy birthday" --pos top-left --size 14', reply_to=photo
    )
    lettered = await result_of(provider, CHAT, request, "photo")
    _one_call(provider, "/v1/add-text-to-image")
    assert picture_size(await saved(provider, lettered, tmp_path / "x.jpg")) == (120, 90)


async def test_style_transfer_through_style(
    provider: Sandbox, samples: Samples, tmp_path: Path
) -> None:
    style = await provider.client.send_photo(CHAT, samples.reference)
    request = await provider.client.send_photo(
        CHAT, samples.photo, "/style", reply_to=style["message_id"]
    )
    styled = await result_of(provider, CHAT, request, "photo")
    _one_call(provider, "/v1/style-transfer")
    call = provider_calls(provider, "/v1/style-transfer")[0]
    assert call.urls["image_url"] != call.urls["style_reference"]  # two photos, two links
    assert picture_size(await saved(provider, styled, tmp_path / "s.jpg")) == (120, 90)


async def test_resize_video_through_resize(
    provider: Sandbox, samples: Samples, tmp_path: Path
) -> None:
    video = await _video(provider, samples)
    request = await provider.client.send_text(CHAT, "/resize 48x33", reply_to=video)
    resized = await result_of(provider, CHAT, request, "video")
    _one_call(provider, "/v1/resize-video")
    facts = await streams(await saved(provider, resized, tmp_path / "r.mp4"))
    assert (facts.width, facts.height) == (48, 32)  # odd sides come down to even


async def test_generate_thumbnail_through_thumb(
    provider: Sandbox, samples: Samples, tmp_path: Path
) -> None:
    video = await _video(provider, samples)
    request = await provider.client.send_text(CHAT, "/thumb 1.5", reply_to=video)
    still = await result_of(provider, CHAT, request, "photo")
    _one_call(provider, "/v1/generate-thumbnail")
    path = await saved(provider, still, tmp_path / "th.jpg")
    assert picture_size(path) == (96, 64)


async def test_extract_audio_through_audio(
    provider: Sandbox, samples: Samples, tmp_path: Path
) -> None:
    video = await _video(provider, samples)
    request = await provider.client.send_text(CHAT, "/audio", reply_to=video)
    sound = await result_of(provider, CHAT, request, "audio")
    _one_call(provider, "/v1/extract-audio")
    path = await saved(provider, sound, tmp_path / "a.mp3")
    assert abs(await sound_seconds(path, tmp_path) - 2.0) < 0.2


async def test_speed_adjust_through_speed(
    provider: Sandbox, samples: Samples, tmp_path: Path
) -> None:
    video = await _video(provider, samples)
    request = await provider.client.send_text(CHAT, "/speed 2", reply_to=video)
    faster = await result_of(provider, CHAT, request, "video")
    _one_call(provider, "/v1/speed-adjust")
    path = await saved(provider, faster, tmp_path / "sp.mp4")
    assert abs((await streams(path)).duration - 1.0) < 0.2
    assert abs(await sound_seconds(path, tmp_path) - 1.0) < 0.2  # the sound kept in step


async def test_delete_media_through_forget(provider: Sandbox) -> None:
    client = provider.client
    request = await client.send_text(CHAT, "/image a red kite")
    photo = await result_of(provider, CHAT, request, "photo")
    assert provider.runway_ai is not None
    kept = provider_calls(provider, "/v1/generate-image")
    assert kept
    forget = await client.send_text(CHAT, "/forget", reply_to=photo["message_id"])
    await reply_saying(provider, CHAT, forget, "Deleted at the provider")
    calls = provider_calls(provider, "/v1/delete-media")
    assert [call.status for call in calls] == [200]
    assert calls[0].urls["media_url"].startswith(provider.runway_ai.url + "/images/")
    async with (
        aiohttp.ClientSession() as session,
        session.get(calls[0].urls["media_url"]) as gone,
    ):
        assert gone.status == 404  # the emulator no longer serves it
