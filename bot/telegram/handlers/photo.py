"""Image to video: a photo (or an image sent as a file) with a caption. In groups the caption
must start with /video."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot.domain.models import Draft, JobKind
from bot.telegram.context import ChatContext
from bot.telegram.media import MediaProblem, downloaded, photo_in
from bot.telegram.options import OptionError, parse_request, strip_command
from bot.telegram.replies import answer, is_private
from bot.telegram.submitting import refuse_option, submit

VIDEO_COMMANDS = ("/video", "/generate")


def _command_of(caption: str) -> str:
    head = caption.split(maxsplit=1)[0] if caption.strip() else ""
    return head.split("@", 1)[0].lower()


async def photo(update: Update, context: ChatContext) -> None:
    message = update.effective_message
    if message is None:
        return
    caption = message.caption or ""
    command = _command_of(caption)
    if not is_private(update) and command not in VIDEO_COMMANDS:
        return  # in groups a photo is for us only with /video
    body = strip_command(caption) if command.startswith("/") else caption
    if not body.strip():
        await answer(update, context, "media.caption_missing")
        return
    try:
        request = parse_request(body)
        incoming = photo_in(message)
    except OptionError as exc:
        await refuse_option(update, context, exc)
        return
    except MediaProblem as exc:
        await answer(update, context, exc.key, **exc.params)
        return
    if incoming is None:
        return
    defaults = await context.bot_data.chat.defaults(message.chat_id)
    options = replace(
        request.overrides.apply(defaults), aspect_ratio=request.overrides.aspect_ratio
    )
    async with downloaded(context.bot, incoming) as media:
        draft = Draft(JobKind.IMAGE, request.prompt, options, media)
        await submit(update, context, draft)


async def unsupported(update: Update, context: ChatContext) -> None:
    """Any other file: in private chats, or with /video in groups, say what we take."""
    message = update.effective_message
    if message is None:
        return
    if is_private(update) or _command_of(message.caption or "") in VIDEO_COMMANDS:
        await answer(update, context, "media.unsupported")
