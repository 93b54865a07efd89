"""The people's side of the world: posting, editing, deleting, pressing buttons, blocking.

Each action changes the world as the Telegram app would and queues the update the bot would
get, honouring privacy mode in groups where the bot is no admin.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from sandbox.telegram.entities import detect_entities
from sandbox.telegram.errors import ApiError, bad_request
from sandbox.telegram.messages import create_message, delete_message, update_message
from sandbox.telegram.state import CallbackQuery, StoredMessage, TelegramState
from sandbox.telegram.updates import Update
from sandbox.telegram.world import YOU_ID, ChatRecord, UserRecord


@dataclass(frozen=True)
class Post:
    """What a person sends: text (or caption), optional media content, where it goes."""

    user_id: int
    text: str = ""
    media: dict[str, Any] | None = None
    reply_to: int | None = None
    thread_id: int | None = None


def _not_found(what: str) -> ApiError:
    return ApiError(404, f"Not Found: {what}")


def chat_of(state: TelegramState, chat_id: int) -> ChatRecord:
    chat = state.world.chats.get(chat_id)
    if chat is None:
        raise _not_found("chat not found")
    return chat


def author(state: TelegramState, chat: ChatRecord, user_id: int) -> UserRecord:
    user = state.world.users.get(user_id)
    if user is None or not state.world.is_member(chat, user_id):
        raise bad_request(f"user {user_id} is not a member of this chat")
    return user


def _text_fields(text: str, media: dict[str, Any] | None) -> dict[str, Any]:
    key = "caption" if media else "text"
    content: dict[str, Any] = dict(media or {})
    if text:
        content[key] = text
        entities = detect_entities(text)
        if entities:
            content[f"{key}_entities" if media else "entities"] = entities
    elif not media:
        raise bad_request("message text is empty")
    return content


@dataclass(frozen=True)
class Prepared:
    """A post checked against the world, ready to be created."""

    chat: ChatRecord
    user: UserRecord
    content: dict[str, Any]
    thread_id: int | None
    reply_to: StoredMessage | None


def prepare(state: TelegramState, chat_id: int, item: Post) -> Prepared:
    chat = chat_of(state, chat_id)
    user = author(state, chat, item.user_id)
    reply_to = state.message(chat.id, item.reply_to) if item.reply_to else None
    if item.reply_to and reply_to is None:
        raise bad_request("message to be replied not found")
    thread_id = item.thread_id if item.thread_id is not None else _thread_of(reply_to)
    if thread_id is not None and thread_id not in chat.topics:
        raise bad_request("message thread not found")
    content = _text_fields(item.text, item.media)
    return Prepared(chat, user, content, thread_id, reply_to)


def publish(state: TelegramState, ready: Prepared) -> tuple[StoredMessage, Update | None]:
    """Create the message and queue the update the bot gets for it (None: it sees nothing)."""
    message = create_message(
        state,
        ready.chat,
        ready.content,
        sender=ready.user,
        by_bot=False,
        thread_id=ready.thread_id,
        reply_to=ready.reply_to,
    )
    return message, _notify_bot(state, ready.chat, message, edited=False)


async def post(state: TelegramState, chat_id: int, item: Post) -> StoredMessage:
    message, _ = publish(state, prepare(state, chat_id, item))
    return message


def post_many(
    state: TelegramState, items: list[tuple[int, Post]]
) -> list[tuple[StoredMessage, Update | None]]:
    """Check every post first, then make them in order: a refused batch posts nothing."""
    ready = []
    for index, (chat_id, item) in enumerate(items):
        try:
            ready.append(prepare(state, chat_id, item))
        except ApiError as error:
            raise ApiError(error.code, f"{error.description} (post {index})") from None
    return [publish(state, item) for item in ready]


def default_author(chat_id: int) -> int:
    """Who posts when nobody is named: the person of a private chat, elsewhere You."""
    return chat_id if chat_id > 0 else YOU_ID


def _thread_of(message: StoredMessage | None) -> int | None:
    return message.thread_id if message is not None else None


async def edit(state: TelegramState, chat_id: int, message_id: int, text: str) -> StoredMessage:
    message = _own_message(state, chat_id, message_id)
    entities = detect_entities(text) or None
    if "text" in message.data:
        if not text.strip():
            raise bad_request("message text is empty")
        changes: dict[str, Any] = {"text": text, "entities": entities}
    else:
        changes = {"caption": text or None, "caption_entities": entities}
    update_message(state, message, changes)
    _notify_bot(state, chat_of(state, chat_id), message, edited=True)
    return message


def remove(state: TelegramState, chat_id: int, message_id: int) -> None:
    message = state.message(chat_id, message_id)
    if message is None:
        raise _not_found("message not found")
    delete_message(state, message)


def _own_message(state: TelegramState, chat_id: int, message_id: int) -> StoredMessage:
    message = state.message(chat_id, message_id)
    if message is None:
        raise _not_found("message not found")
    if message.by_bot:
        raise bad_request("people can edit only their own messages")
    return message


async def press(
    state: TelegramState, chat_id: int, message_id: int, data: str, user_id: int
) -> dict[str, Any]:
    """Press an inline button: queue a callback_query and return it."""
    chat = chat_of(state, chat_id)
    user = author(state, chat, user_id)
    message = state.message(chat_id, message_id)
    if message is None:
        raise _not_found("message not found")
    if data not in _callback_data(message):
        raise bad_request("the message has no button with this callback_data")
    query_id = str(secrets.randbits(63))
    query: dict[str, Any] = {
        "id": query_id,
        "from": user.to_api(),
        "message": message.data,
        "chat_instance": str(abs(hash((state.bot_id, chat_id)))),
        "data": data,
    }
    state.callbacks[query_id] = CallbackQuery(query_id, query, time.time())
    state.updates.push_nowait("callback_query", query)
    return query


def _callback_data(message: StoredMessage) -> set[str]:
    rows = (message.data.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["callback_data"] for row in rows for b in row if "callback_data" in b}


def _notify_bot(
    state: TelegramState, chat: ChatRecord, message: StoredMessage, *, edited: bool
) -> Update | None:
    if not _bot_sees(state, chat, message):
        return None
    kind = "channel_post" if chat.type == "channel" else "message"
    return state.updates.push_nowait(f"edited_{kind}" if edited else kind, message.data)


def _bot_sees(state: TelegramState, chat: ChatRecord, message: StoredMessage) -> bool:
    if chat.type != "private" and not state.world.is_member(chat, state.bot_id):
        return False
    if chat.type in ("private", "channel") or not state.config.privacy_mode:
        return True
    if state.world.bot_is_admin(chat):
        return True
    return _addressed_to_bot(state, message)


def _addressed_to_bot(state: TelegramState, message: StoredMessage) -> bool:
    data = message.data
    text = data.get("text") or data.get("caption") or ""
    entities = data.get("entities") or data.get("caption_entities") or []
    username = state.world.bot.username or ""
    reply = data.get("reply_to_message") or {}
    if reply.get("from", {}).get("id") == state.bot_id:
        return True
    for entity in entities:
        word = text.encode("utf-16-le")[
            entity["offset"] * 2 : (entity["offset"] + entity["length"]) * 2
        ].decode("utf-16-le")
        if entity["type"] == "mention" and word[1:].lower() == username.lower():
            return True
        if entity["type"] == "bot_command":
            _, _, target = word.partition("@")
            if not target or target.lower() == username.lower():
                return True
    return False
