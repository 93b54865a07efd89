"""Video to video (Runway Aleph): `/aleph <prompt>` as a reply to a video, or as the caption of
a video."""

from __future__ import annotations

from dataclasses import replace

from telegram import Message, Update

from bot.domain.models import Draft, JobKind, Origin
from bot.telegram.context import ChatContext
from bot.telegram.media import Incoming, MediaProblem, downloaded, video_in
from bot.telegram.options import OptionError, Overrides, parse_request, strip_command
from bot.telegram.replies import answer, is_private
from bot.telegram.submitting import refuse_option, submit


async def aleph(update: Update, context: ChatContext) -> None:
    """The /aleph command: the video is the message it replies to."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    target = message.reply_to_message
    await restyle(update, context, target, strip_command(message.text))


async def video_message(update: Update, context: ChatContext) -> None:
    """A video (or video file) arrives: with an /aleph caption it is restyled."""
    message = update.effective_message
    if message is None:
        return
    caption = message.caption or ""
    if caption.split("@", 1)[0].split(maxsplit=1)[:1] == ["/aleph"]:
        await restyle(update, context, message, strip_command(caption))
    elif is_private(update) or caption.startswith("/"):
        await answer(update, context, "media.video_caption")


async def restyle(
    update: Update,
    context: ChatContext,
    target: Message | None,
    body: str,
    origin: Origin | None = None,
) -> None:
    try:
        request = parse_request(body)
        incoming = video_in(target) if target else None
    except OptionError as exc:
        await refuse_option(update, context, exc)
        return
    except MediaProblem as exc:
        await answer(update, context, exc.key, **exc.params)
        return
    if incoming is None:
        await answer(update, context, "aleph.reply_needed")
        return
    await restyle_file(update, context, incoming, request.prompt, origin, request.overrides)


async def restyle_file(
    update: Update,
    context: ChatContext,
    incoming: Incoming,
    prompt: str,
    origin: Origin | None = None,
    overrides: Overrides | None = None,
) -> None:
    message = update.effective_message
    assert message is not None
    defaults = await context.bot_data.chat.defaults(message.chat_id)
    overrides = overrides or Overrides()
    options = replace(overrides.apply(defaults), aspect_ratio=overrides.aspect_ratio)
    async with downloaded(context.bot, incoming) as media:
        draft = Draft(JobKind.ALEPH, prompt, options, media)
        await submit(update, context, draft, origin=origin)
