"""Bad inputs get a plain answer that names what is wrong and what is valid: at once for bad
options and impossible numbers, in the job's status for what only the file can tell (a trim
past its end, a video with no sound), in the provider's own words when it refuses."""

from __future__ import annotations

import pytest

from sandbox.telegram import PRIVATE_CHAT_ID
from tests.chat.conftest import Sandbox, text_of
from tests.sandbox_runway_ai.media import Samples
from tests.tools.conftest import provider_calls, reply_saying

CHAT = PRIVATE_CHAT_ID


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/speed 0", "The speed must be from 0.25 to 4 (e.g. 0.5 or 2); 0 is not."),
        ("/speed fast", "/speed cannot be “fast”. Valid values: a number."),
        ("/resize 30000x30000", "Each side must be from 16 to 4096 pixels; 30000x30000"),
        ("/resize big", "/resize cannot be “big”. Valid values: WxH, e.g. 1280x720."),
        ("/trim 3 1", "must start at 0 s or later and end at least 0.1 s after it starts"),
        ("/trim 1", "Give the start and end in seconds"),
        (
            "/filter sepia",
            "/filter cannot be “sepia”. Valid values: vintage, cinematic, black-and-white.",
        ),
        ("/thumb --at 2", "Unknown option --at. Valid options: —."),
    ],
)
async def test_impossible_video_requests_are_refused_at_once(
    local: Sandbox, samples: Samples, command: str, answer: str
) -> None:
    video = await local.client.send_video(CHAT, samples.colours)
    request = await local.client.send_text(CHAT, command, reply_to=video["message_id"])
    reply = await reply_saying(local, CHAT, request, answer, timeout=10)
    assert "In line" not in text_of(reply)  # refused before it became a job
    assert sum((await local.bot.store.count_by_state()).values()) == 0


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/image a cat --colour red", "Unknown option --colour. Valid options: --style."),
        (
            "/image a cat --style watercolor",
            "--style cannot be “watercolor”. Valid values: photorealistic, sketch, abstract.",
        ),
        ("/image --style sketch", "Describe the picture after the command"),
        (
            "/edit blur",
            "/edit cannot be “blur”. Valid values: color-adjust, add-filter, resize.",
        ),
        ("/edit add-filter --filter neon", "There is no filter called “neon”"),
        ("/edit resize", "Give the new size as WxH, e.g. --size 1280x720"),
        (
            "/text Hi --pos middle",
            "--pos cannot be “middle”. Valid values: top-left, top-right, bottom-left, "
            "bottom-right, center.",
        ),
        ("/text Hi --size huge", "--size cannot be “huge”. Valid values: 8 … 512."),
        ("/text", "Write the words to put on the photo"),
    ],
)
async def test_bad_options_name_the_option_and_the_valid_values(
    provider: Sandbox, samples: Samples, command: str, answer: str
) -> None:
    photo = await provider.client.send_photo(CHAT, samples.photo)
    request = await provider.client.send_text(CHAT, command, reply_to=photo["message_id"])
    await reply_saying(provider, CHAT, request, answer, timeout=10)
    assert provider_calls(provider) == []


async def test_a_tool_without_its_file_says_where_the_file_goes(local: Sandbox) -> None:
    request = await local.client.send_text(CHAT, "/trim 0 1")
    await reply_saying(local, CHAT, request, "as the caption of a photo or video, or as a reply")


async def test_a_photo_tool_on_a_video_and_a_video_tool_on_a_photo(
    local: Sandbox, samples: Samples
) -> None:
    client = local.client
    video = await client.send_video(CHAT, samples.colours)
    photo = await client.send_photo(CHAT, samples.photo)
    on_video = await client.send_text(CHAT, "/text Hi", reply_to=video["message_id"])
    on_photo = await client.send_text(CHAT, "/audio", reply_to=photo["message_id"])
    await reply_saying(local, CHAT, on_video, "This works on photos only")
    await reply_saying(local, CHAT, on_photo, "This works on videos only")


async def test_a_document_that_is_not_a_photo_is_refused(local: Sandbox) -> None:
    client = local.client
    captioned = await client.send_document(CHAT, b"%PDF-1.4 not a photo", "/edit color-adjust")
    await reply_saying(local, CHAT, captioned, "This file type is not supported")
    document = await client.send_document(CHAT, b"%PDF-1.4 not a photo")
    replied = await client.send_text(CHAT, "/info", reply_to=document["message_id"])
    await reply_saying(local, CHAT, replied, "This file type is not supported")


async def test_a_trim_past_the_end_is_refused_by_the_local_tools(
    local: Sandbox, samples: Samples
) -> None:
    video = await local.client.send_video(CHAT, samples.colours)
    request = await local.client.send_text(CHAT, "/trim 1 9", reply_to=video["message_id"])
    await reply_saying(local, CHAT, request, "The video is 2 s long, so the trim must end by 2 s")


async def test_a_trim_past_the_end_is_refused_in_the_providers_words(
    provider: Sandbox, samples: Samples
) -> None:
    video = await provider.client.send_video(CHAT, samples.colours)
    request = await provider.client.send_text(CHAT, "/trim 1 9", reply_to=video["message_id"])
    refusal = await reply_saying(provider, CHAT, request, "The Runway AI API refused this")
    assert "end_time 9 is past the end of the video" in text_of(refusal)
    assert [call.status for call in provider_calls(provider, "/v1/edit-video")] == [422]


async def test_no_sound_to_extract_is_said_so_by_the_local_tools(
    local: Sandbox, samples: Samples
) -> None:
    silent = await local.client.send_video(CHAT, samples.pattern)
    request = await local.client.send_text(CHAT, "/audio", reply_to=silent["message_id"])
    await reply_saying(local, CHAT, request, "This video has no sound track")


async def test_no_sound_to_extract_is_said_so_in_the_providers_words(
    provider: Sandbox, samples: Samples
) -> None:
    silent = await provider.client.send_video(CHAT, samples.pattern)
    request = await provider.client.send_text(CHAT, "/audio", reply_to=silent["message_id"])
    await reply_saying(provider, CHAT, request, "the video has no audio track")
