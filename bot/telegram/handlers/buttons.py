"""The buttons under a status message and a delivered video: Cancel; Extend, Regenerate,
Restyle, Stitch, Publish, Discard. Answered at once. A button's job must belong to the chat it
was pressed in, and only its requester or a chat admin may press it."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path

from telegram import CallbackQuery, ForceReply, InputFile, Message, Update
from telegram.error import TelegramError

from bot.domain.errors import JobNotFoundError, UserError
from bot.domain.models import Job, JobKind
from bot.domain.ports import Awaiting, PendingPrompt
from bot.telegram import keyboards
from bot.telegram.context import ChatContext
from bot.telegram.i18n import text
from bot.telegram.media import download
from bot.telegram.permissions import may_press
from bot.telegram.render import caption
from bot.telegram.replies import answer, language

logger = logging.getLogger(__name__)

Action = Callable[[Update, ChatContext, Job], Awaitable[None]]


async def job_button(update: Update, context: ChatContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    lang = language(update)
    action, job_id = keyboards.parse_job_data(query.data)
    message = query.message
    if not isinstance(message, Message):
        await query.answer(text(lang, "button.expired"), show_alert=True)
        return
    try:
        job = await context.bot_data.chat.job_in_chat(job_id, message.chat_id)
    except JobNotFoundError:
        await query.answer(text(lang, "button.expired"), show_alert=True)
        return
    if not await may_press(context, job, message.chat_id, query.from_user.id):
        await query.answer(text(lang, "button.not_yours"), show_alert=True)
        return
    if action == keyboards.CANCEL:
        await cancel(query, context, job, lang)
        return
    await query.answer(text(lang, "button.working"))
    await ACTIONS[action](update, context, job)


async def cancel(query: CallbackQuery, context: ChatContext, job: Job, lang: str) -> None:
    cancelled = await context.bot_data.chat.cancel(job, query.from_user.id, chat_admin=True)
    key = "cancel.done" if cancelled else "cancel.too_late"
    await query.answer(text(lang, key, job_id=job.id), show_alert=cancelled is None)


def _message(update: Update) -> Message:
    message = update.effective_message
    assert isinstance(message, Message)
    return message


async def _ask(update: Update, context: ChatContext, job: Job, awaiting: Awaiting) -> None:
    """A ForceReply prompt, remembered in the store for a day so a reply after a restart is
    still understood; only the presser's reply counts."""
    key = "extend.ask" if awaiting is Awaiting.EXTEND else "restyle.ask"
    prompt = await answer(update, key, ForceReply(selective=True), job_id=job.id)
    user = update.effective_user
    pending = PendingPrompt(awaiting, job.id, user.id if user else None)
    await context.bot_data.chat.remember_prompt(prompt.chat_id, prompt.message_id, pending)


async def extend(update: Update, context: ChatContext, job: Job) -> None:
    await _ask(update, context, job, Awaiting.EXTEND)


async def restyle(update: Update, context: ChatContext, job: Job) -> None:
    await _ask(update, context, job, Awaiting.RESTYLE)


async def regenerate(update: Update, context: ChatContext, job: Job) -> None:
    """The same request again, answered under the original request."""
    user = update.effective_user
    origin = replace(
        job.origin, user_id=user.id if user else job.origin.user_id, language=language(update)
    )
    chat = context.bot_data.chat
    service = context.bot_data.service
    if job.source_id is None and job.kind not in {JobKind.TEXT, JobKind.EXTEND}:
        raise UserError("regenerate.media_gone")
    async with AsyncExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="again-")))
        media = reference = None
        if job.source_id is not None:
            media = await download(context.bot, job.source_id, tmp / f"source-{job.id}")
        if job.reference_id is not None:
            reference = await download(context.bot, job.reference_id, tmp / "reference.jpg")
        draft = chat.regenerate_draft(job, media, reference)
        await service.submit(origin, draft, publish_channel_id=job.publish_channel_id)


async def stitch(update: Update, context: ChatContext, job: Job) -> None:
    with tempfile.TemporaryDirectory(prefix="stitch-") as tmp:
        joined, count = await context.bot_data.chat.stitch(job, Path(tmp))
        chain = await context.bot_data.chat.chain(job.id)
        body = text(language(update), "stitch.caption", count=count, prompt=chain[0].prompt)
        with joined.open("rb") as handle:
            await _message(update).reply_video(
                InputFile(handle, filename=joined.name, read_file_handle=False),
                caption=body[:1024],
                supports_streaming=True,
            )


async def publish(update: Update, context: ChatContext, job: Job) -> None:
    """Post the preview to the bound channel by file_id: no re-upload. The file is the pressed
    message's own video: a press right after the preview arrived may come before the store
    has recorded the delivery."""
    message = _message(update)
    shown = message.video.file_id if message.video else None
    file_id = shown or (job.delivery.file_id if job.delivery else None)
    if job.publish_channel_id is None or not file_id:
        raise UserError("button.expired")
    try:
        await context.bot.send_video(job.publish_channel_id, file_id, caption=caption(job))
    except TelegramError as exc:
        raise UserError("publish.failed", reason=exc.message) from exc
    bound = await context.bot_data.chat.bound_channel(message.chat_id)
    await message.edit_reply_markup(keyboards.video_keyboard(replace(job, publish_channel_id=None)))
    title = bound.title if bound else str(job.publish_channel_id)
    await answer(update, "publish.done", title=title)


async def discard(update: Update, context: ChatContext, job: Job) -> None:
    message = _message(update)
    try:
        await message.delete()
    except TelegramError:
        await message.edit_reply_markup(None)
    await answer(update, "discard.done")


ACTIONS: dict[str, Action] = {
    keyboards.EXTEND: extend,
    keyboards.REGENERATE: regenerate,
    keyboards.RESTYLE: restyle,
    keyboards.STITCH: stitch,
    keyboards.PUBLISH: publish,
    keyboards.DISCARD: discard,
}
