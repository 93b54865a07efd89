"""/video and plain text: a status message that moves, then the video replying to the request."""

from __future__ import annotations

from sandbox.telegram import PRIVATE_CHAT_ID
from tests.chat.conftest import Sandbox, buttons_of, has_video, text_of


async def test_video_command_delivers_a_video_with_buttons(sandbox: Sandbox) -> None:
    client = sandbox.client
    request = await client.send_text(PRIVATE_CHAT_ID, "/video a fox in the snow --ar 9:16")
    video = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
    assert video["reply_to_message"]["message_id"] == request["message_id"]
    assert "a fox in the snow" in text_of(video)
    assert "9:16" in text_of(video)
    job_buttons = buttons_of(video)
    assert any(data.startswith("ext:") for data in job_buttons)
    assert any(data.startswith("regen:") for data in job_buttons)
    assert any(data.startswith("style:") for data in job_buttons)
    status = await client.wait_for_message(
        PRIVATE_CHAT_ID, lambda m: "✅" in text_of(m), timeout=10
    )
    assert status["reply_to_message"]["message_id"] == request["message_id"]
    assert "9:16" in text_of(status) and "credits" in text_of(status)
    assert await sandbox.too_many_requests() == 0
