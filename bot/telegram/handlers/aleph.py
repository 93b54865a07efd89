"""Video to video (Runway Aleph): `/aleph <prompt> [--ar …] [--seed N] [--wm …]` as a reply to
a video, or as the caption of a video. A reference image is a photo the command replies to
(when the video carries the caption) or the photo that carries the command (as a reply to the
video). The video is always Telegram's own copy, so a clip of any age can be restyled."""

from __future__ import annotations

import tempfile
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path

from telegram import Message, Update

from bot.domain.errors import UserError
from bot.domain.models import Draft, JobKind, Origin
from bot.telegram.context import ChatContext
from bot.telegram.media import Incoming, download, photo_in, video_in
from bot.telegram.options import Overrides, parse_request, strip_command
from bot.telegram.replies import is_private, message_of
from bot.telegram.submitting import submit


def is_aleph(text: str | None) -> bool:
    head = (text or "").split(maxsplit=1)[:1]
    return bool(head) and head[0].split("@", 1)[0].lower() == "/aleph"


async def aleph(update: Update, context: ChatContext) -> None:
    """The /aleph command as text: the video is the message it replies to."""
    message = message_of(update)
    target = message.reply_to_message
    incoming = video_in(target) if target else None
    if incoming is None:
        raise UserError("aleph.reply_needed")
    await restyle(update, context, incoming, strip_command(message.text or ""))


async def video_message(update: Update, context: ChatContext) -> None:
    """A video (or video file) arrives: with an /aleph caption it is restyled."""
    message = message_of(update)
    caption = message.caption or ""
    if is_aleph(caption):
        incoming = video_in(message)
        assert incoming is not None  # the filter let only videos through
        reference = _photo(message.reply_to_message)
        await restyle(update, context, incoming, strip_command(caption), reference=reference)
    elif is_private(update) or caption.startswith("/"):
        raise UserError("media.video_caption")


async def photo_as_reference(update: Update, context: ChatContext) -> None:
    """A photo captioned /aleph, replying to a video: the photo is the reference image."""
    message = message_of(update)
    target = message.reply_to_message
    incoming = video_in(target) if target else None
    if incoming is None:
        raise UserError("aleph.reply_needed")
    await restyle(
        update, context, incoming, strip_command(message.caption or ""), reference=photo_in(message)
    )


def _photo(message: Message | None) -> Incoming | None:
    return photo_in(message) if message is not None and message.photo else None


async def restyle(
    update: Update,
    context: ChatContext,
    incoming: Incoming,
    body: str,
    *,
    reference: Incoming | None = None,
    origin: Origin | None = None,
    overrides: Overrides | None = None,
) -> None:
    request = parse_request(body)
    if not request.prompt.strip():
        raise UserError("aleph.prompt_missing")
    overrides = overrides or request.overrides
    defaults = await context.bot_data.chat.defaults(message_of(update).chat_id)
    options = replace(overrides.apply(defaults), aspect_ratio=overrides.aspect_ratio)
    async with AsyncExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="aleph-")))
        video = await download(context.bot, incoming.file_id, tmp / incoming.filename)
        still = None
        if reference is not None:
            still = await download(context.bot, reference.file_id, tmp / "reference.jpg")
        draft = Draft(JobKind.ALEPH, request.prompt, options, video, reference=still)
        await submit(update, context, draft, origin=origin)
