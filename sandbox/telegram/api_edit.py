"""Changing sent messages: editMessageText, editMessageCaption, editMessageReplyMarkup, delete."""

from __future__ import annotations

from typing import Any

from sandbox.telegram.api_common import (
    ApiContext,
    caption_content,
    find_chat,
    inline_markup,
    text_content,
)
from sandbox.telegram.errors import bad_request
from sandbox.telegram.messages import delete_message, has_media, update_message
from sandbox.telegram.params import Params
from sandbox.telegram.state import StoredMessage

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def _message_to_edit(ctx: ApiContext, p: Params) -> StoredMessage:
    if p.get_str("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = find_chat(ctx.state, p)
    message_id = p.get_int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = ctx.state.message(chat.id, message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if not message.by_bot:
        raise bad_request("message can't be edited")
    return message


def _apply(ctx: ApiContext, message: StoredMessage, changes: dict[str, Any]) -> dict[str, Any]:
    if all(message.data.get(key) == value for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    chat = message.data["chat"]
    ctx.state.flood.acquire(chat["id"], chat["type"] == "private")
    update_message(ctx.state, message, changes)
    return message.data


async def edit_message_text(ctx: ApiContext, p: Params) -> dict[str, Any]:
    message = _message_to_edit(ctx, p)
    if "text" not in message.data:
        raise bad_request("there is no text in the message to edit")
    content = text_content(p)
    changes = {"text": content["text"], "entities": content.get("entities")}
    changes["reply_markup"] = inline_markup(p)
    return _apply(ctx, message, changes)


async def edit_message_caption(ctx: ApiContext, p: Params) -> dict[str, Any]:
    message = _message_to_edit(ctx, p)
    if not has_media(message):
        raise bad_request("there is no caption in the message to edit")
    content = caption_content(p)
    changes = {
        "caption": content.get("caption"),
        "caption_entities": content.get("caption_entities"),
        "reply_markup": inline_markup(p),
    }
    return _apply(ctx, message, changes)


async def edit_message_reply_markup(ctx: ApiContext, p: Params) -> dict[str, Any]:
    message = _message_to_edit(ctx, p)
    return _apply(ctx, message, {"reply_markup": inline_markup(p)})


async def delete(ctx: ApiContext, p: Params) -> bool:
    chat = find_chat(ctx.state, p)
    message_id = p.get_int("message_id", required=True)
    assert message_id is not None
    message = ctx.state.message(chat.id, message_id)
    if message is None:
        raise bad_request("message to delete not found")
    allowed = message.by_bot or chat.type == "private" or ctx.state.world.bot_is_admin(chat)
    if not allowed or "forum_topic_created" in message.data:
        raise bad_request("message can't be deleted")
    delete_message(ctx.state, message)
    return True
