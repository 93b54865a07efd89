"""The tools wherever the bot is: groups under privacy mode (commands and replies to the bot),
forum topics (every answer in the request's topic) and channels (posts answered in place)."""

from __future__ import annotations

from sandbox.telegram import CHANNEL_ID, FORUM_ID, GROUP_ID
from tests.chat.conftest import Sandbox, text_of
from tests.sandbox_runway_ai.media import Samples
from tests.tools.conftest import reply_saying, result_of

TOPIC = 3


async def test_a_group_uses_the_tools_by_command_and_caption(
    provider: Sandbox, samples: Samples
) -> None:
    client = provider.client
    video = await client.send_video(GROUP_ID, samples.colours)
    info = await client.send_text(GROUP_ID, "/info@runway_video_bot", reply_to=video["message_id"])
    await reply_saying(provider, GROUP_ID, info, "About this video")
    captioned = await client.send_photo(GROUP_ID, samples.photo, "/text Hello group")
    lettered = await result_of(provider, GROUP_ID, captioned, "photo")
    assert "/text Hello group" in text_of(lettered)
    plain = await client.send_photo(GROUP_ID, samples.photo, "just a photo")
    assert plain["message_id"] > 0
    jobs = await provider.bot.store.recent(GROUP_ID, 10)
    assert [job.prompt for job in jobs] == ["/text Hello group", "/info"]  # the photo is no call


async def test_results_land_in_the_forum_topic(local: Sandbox, samples: Samples) -> None:
    client = local.client
    video = await client.send_video(FORUM_ID, samples.colours, thread_id=TOPIC)
    request = await client.send_text(
        FORUM_ID, "/thumb 1", reply_to=video["message_id"], thread_id=TOPIC
    )
    still = await result_of(local, FORUM_ID, request, "photo", thread_id=TOPIC)
    assert still["message_thread_id"] == TOPIC
    bot_messages = [m for m in await client.messages(FORUM_ID) if m.get("_by_bot")]
    assert bot_messages and all(m.get("message_thread_id") == TOPIC for m in bot_messages)


async def test_a_channel_post_is_answered_in_the_channel(local: Sandbox, samples: Samples) -> None:
    client = local.client
    post = await client.send_video(CHANNEL_ID, samples.colours, "/speed 2")
    faster = await result_of(local, CHANNEL_ID, post, "video")
    assert faster["video"]["duration"] <= 1.5
    text_post = await client.send_text(CHANNEL_ID, "/info", reply_to=post["message_id"])
    await reply_saying(local, CHANNEL_ID, text_post, "About this video")
