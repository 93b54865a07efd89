"""Changing sent messages: editMessageText, editMessageCaption, editMessageMedia,
editMessageReplyMarkup, deleteMessage."""

from __future__ import annotations

from typing import Any

from sandbox.telegram.api_common import (
    ApiContext,
    caption_content,
    find_chat,
    inline_markup,
    record,
    text_content,
)
from sandbox.telegram.api_send import media_content
from sandbox.telegram.errors import bad_request
from sandbox.telegram.inputs import input_file
from sandbox.telegram.messages import MEDIA_KEYS, delete_message, has_media, update_message
from sandbox.telegram.params import Params
from sandbox.telegram.state import StoredMessage

_INPUT_MEDIA_TYPES = ("photo", "video", "animation", "audio", "document")
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


def _message_to_edit(ctx: ApiContext, p: Params) -> StoredMessage:
    inline_id = p.get_str("inline_message_id")
    if inline_id:
        return _inline_message(ctx, inline_id)
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


def _inline_message(ctx: ApiContext, inline_id: str) -> StoredMessage:
    """A message a person sent via the bot with an inline keyboard: the bot may edit it."""
    where = ctx.state.inline.messages.get(inline_id)
    message = ctx.state.message(*where) if where else None
    if message is None:
        raise bad_request("MESSAGE_ID_INVALID")
    return message


def _apply(
    ctx: ApiContext, message: StoredMessage, changes: dict[str, Any]
) -> dict[str, Any] | bool:
    """The edited Message, or True for an inline message, as Telegram answers."""
    if all(message.data.get(key) == value for key, value in changes.items()):
        raise bad_request(NOT_MODIFIED)
    chat = message.data["chat"]
    admitted = ctx.state.flood.acquire(chat["id"], chat["type"] == "private")
    update_message(ctx.state, message, changes)
    record(ctx, message, "edit", admitted)
    return True if not message.by_bot else message.data


async def edit_message_text(ctx: ApiContext, p: Params) -> dict[str, Any] | bool:
    message = _message_to_edit(ctx, p)
    if "text" not in message.data:
        raise bad_request("there is no text in the message to edit")
    content = text_content(p)
    changes = {"text": content["text"], "entities": content.get("entities")}
    changes["reply_markup"] = inline_markup(p)
    return _apply(ctx, message, changes)


async def edit_message_caption(ctx: ApiContext, p: Params) -> dict[str, Any] | bool:
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


async def edit_message_media(ctx: ApiContext, p: Params) -> dict[str, Any] | bool:
    message = _message_to_edit(ctx, p)
    spec = _input_media(p)
    if not has_media(message):
        raise bad_request("there is no media in the message to edit")
    described = Params(spec, p.files)
    caption = caption_content(described)
    stored = await input_file(ctx, described, "media", spec["type"])
    changes: dict[str, Any] = dict.fromkeys(MEDIA_KEYS)
    changes.update(media_content(stored))
    changes.update(
        caption=caption.get("caption"),
        caption_entities=caption.get("caption_entities"),
        reply_markup=inline_markup(p),
    )
    return _apply(ctx, message, changes)


def _input_media(p: Params) -> dict[str, Any]:
    if not p.has("media"):
        raise bad_request('Parameter "media" is required')
    spec = p.get_json("media")
    if not isinstance(spec, dict):
        raise bad_request("Can't parse InputMedia: expected an Object")
    if spec.get("type") not in _INPUT_MEDIA_TYPES:
        raise bad_request(f'Can\'t parse InputMedia: type "{spec.get("type")}" is unsupported')
    if not spec.get("media"):
        raise bad_request("Can't parse InputMedia: media not found")
    return spec


async def edit_message_reply_markup(ctx: ApiContext, p: Params) -> dict[str, Any] | bool:
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
