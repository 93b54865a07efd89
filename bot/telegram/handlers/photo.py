"""Image to video: a photo (or an image sent as a file) with a caption. In groups the caption
must start with /video."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot.domain.models import Draft, JobKind
from bot.telegram.context import ChatContext
from bot.telegram.media import MediaProblem, downloaded, photo_in
from bot.telegram.options import parse_request, strip_command
from bot.telegram.replies import is_private, message_of
from bot.telegram.submitting import submit

VIDEO_COMMANDS = ("/video", "/generate")


def command_of(caption: str) -> str:
    head = caption.split(maxsplit=1)[0] if caption.strip() else ""
    return head.split("@", 1)[0].lower()


async def photo(update: Update, context: ChatContext) -> None:
    message = message_of(update)
    caption = message.caption or ""
    command = command_of(caption)
    if not is_private(update) and command not in VIDEO_COMMANDS:
        return  # in groups a photo is for us only with /video
    body = strip_command(caption) if command.startswith("/") else caption
    if not body.strip():
        raise MediaProblem("media.caption_missing")
    request = parse_request(body)
    incoming = photo_in(message)
    if incoming is None:
        return
    defaults = await context.bot_data.chat.defaults(message.chat_id)
    options = replace(
        request.overrides.apply(defaults), aspect_ratio=request.overrides.aspect_ratio
    )
    async with downloaded(context.bot, incoming) as media:
        await submit(update, context, Draft(JobKind.IMAGE, request.prompt, options, media))


async def unsupported(update: Update, context: ChatContext) -> None:
    """Any other file: in private chats, or with /video in groups, say what we take."""
    message = message_of(update)
    if is_private(update) or command_of(message.caption or "") in VIDEO_COMMANDS:
        raise MediaProblem("media.unsupported")
