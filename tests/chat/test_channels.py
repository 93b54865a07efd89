"""Channels: /video posted in a channel, /channel binding, /post previews, Publish and Discard."""

from __future__ import annotations

import sqlite3

import pytest

from sandbox.telegram import ANNA_ID, CHANNEL_ID, GROUP_ID, PRIVATE_CHAT_ID
from tests.chat.conftest import Message, Sandbox, answer_of, buttons_of, has_video, text_of
from tests.support import eventually


async def test_video_posted_in_a_channel_is_answered_there(sandbox: Sandbox) -> None:
    client = sandbox.client
    post = await client.send_text(CHANNEL_ID, "/video northern lights")
    video = await client.wait_for_message(CHANNEL_ID, has_video, timeout=20)
    assert video["reply_to_message"]["message_id"] == post["message_id"]
    assert "northern lights" in text_of(video)


async def test_bind_a_channel_then_post_and_publish(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(PRIVATE_CHAT_ID, "/post a sunrise")
    await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "/channel @" in text_of(m))
    await client.send_text(PRIVATE_CHAT_ID, "/channel @sandbox_channel")
    await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "Sandbox Channel" in text_of(m))
    await client.send_text(PRIVATE_CHAT_ID, "/post a sunrise over hills")
    preview = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
    publish = next(data for data in buttons_of(preview) if data.startswith("pub:"))
    assert any(data.startswith("drop:") for data in buttons_of(preview))
    await answer_of(
        sandbox, await client.press_button(PRIVATE_CHAT_ID, preview["message_id"], publish)
    )
    posted = await client.wait_for_message(CHANNEL_ID, has_video, timeout=20)
    assert posted["video"]["file_id"] == preview["video"]["file_id"]  # by file_id, no re-upload
    assert "a sunrise over hills" in text_of(posted)
    await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "Published" in text_of(m))


@pytest.mark.slow(
    "About 5 s: binding, a clip made and previewed, and the post, in one private chat at about "
    "one message a second."
)
async def test_publish_pressed_before_the_delivery_is_recorded_posts_the_video(
    sandbox: Sandbox,
) -> None:
    """A press right after the preview arrives can reach the bot before the store records the
    delivery (seen under load); the pressed message's own video is what gets posted."""
    client = sandbox.client
    preview = await bound_and_previewed(sandbox, "@sandbox_channel", "a harbour at dawn")
    publish = next(data for data in buttons_of(preview) if data.startswith("pub:"))
    job_id = int(publish.rsplit(":", 1)[1])
    await eventually(lambda: _delivered(sandbox, job_id), what="the delivery recorded")
    with sqlite3.connect(sandbox.bot.settings.database_path) as db:  # as it was a moment before
        db.execute(
            "UPDATE jobs SET state = 'succeeded', delivered_chat_id = NULL,"
            " delivered_message_id = NULL, delivered_file_id = NULL WHERE id = ?",
            (job_id,),
        )
    db.close()
    await answer_of(
        sandbox, await client.press_button(PRIVATE_CHAT_ID, preview["message_id"], publish)
    )
    posted = await client.wait_for_message(CHANNEL_ID, has_video, timeout=20)
    assert posted["video"]["file_id"] == preview["video"]["file_id"]
    assert "a harbour at dawn" in text_of(posted)


async def bound_and_previewed(sandbox: Sandbox, channel: str, prompt: str) -> Message:
    """Bind `channel` in the private chat, then /post `prompt`: its preview."""
    client = sandbox.client
    await client.send_text(PRIVATE_CHAT_ID, f"/channel {channel}")
    await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "Sandbox Channel" in text_of(m))
    await client.send_text(PRIVATE_CHAT_ID, f"/post {prompt}")
    return await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)


async def _delivered(sandbox: Sandbox, job_id: int) -> bool:
    job = await sandbox.bot.store.get(job_id)
    return job is not None and job.delivery is not None


async def test_discard_removes_the_preview(sandbox: Sandbox) -> None:
    client = sandbox.client
    preview = await bound_and_previewed(sandbox, "sandbox_channel", "a meadow")
    discard = next(data for data in buttons_of(preview) if data.startswith("drop:"))
    await answer_of(
        sandbox, await client.press_button(PRIVATE_CHAT_ID, preview["message_id"], discard)
    )
    await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "Discarded" in text_of(m))
    remaining = [m["message_id"] for m in await client.messages(PRIVATE_CHAT_ID)]
    assert preview["message_id"] not in remaining
    assert not [m for m in await client.messages(CHANNEL_ID) if m.get("_by_bot")]


async def test_binding_needs_the_user_to_be_a_channel_admin(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(GROUP_ID, "/channel @sandbox_channel", user_id=ANNA_ID)
    await client.wait_for_message(GROUP_ID, lambda m: "администратор" in text_of(m))
    assert await sandbox.bot.store.bound_channel(GROUP_ID) is None
    await client.send_text(GROUP_ID, "/channel @no_such_channel")
    await client.wait_for_message(GROUP_ID, lambda m: "cannot find" in text_of(m))
