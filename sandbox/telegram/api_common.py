"""What every Bot API method shares: the request context, chat and reply checks, markup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sandbox.telegram.entities import detect_entities, parse_text
from sandbox.telegram.errors import BLOCKED, CHAT_NOT_FOUND, bad_request, forbidden
from sandbox.telegram.messages import content_of
from sandbox.telegram.params import Params
from sandbox.telegram.state import StoredMessage, TelegramState
from sandbox.telegram.stats import Accepted
from sandbox.telegram.world import KICKED, ChatRecord

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip


def _connected() -> bool:
    return False


@dataclass
class ApiContext:
    state: TelegramState
    session: aiohttp.ClientSession
    method: str
    gone: Callable[[], bool] = field(default=_connected)  # the client closed its connection


@dataclass
class Target:
    chat: ChatRecord
    thread_id: int | None
    reply_to: StoredMessage | None


def record(ctx: ApiContext, message: StoredMessage, kind: str, at: float) -> None:
    """Put an accepted send or edit on the stats timeline, at the moment it was admitted."""
    data = message.data
    reply = data.get("reply_to_message") or {}
    topic_root = reply.get("message_id") == message.thread_id
    ctx.state.stats.accept(
        Accepted(
            ctx.method,
            data["chat"]["id"],
            message.message_id,
            kind,
            content_of(data),
            at,
            reply_to=None if topic_root else reply.get("message_id"),
            thread_id=message.thread_id,
        )
    )


def find_chat(state: TelegramState, p: Params, name: str = "chat_id") -> ChatRecord:
    chat = state.world.find_chat(p.chat_id(name))
    if chat is None:
        raise bad_request(CHAT_NOT_FOUND)
    return chat


def writable_chat(state: TelegramState, p: Params) -> ChatRecord:
    """The chat to send to: it exists, has not blocked the bot, and the bot may post there."""
    chat = find_chat(state, p)
    if chat.type == "private" and chat.id in state.blocked:
        raise forbidden(BLOCKED)
    if chat.type != "private":
        _check_bot_presence(state, chat)
    return chat


def _check_bot_presence(state: TelegramState, chat: ChatRecord) -> None:
    status = state.world.member_status(chat, state.bot_id)
    if status == KICKED:
        raise forbidden(f"bot was kicked from the {chat.type} chat")
    if not state.world.is_member(chat, state.bot_id):
        raise forbidden(f"bot is not a member of the {chat.type} chat")
    if chat.type == "channel" and not state.world.bot_is_admin(chat):
        raise bad_request("need administrator rights in the channel chat")


def thread_of(chat: ChatRecord, p: Params) -> int | None:
    thread_id = p.get_int("message_thread_id")
    if thread_id is None:
        return None
    if not chat.is_forum or thread_id not in chat.topics:
        raise bad_request("message thread not found")
    return thread_id


def resolve_target(state: TelegramState, p: Params) -> Target:
    chat = writable_chat(state, p)
    thread_id = thread_of(chat, p)
    return Target(chat, thread_id, _reply_target(state, chat, p))


def _reply_target(state: TelegramState, chat: ChatRecord, p: Params) -> StoredMessage | None:
    parameters = p.get_json("reply_parameters") or {}
    if not isinstance(parameters, dict):
        raise bad_request("can't parse reply parameters JSON object")
    message_id = parameters.get("message_id") or p.get_int("reply_to_message_id")
    if not message_id:
        return None
    allow = parameters.get("allow_sending_without_reply")
    allow = allow or p.get_bool("allow_sending_without_reply")
    found = state.message(chat.id, int(message_id))
    if found is None and not allow:
        raise bad_request("message to be replied not found")
    return found


def formatted_text(p: Params, field: str, entities_field: str) -> tuple[str, list[Any]]:
    raw = p.get_str(field) or ""
    given = p.get_json(entities_field)
    if given is not None:
        return raw, list(given)
    return parse_text(raw, p.get_str("parse_mode"))


def text_content(p: Params) -> dict[str, Any]:
    text, entities = formatted_text(p, "text", "entities")
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    content: dict[str, Any] = {"text": text}
    entities = _with_detected(text, entities)
    if entities:
        content["entities"] = entities
    return content


def caption_content(p: Params) -> dict[str, Any]:
    caption, entities = formatted_text(p, "caption", "caption_entities")
    if len(caption) > CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    content: dict[str, Any] = {}
    if caption:
        content["caption"] = caption
        entities = _with_detected(caption, entities)
        if entities:
            content["caption_entities"] = entities
    return content


def _with_detected(text: str, entities: list[Any]) -> list[Any]:
    taken = [(e["offset"], e["offset"] + e["length"]) for e in entities]
    extra = [
        e
        for e in detect_entities(text)
        if all(e["offset"] + e["length"] <= a or e["offset"] >= b for a, b in taken)
    ]
    return sorted([*entities, *extra], key=lambda e: e["offset"])


def inline_markup(p: Params) -> dict[str, Any] | None:
    """The reply_markup to show under a message: an inline keyboard, checked; others None."""
    markup = p.get_json("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard markup JSON object")
    for row in rows:
        for button in row:
            _check_button(button)
    return {"inline_keyboard": rows}


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        size = len(str(button["callback_data"]).encode())
        if not 1 <= size <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
