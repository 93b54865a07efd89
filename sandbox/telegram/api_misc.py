"""getMe, bot commands, chat actions, reactions, callback answers, getFile and getChat."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from sandbox.telegram.api_common import ApiContext, find_chat, thread_of, writable_chat
from sandbox.telegram.errors import bad_request
from sandbox.telegram.params import Params
from sandbox.telegram.stats import Accepted

DOWNLOAD_LIMIT = 20 * 1024 * 1024
CALLBACK_ANSWER_WINDOW = 300.0
ACTION_SECONDS = 5.0
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_REACTION_TYPES = frozenset({"emoji", "custom_emoji", "paid"})
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SCOPES = frozenset(
    {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators",
        "chat", "chat_administrators", "chat_member",
    }
)  # fmt: skip


async def get_me(ctx: ApiContext, p: Params) -> dict[str, Any]:
    return {
        **ctx.state.world.bot.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": not ctx.state.config.privacy_mode,
        "supports_inline_queries": ctx.state.config.inline_queries,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def _commands_key(ctx: ApiContext, p: Params) -> tuple[str, str]:
    scope = p.get_json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    if "chat_id" in scope and ctx.state.world.find_chat(scope["chat_id"]) is None:
        raise bad_request("chat not found")
    language = p.get_str("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return json.dumps(scope, sort_keys=True), language


async def set_my_commands(ctx: ApiContext, p: Params) -> bool:
    commands = p.get_json("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for item in commands:
        if not isinstance(item, dict) or not _COMMAND.match(str(item.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(item.get("description", ""))) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    cleaned = [{"command": c["command"], "description": c["description"]} for c in commands]
    ctx.state.commands[_commands_key(ctx, p)] = cleaned
    return True


async def get_my_commands(ctx: ApiContext, p: Params) -> list[dict[str, str]]:
    return list(ctx.state.commands.get(_commands_key(ctx, p), []))


async def delete_my_commands(ctx: ApiContext, p: Params) -> bool:
    ctx.state.commands.pop(_commands_key(ctx, p), None)
    return True


async def send_chat_action(ctx: ApiContext, p: Params) -> bool:
    chat = writable_chat(ctx.state, p)
    thread_id = thread_of(chat, p)
    action = p.get_str("action", required=True)
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    ctx.state.actions[(chat.id, thread_id)] = (action, time.time() + ACTION_SECONDS)
    ctx.state.stats.accept(
        Accepted(ctx.method, chat.id, None, "chat_action", action, time.monotonic(),
                 thread_id=thread_id)
    )  # fmt: skip
    ctx.state.events.publish(
        {
            "type": "action",
            "chat_id": chat.id,
            "thread_id": thread_id,
            "action": action,
            "seconds": ACTION_SECONDS,
        }
    )
    return True


async def set_message_reaction(ctx: ApiContext, p: Params) -> bool:
    """The bot's reaction on a message: kept and shown in the web chat, never an update."""
    chat = find_chat(ctx.state, p)
    message_id = p.get_int("message_id", required=True)
    assert message_id is not None
    message = ctx.state.message(chat.id, message_id)
    if message is None:
        raise bad_request("message to react not found")
    reactions = _reactions(p.get_json("reaction"))
    message.bot_reactions = reactions
    ctx.state.events.publish(
        {"type": "reaction", "chat_id": chat.id, "message_id": message_id,
         "reactions": reactions}
    )  # fmt: skip
    return True


def _reactions(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request("Expected an Array of ReactionType")
    for item in value:
        if not isinstance(item, dict) or item.get("type") not in _REACTION_TYPES:
            raise bad_request("invalid reaction type specified")
        if item["type"] == "emoji" and not item.get("emoji"):
            raise bad_request("REACTION_INVALID")
    if len(value) > 1:
        raise bad_request("REACTIONS_TOO_MANY")
    return value


async def answer_callback_query(ctx: ApiContext, p: Params) -> bool:
    query_id = p.get_str("callback_query_id", required=True) or ""
    query = ctx.state.callbacks.get(query_id)
    fresh = query is not None and time.time() - query.created < CALLBACK_ANSWER_WINDOW
    if query is None or not fresh or query.answer is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.get_str("text") or ""
    if len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = {"text": text, "show_alert": p.get_bool("show_alert"), "url": p.get_str("url")}
    chat_id = query.data.get("message", {}).get("chat", {}).get("id")
    ctx.state.events.publish(
        {"type": "callback_answer", "chat_id": chat_id, "callback_query_id": query_id,
         **query.answer}
    )  # fmt: skip
    return True


async def get_file(ctx: ApiContext, p: Params) -> dict[str, Any]:
    file_id = p.get_str("file_id", required=True) or ""
    stored = ctx.state.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return stored.file_info()


async def get_chat(ctx: ApiContext, p: Params) -> dict[str, Any]:
    chat = find_chat(ctx.state, p)
    return {
        **chat.to_api(),
        "accent_color_id": abs(chat.id) % 7,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
