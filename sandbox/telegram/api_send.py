"""Sending methods: sendMessage, sendPhoto, sendVideo, sendAnimation, sendDocument."""

from __future__ import annotations

from typing import Any

from sandbox.telegram.api_common import (
    ApiContext,
    Target,
    caption_content,
    inline_markup,
    resolve_target,
    text_content,
)
from sandbox.telegram.files import StoredFile
from sandbox.telegram.inputs import input_file
from sandbox.telegram.messages import create_message
from sandbox.telegram.params import Params


def _post(ctx: ApiContext, target: Target, content: dict[str, Any], p: Params) -> dict[str, Any]:
    markup = inline_markup(p)
    if markup is not None:
        content["reply_markup"] = markup
    ctx.state.flood.acquire(target.chat.id, target.chat.type == "private")
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
    return message.data


async def send_message(ctx: ApiContext, p: Params) -> dict[str, Any]:
    target = resolve_target(ctx.state, p)
    return _post(ctx, target, text_content(p), p)


def media_content(stored: StoredFile) -> dict[str, Any]:
    if stored.kind == "photo":
        return {"photo": [size.photo_size() for size in stored.photo_sizes]}
    if stored.kind == "animation":
        return {"animation": stored.to_api(), "document": stored.to_api()}
    return {stored.kind: stored.to_api()}


async def _send_media(ctx: ApiContext, p: Params, field: str) -> dict[str, Any]:
    target = resolve_target(ctx.state, p)
    caption = caption_content(p)
    stored = await input_file(ctx, p, field, field)
    return _post(ctx, target, {**media_content(stored), **caption}, p)


async def send_photo(ctx: ApiContext, p: Params) -> dict[str, Any]:
    return await _send_media(ctx, p, "photo")


async def send_video(ctx: ApiContext, p: Params) -> dict[str, Any]:
    return await _send_media(ctx, p, "video")


async def send_animation(ctx: ApiContext, p: Params) -> dict[str, Any]:
    return await _send_media(ctx, p, "animation")


async def send_document(ctx: ApiContext, p: Params) -> dict[str, Any]:
    return await _send_media(ctx, p, "document")
