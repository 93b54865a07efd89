"""Text to video: `/video <prompt> [options]`, `/generate`, plain text in private chats, and
`/video` posted in a channel."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot.domain.models import Draft, JobKind
from bot.telegram.context import ChatContext
from bot.telegram.options import OptionError, parse_request, strip_command
from bot.telegram.submitting import refuse_option, submit


async def video(update: Update, context: ChatContext) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    await text_to_video(update, context, strip_command(message.text))


async def plain_text(update: Update, context: ChatContext) -> None:
    """Private chats: any text without a command is a prompt."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await text_to_video(update, context, message.text)


async def text_to_video(
    update: Update, context: ChatContext, body: str, publish_channel_id: int | None = None
) -> None:
    message = update.effective_message
    assert message is not None
    try:
        request = parse_request(body)
    except OptionError as exc:
        await refuse_option(update, context, exc)
        return
    defaults = await context.bot_data.chat.defaults(message.chat_id)
    options = request.overrides.apply(defaults)
    if options.aspect_ratio is None:
        options = replace(options, aspect_ratio=defaults.aspect_ratio)
    draft = Draft(JobKind.TEXT, request.prompt, options)
    await submit(update, context, draft, publish_channel_id=publish_channel_id)
