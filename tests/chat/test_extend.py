"""Reply-to-extend chains, the Extend button's ForceReply, /history and Stitch."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sandbox.telegram import GROUP_ID, PRIVATE_CHAT_ID
from tests.chat.conftest import Message, Sandbox, buttons_of, has_video, text_of
from tests.support import eventually


def video_about(words: str) -> Callable[[Message], bool]:
    return lambda m: has_video(m) and words in text_of(m)


async def delivered_video(
    sandbox: Sandbox, chat_id: int, words: str, timeout: float = 30
) -> Message:
    """The video about `words`, once the bot has recorded it as delivered: a person replies to
    a video only after seeing it, by when the bot has long noted it."""
    video = await sandbox.client.wait_for_message(chat_id, video_about(words), timeout=timeout)

    async def recorded() -> bool:
        return await sandbox.bot.chat.delivered(chat_id, video["message_id"]) is not None

    await eventually(recorded, what=f"the video about {words!r} recorded as delivered")
    return video


async def make_video(sandbox: Sandbox, chat_id: int, prompt: str) -> Message:
    await sandbox.client.send_text(chat_id, f"/video {prompt} --q 1080p --wm studio")
    return await delivered_video(sandbox, chat_id, prompt)


@pytest.mark.slow(
    "About 10 s: a chain of three clips and their Stitch, rendered one after another and paced at"
    " about one message a second in one private chat."
)
async def test_plain_reply_extends_and_replies_grow_a_chain(sandbox: Sandbox) -> None:
    client = sandbox.client
    first = await make_video(sandbox, PRIVATE_CHAT_ID, "a boat at sea")
    await client.send_text(PRIVATE_CHAT_ID, "a storm rolls in", reply_to=first["message_id"])
    second = await delivered_video(sandbox, PRIVATE_CHAT_ID, "a storm")
    assert any(data.startswith("stitch:") for data in buttons_of(second))
    await client.send_text(PRIVATE_CHAT_ID, "/extend lightning", reply_to=second["message_id"])
    third = await client.wait_for_message(PRIVATE_CHAT_ID, video_about("lightning"), timeout=20)
    store = sandbox.bot.store
    jobs = {job.prompt: job for job in await store.recent(PRIVATE_CHAT_ID, 10)}
    chain = await store.chain(jobs["lightning"].id)
    assert [job.prompt for job in chain] == ["a boat at sea", "a storm rolls in", "lightning"]
    assert jobs["lightning"].options.quality.value == "1080p"  # kept from the original
    assert jobs["lightning"].options.watermark == "studio"
    await client.send_text(PRIVATE_CHAT_ID, "/history")
    history = await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "Recent" in text_of(m))
    lines = text_of(history).splitlines()
    assert any("↳" in line and "lightning" in line for line in lines)
    stitch = next(data for data in buttons_of(third) if data.startswith("stitch:"))
    await client.press_button(PRIVATE_CHAT_ID, third["message_id"], stitch)
    joined = await client.wait_for_message(PRIVATE_CHAT_ID, video_about("3 videos"), timeout=30)
    assert joined["video"]["duration"] >= third["video"]["duration"]


async def test_extend_button_asks_with_force_reply(sandbox: Sandbox) -> None:
    client = sandbox.client
    first = await make_video(sandbox, GROUP_ID, "a kite")
    extend = next(data for data in buttons_of(first) if data.startswith("ext:"))
    await client.press_button(GROUP_ID, first["message_id"], extend)
    ask = await client.wait_for_message(GROUP_ID, lambda m: "should continue" in text_of(m))
    await client.send_text(GROUP_ID, "it flies higher", reply_to=ask["message_id"])
    await client.wait_for_message(GROUP_ID, video_about("it flies higher"), timeout=20)


async def test_plain_text_reply_in_a_group_does_not_extend(sandbox: Sandbox) -> None:
    client = sandbox.client
    first = await make_video(sandbox, GROUP_ID, "a tree")
    await client.send_text(GROUP_ID, "nice one", reply_to=first["message_id"])
    await client.send_text(GROUP_ID, "/extend leaves fall", reply_to=first["message_id"])
    await client.wait_for_message(GROUP_ID, video_about("leaves fall"), timeout=20)
    prompts = [job.prompt for job in await sandbox.bot.store.recent(GROUP_ID, 10)]
    assert "nice one" not in prompts


async def test_extend_needs_a_reply_to_our_video(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(PRIVATE_CHAT_ID, "/extend more")
    await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "as a reply" in text_of(m))
    mine = await client.send_text(PRIVATE_CHAT_ID, "just a note")
    await client.send_text(PRIVATE_CHAT_ID, "/extend more", reply_to=mine["message_id"])
    await client.wait_for_message(
        PRIVATE_CHAT_ID, lambda m: "Reply with /extend to a video" in text_of(m)
    )
