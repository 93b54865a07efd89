"""Sending methods: sendMessage, sendPhoto, sendVideo, sendAnimation, sendAudio, sendDocument."""

from __future__ import annotations

from typing import Any

from sandbox.telegram.api_common import (
    ApiContext,
    Target,
    caption_content,
    inline_markup,
    record,
    resolve_target,
    text_content,
)
from sandbox.telegram.files import StoredFile
from sandbox.telegram.inputs import input_file
from sandbox.telegram.messages import create_message, has_media
from sandbox.telegram.params import Params


def take_flood_slot(ctx: ApiContext, target: Target) -> float:
    """The moment the flood slot was taken (flood.py)."""
    return ctx.state.flood.acquire(target.chat.id, target.chat.type == "private")


def post_content(
    ctx: ApiContext,
    target: Target,
    content: dict[str, Any],
    p: Params,
    *,
    admitted: float | None = None,
) -> dict[str, Any]:
    """Post the bot's message: its inline keyboard checked, a flood slot taken (unless it was
    `admitted` already, on arrival), recorded."""
    markup = inline_markup(p)
    if markup is not None:
        content["reply_markup"] = markup
    if admitted is None:
        admitted = take_flood_slot(ctx, target)
    state = ctx.state
    sender = None if target.chat.type == "channel" else state.world.bot
    message = create_message(
        state,
        target.chat,
        content,
        sender=sender,
        by_bot=True,
        thread_id=target.thread_id,
        reply_to=target.reply_to,
    )
    record(ctx, message, "media" if has_media(message) else "message", admitted)
    return message.data


async def send_message(ctx: ApiContext, p: Params) -> dict[str, Any]:
    target = resolve_target(ctx.state, p)
    return post_content(ctx, target, text_content(p), p)


def media_content(stored: StoredFile) -> dict[str, Any]:
    if stored.kind == "photo":
        return {"photo": [size.photo_size() for size in stored.photo_sizes]}
    if stored.kind == "animation":
        return {"animation": stored.to_api(), "document": stored.to_api()}
    return {stored.kind: stored.to_api()}


async def _send_media(ctx: ApiContext, p: Params, field: str) -> dict[str, Any]:
    target = resolve_target(ctx.state, p)
    caption = caption_content(p)
    admitted = take_flood_slot(ctx, target)  # on arrival, before a URL is fetched (flood.py)
    stored = await input_file(ctx, p, field, field)
    content = {**media_content(stored), **caption}
    return post_content(ctx, target, content, p, admitted=admitted)


async def send_photo(ctx: ApiContext, p: Params) -> dict[str, Any]:
    return await _send_media(ctx, p, "photo")


async def send_video(ctx: ApiContext, p: Params) -> dict[str, Any]:
    return await _send_media(ctx, p, "video")


async def send_animation(ctx: ApiContext, p: Params) -> dict[str, Any]:
    return await _send_media(ctx, p, "animation")


async def send_audio(ctx: ApiContext, p: Params) -> dict[str, Any]:
    return await _send_media(ctx, p, "audio")


async def send_document(ctx: ApiContext, p: Params) -> dict[str, Any]:
    return await _send_media(ctx, p, "document")
