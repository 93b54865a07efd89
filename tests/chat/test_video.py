"""/video and plain text: a status message that moves, then the video replying to the request."""

from __future__ import annotations

from telegram import BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

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


async def test_command_menus_are_registered_per_scope_and_language(sandbox: Sandbox) -> None:
    bot = sandbox.bot.application.bot
    private = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="ru")
    groups = await bot.get_my_commands(scope=BotCommandScopeAllGroupChats())
    assert "balance" in {command.command for command in private}
    assert any("Видео" in command.description for command in private)
    assert "video" in {command.command for command in groups}
    assert "balance" not in {command.command for command in groups}


async def test_plain_text_in_private_is_a_prompt_and_status_is_edited(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(PRIVATE_CHAT_ID, "a paper plane --dur 10")
    video = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
    assert "10 s" in text_of(video)
    await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "✅" in text_of(m), timeout=10)
    stats = await client.stats()
    assert stats["requests"].get("editMessageText", 0) >= 1
    assert stats["too_many_requests"] == 0
