"""Text to video: `/video <prompt> [options]`, `/generate`, plain text in private chats, and
`/video` posted in a channel."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot.domain.models import Draft, JobKind
from bot.telegram.context import ChatContext
from bot.telegram.options import parse_request, strip_command
from bot.telegram.replies import message_of
from bot.telegram.submitting import submit


async def video(update: Update, context: ChatContext) -> None:
    message = message_of(update)
    if message.text is not None:
        await text_to_video(update, context, strip_command(message.text))


async def plain_text(update: Update, context: ChatContext) -> None:
    """Private chats: any text without a command is a prompt."""
    message = message_of(update)
    if message.text is not None:
        await text_to_video(update, context, message.text)


async def text_to_video(
    update: Update, context: ChatContext, body: str, publish_channel_id: int | None = None
) -> None:
    request = parse_request(body)
    defaults = await context.bot_data.chat.defaults(message_of(update).chat_id)
    options = request.overrides.apply(defaults)
    if options.aspect_ratio is None:
        options = replace(options, aspect_ratio=defaults.aspect_ratio)
    draft = Draft(JobKind.TEXT, request.prompt, options)
    await submit(update, context, draft, publish_channel_id=publish_channel_id)
