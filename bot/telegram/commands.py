"""The command menus, per scope (private chats, groups) and language (en, ru)."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from bot.telegram.i18n import text
from bot.telegram.locales import CATALOGS

TOOLS = (
    "image",
    "edit",
    "text",
    "style",
    "trim",
    "filter",
    "speed",
    "resize",
    "thumb",
    "audio",
    "info",
    "forget",
)
PRIVATE = (
    "video",
    "extend",
    "aleph",
    *TOOLS,
    "settings",
    "status",
    "history",
    "cancel",
    "channel",
    "post",
    "balance",
    "buy",
    "refund",
    "usage",
    "help",
)
GROUPS = (
    "video",
    "extend",
    "aleph",
    *TOOLS,
    "settings",
    "status",
    "history",
    "cancel",
    "channel",
    "post",
    "help",
)


def menu(language: str, names: tuple[str, ...]) -> list[BotCommand]:
    return [BotCommand(name, text(language, f"cmd.{name}")) for name in names]


async def register_commands(bot: Bot) -> None:
    """setMyCommands for each scope; English is also the default for every other language."""
    for scope, names in (
        (BotCommandScopeAllPrivateChats(), PRIVATE),
        (BotCommandScopeAllGroupChats(), GROUPS),
    ):
        await bot.set_my_commands(menu("en", names), scope=scope)
        for language in CATALOGS:
            await bot.set_my_commands(menu(language, names), scope=scope, language_code=language)
