"""The seeded world through getMe, getChat, getChatMember, getChatAdministrators, commands."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    ChatMemberAdministrator,
    ChatMemberOwner,
)
from telegram.error import BadRequest

from sandbox.telegram import (
    ANNA_ID,
    BEN_ID,
    CHANNEL_ID,
    FORUM_ID,
    GROUP_ID,
    PRIVATE_CHAT_ID,
    YOU_ID,
    RunningTelegram,
)


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (1000, "runway_video_bot", True)
    assert me.can_read_all_group_messages is False


async def test_get_chat(bot: Bot) -> None:
    forum = await bot.get_chat(FORUM_ID)
    channel = await bot.get_chat("@sandbox_channel")
    private = await bot.get_chat(PRIVATE_CHAT_ID)

    assert forum.is_forum and forum.type == "supergroup"
    assert channel.id == CHANNEL_ID and channel.type == "channel"
    assert private.first_name == "You"
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(-999)


async def test_chat_members(bot: Bot) -> None:
    owner = await bot.get_chat_member(GROUP_ID, YOU_ID)
    anna = await bot.get_chat_member(GROUP_ID, ANNA_ID)
    me_in_channel = await bot.get_chat_member(CHANNEL_ID, bot.id)
    outsider = await bot.get_chat_member(CHANNEL_ID, BEN_ID)

    assert isinstance(owner, ChatMemberOwner)
    assert anna.status == "member" and anna.user.language_code == "ru"
    assert isinstance(me_in_channel, ChatMemberAdministrator)
    assert me_in_channel.can_post_messages
    assert outsider.status == "left"
    with pytest.raises(BadRequest, match=r"(?i)user not found"):
        await bot.get_chat_member(GROUP_ID, 5)


async def test_chat_administrators(bot: Bot) -> None:
    admins = await bot.get_chat_administrators(GROUP_ID)
    assert {a.user.id for a in admins} == {YOU_ID, BEN_ID}
    with pytest.raises(BadRequest, match=r"(?i)no administrators in the private chat"):
        await bot.get_chat_administrators(PRIVATE_CHAT_ID)


async def test_commands_per_scope_and_language(bot: Bot, sandbox: RunningTelegram) -> None:
    default = [BotCommand("video", "Make a video"), BotCommand("help", "How it works")]
    russian = [BotCommand("video", "Сделать видео")]
    groups = [BotCommand("video", "Make a video here")]
    assert await bot.set_my_commands(default)
    assert await bot.set_my_commands(russian, language_code="ru")
    assert await bot.set_my_commands(groups, scope=BotCommandScopeAllGroupChats())

    assert await bot.get_my_commands() == tuple(default)
    assert await bot.get_my_commands(language_code="ru") == tuple(russian)
    assert await bot.get_my_commands(scope=BotCommandScopeChat(GROUP_ID)) == ()
    shown = await sandbox.client._call("GET", "/commands", params={"chat_id": str(GROUP_ID)})
    assert shown == [{"command": "video", "description": "Make a video here"}]
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
