"""Building, storing and announcing messages, in the Bot API's Message shape."""

from __future__ import annotations

import time
from typing import Any

from sandbox.telegram.state import StoredMessage, TelegramState
from sandbox.telegram.world import ChatRecord, UserRecord

MEDIA_KEYS = ("photo", "video", "animation", "document", "audio")
# What a message carries, most specific first (an animation also has a document).
_CONTENT_KEYS = ("video", "animation", "photo", "audio", "document", "invoice", "text")


def snapshot(message: StoredMessage) -> dict[str, Any]:
    """A message as nested in reply_to_message: without its own reply_to_message."""
    return {k: v for k, v in message.data.items() if k != "reply_to_message"}


def topic_root(state: TelegramState, chat: ChatRecord, thread_id: int) -> StoredMessage | None:
    return state.message(chat.id, thread_id)


def create_message(
    state: TelegramState,
    chat: ChatRecord,
    content: dict[str, Any],
    *,
    sender: UserRecord | None,
    by_bot: bool,
    thread_id: int | None = None,
    reply_to: StoredMessage | None = None,
) -> StoredMessage:
    """Store a new message and announce it to watchers.

    In a forum topic a message that replies to nothing carries the topic's creation message as
    reply_to_message, as Telegram does.
    """
    log = state.logs[chat.id]
    data: dict[str, Any] = {"message_id": log.allocate()}
    if chat.type == "channel":
        data["sender_chat"] = chat.to_api()
    elif sender is not None:
        data["from"] = sender.to_api()
    data["chat"] = chat.to_api()
    data["date"] = int(time.time())
    if thread_id is not None:
        data["message_thread_id"] = thread_id
        data["is_topic_message"] = True
        reply_to = reply_to or topic_root(state, chat, thread_id)
    if reply_to is not None:
        data["reply_to_message"] = snapshot(reply_to)
    data.update(content)
    stored = StoredMessage(data, by_bot)
    log.messages[stored.message_id] = stored
    state.events.publish({"type": "message", "chat_id": chat.id, "message": stored.to_control()})
    return stored


def update_message(state: TelegramState, message: StoredMessage, changes: dict[str, Any]) -> None:
    """Apply an edit (keys set to None are removed) and announce it."""
    for key, value in changes.items():
        if value is None:
            message.data.pop(key, None)
        else:
            message.data[key] = value
    message.data["edit_date"] = int(time.time())
    chat_id = message.data["chat"]["id"]
    state.events.publish({"type": "edit", "chat_id": chat_id, "message": message.to_control()})


def delete_message(state: TelegramState, message: StoredMessage) -> None:
    chat_id = message.data["chat"]["id"]
    state.logs[chat_id].messages.pop(message.message_id, None)
    state.events.publish({"type": "delete", "chat_id": chat_id, "message_id": message.message_id})


def has_media(message: StoredMessage) -> bool:
    return any(key in message.data for key in MEDIA_KEYS)


def content_of(data: dict[str, Any]) -> str:
    """What a message carries: video, animation, photo, audio, document, invoice, text."""
    return next((key for key in _CONTENT_KEYS if key in data), "other")
