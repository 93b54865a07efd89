"""The tools on this machine's ffmpeg and Pillow, when the Runway AI API is not configured: the
same commands, results measured from the files the chat received; the provider's own commands
answer in plain words that they are not set up here."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from sandbox.telegram import PRIVATE_CHAT_ID
from tests.chat.conftest import Sandbox, StartSandbox, text_of
from tests.sandbox_runway_ai.media import Samples, greyness, sound_seconds, streams
from tests.tools.conftest import (
    ROOMY,
    picture_size,
    reply_saying,
    result_of,
    saved,
)

CHAT = PRIVATE_CHAT_ID


@pytest.mark.slow(
    "About 6 s: six ffmpeg runs on one clip and six results, paced in one private chat."
)
async def test_video_tools_run_locally(local: Sandbox, samples: Samples, tmp_path: Path) -> None:
    client = local.client
    video = (await client.send_video(CHAT, samples.colours))["message_id"]
    trim = await client.send_text(CHAT, "/trim 0.5 1.5", reply_to=video)
    speed = await client.send_text(CHAT, "/speed 0.5", reply_to=video)
    resize = await client.send_text(CHAT, "/resize 48x32", reply_to=video)
    grey = await client.send_text(CHAT, "/filter black-and-white", reply_to=video)
    thumb = await client.send_text(CHAT, "/thumb 1", reply_to=video)
    audio = await client.send_text(CHAT, "/audio", reply_to=video)

    trimmed = await saved(local, await result_of(local, CHAT, trim, "video"), tmp_path / "t.mp4")
    assert abs((await streams(trimmed)).duration - 1.0) < 0.2
    slower = await saved(local, await result_of(local, CHAT, speed, "video"), tmp_path / "s.mp4")
    assert abs((await streams(slower)).duration - 4.0) < 0.3
    assert abs(await sound_seconds(slower, tmp_path) - 4.0) < 0.3
    smaller = await saved(local, await result_of(local, CHAT, resize, "video"), tmp_path / "r.mp4")
    facts = await streams(smaller)
    assert (facts.width, facts.height) == (48, 32) and facts.audio_codec == "aac"
    greyed = await saved(local, await result_of(local, CHAT, grey, "video"), tmp_path / "g.mp4")
    assert (await streams(greyed)).width == 96
    still = await saved(local, await result_of(local, CHAT, thumb, "photo"), tmp_path / "f.jpg")
    assert picture_size(still) == (96, 64)
    sound = await saved(local, await result_of(local, CHAT, audio, "audio"), tmp_path / "a.mp3")
    assert abs(await sound_seconds(sound, tmp_path) - 2.0) < 0.2
    assert local.runway_ai is None  # nothing left the machine but Telegram's own calls


async def test_photo_tools_run_locally(local: Sandbox, samples: Samples, tmp_path: Path) -> None:
    client = local.client
    photo = (await client.send_photo(CHAT, samples.photo))["message_id"]
    grey = await client.send_text(CHAT, "/edit add-filter --filter bw", reply_to=photo)
    resize = await client.send_text(CHAT, "/edit resize --size 60x30", reply_to=photo)
    words = await client.send_text(CHAT, "/text Hello --pos center --size 20", reply_to=photo)
    info = await client.send_text(CHAT, "/info", reply_to=photo)

    path = await saved(local, await result_of(local, CHAT, grey, "photo"), tmp_path / "g.jpg")
    with Image.open(path) as image:
        assert greyness(image) < 3
    path = await saved(local, await result_of(local, CHAT, resize, "photo"), tmp_path / "r.jpg")
    assert picture_size(path) == (60, 30)
    path = await saved(local, await result_of(local, CHAT, words, "photo"), tmp_path / "w.jpg")
    assert picture_size(path) == (120, 90)
    facts = await reply_saying(local, CHAT, info, "About this photo")
    assert "120×90" in text_of(facts)


async def test_a_photo_result_offers_tools_and_a_tool_result_can_be_worked_on_again(
    local: Sandbox, samples: Samples, tmp_path: Path
) -> None:
    client = local.client
    video = (await client.send_video(CHAT, samples.colours))["message_id"]
    first = await client.send_text(CHAT, "/trim 0 1", reply_to=video)
    trimmed = await result_of(local, CHAT, first, "video")
    assert trimmed["reply_markup"]["inline_keyboard"][0][0]["callback_data"].startswith("tl:menu:")
    again = await client.send_text(CHAT, "/info", reply_to=trimmed["message_id"])
    facts = await reply_saying(local, CHAT, again, "About this video")
    assert "Length: 1.0 s" in text_of(facts)


@pytest.mark.parametrize(
    ("command", "named"),
    [
        ("/image a lighthouse", "/image needs the Runway AI API"),
        ("/forget", "/forget needs the Runway AI API"),
    ],
)
async def test_provider_only_commands_say_they_are_not_set_up(
    local: Sandbox, command: str, named: str
) -> None:
    request = await local.client.send_text(CHAT, command)
    await reply_saying(local, CHAT, request, named)


async def test_style_without_the_provider_says_it_is_not_set_up(
    local: Sandbox, samples: Samples
) -> None:
    client = local.client
    style = await client.send_photo(CHAT, samples.reference)
    request = await client.send_photo(CHAT, samples.photo, "/style", reply_to=style["message_id"])
    await reply_saying(local, CHAT, request, "/style needs the Runway AI API")


async def test_the_second_engine_without_its_key_says_it_is_not_set_up(
    start_sandbox: StartSandbox,
) -> None:
    async with start_sandbox(video_engine="runway-ai", **ROOMY) as sandbox:
        request = await sandbox.client.send_text(CHAT, "/video a fox in the snow")
        await reply_saying(sandbox, CHAT, request, "Runway AI engine is not set up")
