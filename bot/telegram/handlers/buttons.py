"""The buttons under a delivered video: Extend, Regenerate, Restyle, Stitch, Publish, Discard.
Answered at once; in groups only the requester or a chat admin may press them."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import aiohttp
from telegram import ForceReply, InputFile, Message, ReplyParameters, Update
from telegram.error import TelegramError

from bot.domain.errors import JobNotFoundError
from bot.domain.models import Job, JobKind, Origin
from bot.telegram import keyboards
from bot.telegram.context import Awaiting, ChatContext, Prompt
from bot.telegram.downloads import TooLargeError
from bot.telegram.i18n import text
from bot.telegram.media import Incoming, downloaded
from bot.telegram.permissions import may_press
from bot.telegram.render import caption
from bot.telegram.replies import answer, language, thread_of
from bot.telegram.stitch import StitchError, fetch_parts, join
from bot.telegram.submitting import submit

logger = logging.getLogger(__name__)

Action = Callable[[Update, ChatContext, Job], Awaitable[None]]


async def job_button(update: Update, context: ChatContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    lang = language(update)
    action, job_id = keyboards.parse_job_data(query.data)
    message = query.message
    try:
        job = await context.bot_data.chat.job(job_id)
    except JobNotFoundError:
        await query.answer(text(lang, "button.expired"), show_alert=True)
        return
    if not isinstance(message, Message) or not await may_press(
        context, job, message.chat_id, query.from_user.id
    ):
        await query.answer(text(lang, "button.not_yours"), show_alert=True)
        return
    await query.answer(text(lang, "button.working"))
    await ACTIONS[action](update, context, job)


def _message(update: Update) -> Message:
    message = update.effective_message
    assert isinstance(message, Message)
    return message


async def _ask(update: Update, context: ChatContext, job: Job, awaiting: Awaiting) -> None:
    message = _message(update)
    key = "extend.ask" if awaiting is Awaiting.EXTEND else "restyle.ask"
    prompt = await context.bot.send_message(
        message.chat_id,
        text(language(update), key, job_id=job.id),
        message_thread_id=thread_of(message),
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        reply_markup=ForceReply(selective=True),
    )
    context.bot_data.prompts[prompt.chat_id, prompt.message_id] = Prompt(awaiting, job.id)


async def extend(update: Update, context: ChatContext, job: Job) -> None:
    await _ask(update, context, job, Awaiting.EXTEND)


async def restyle(update: Update, context: ChatContext, job: Job) -> None:
    await _ask(update, context, job, Awaiting.RESTYLE)


def _presser_origin(update: Update, job: Job) -> Origin:
    user = update.effective_user
    return replace(
        job.origin,
        user_id=user.id if user else job.origin.user_id,
        language=language(update),
    )


async def regenerate(update: Update, context: ChatContext, job: Job) -> None:
    """The same request again, answered under the original request."""
    origin = _presser_origin(update, job)
    chat = context.bot_data.chat
    if job.kind in {JobKind.TEXT, JobKind.EXTEND}:
        draft = chat.regenerate_draft(job)
        await submit(
            update, context, draft, origin=origin, publish_channel_id=job.publish_channel_id
        )
        return
    if job.source_id is None:
        await answer(update, context, "regenerate.media_gone")
        return
    async with downloaded(context.bot, Incoming(job.source_id, 0, f"source-{job.id}")) as media:
        draft = chat.regenerate_draft(job, media)
        await submit(update, context, draft, origin=origin)


async def stitch(update: Update, context: ChatContext, job: Job) -> None:
    chain = await context.bot_data.chat.chain(job.id)
    urls = [part.video_url for part in chain if part.video_url]
    if len(chain) < 2:
        await answer(update, context, "stitch.not_chain")
        return
    if len(urls) < len(chain):
        await answer(update, context, "stitch.missing")
        return
    with tempfile.TemporaryDirectory(prefix="stitch-") as tmp:
        try:
            parts = await fetch_parts(urls, Path(tmp))
            joined = await join(parts, Path(tmp) / f"chain-{job.id}.mp4")
        except (StitchError, TooLargeError, OSError, aiohttp.ClientError) as exc:
            logger.warning("stitching job %s failed: %s", job.id, type(exc).__name__)
            await answer(update, context, "stitch.failed")
            return
        body = text(language(update), "stitch.caption", count=len(chain), prompt=chain[0].prompt)
        await _send_file(update, context, joined, body[:1024])


async def _send_file(update: Update, context: ChatContext, path: Path, body: str) -> None:
    message = _message(update)
    with path.open("rb") as handle:
        await context.bot.send_video(
            message.chat_id,
            InputFile(handle, filename=path.name, read_file_handle=False),
            caption=body,
            supports_streaming=True,
            message_thread_id=thread_of(message),
            reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        )


async def publish(update: Update, context: ChatContext, job: Job) -> None:
    """Post the preview to the bound channel by file_id: no re-upload."""
    message = _message(update)
    if job.publish_channel_id is None or job.delivery is None or not job.delivery.file_id:
        await answer(update, context, "button.expired")
        return
    try:
        await context.bot.send_video(
            job.publish_channel_id, job.delivery.file_id, caption=caption(job)
        )
    except TelegramError as exc:
        await answer(update, context, "publish.failed", reason=exc.message)
        return
    bound = await context.bot_data.chat.bound_channel(message.chat_id)
    await message.edit_reply_markup(keyboards.video_keyboard(replace(job, publish_channel_id=None)))
    title = bound.title if bound else str(job.publish_channel_id)
    await answer(update, context, "publish.done", title=title)


async def discard(update: Update, context: ChatContext, job: Job) -> None:
    message = _message(update)
    try:
        await message.delete()
    except TelegramError:
        await message.edit_reply_markup(None)
    await answer(update, context, "discard.done")


ACTIONS: dict[str, Action] = {
    keyboards.EXTEND: extend,
    keyboards.REGENERATE: regenerate,
    keyboards.RESTYLE: restyle,
    keyboards.STITCH: stitch,
    keyboards.PUBLISH: publish,
    keyboards.DISCARD: discard,
}
