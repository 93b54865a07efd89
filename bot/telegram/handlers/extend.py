"""Extending videos: `/extend <prompt>` as a reply (any chat), a plain reply (private chats),
or a reply to our ForceReply prompt. Replies to extensions grow a chain.

The provider extends its own Runway clips for 14 days. An Aleph result, a clip past those 14
days, or a video the user sent is continued from its last frame instead (a new clip from that
frame, and the status says so); a video the bot no longer has is answered in plain words."""

from __future__ import annotations

import tempfile
from pathlib import Path

from telegram import Message, Update

from bot.domain.chat import ExtendWay
from bot.domain.errors import UserError
from bot.domain.models import Job
from bot.domain.ports import Awaiting, PendingPrompt
from bot.telegram.context import ChatContext
from bot.telegram.handlers import aleph, settings, tool_buttons, video
from bot.telegram.media import Incoming, download, video_in
from bot.telegram.options import parse_request, strip_command
from bot.telegram.replies import is_private, message_of
from bot.telegram.submitting import submit


async def extend(update: Update, context: ChatContext) -> None:
    """The /extend command, as a reply to a video."""
    message = message_of(update)
    target = message.reply_to_message
    if target is None:
        raise UserError("extend.reply_needed")
    body = strip_command(message.text or "")
    parent = await context.bot_data.chat.delivered(message.chat_id, target.message_id)
    if parent is not None:
        await extend_job(update, context, parent, body)
        return
    incoming = video_in(target)
    if incoming is None:
        raise UserError("extend.not_a_video")
    await from_last_frame(update, context, None, incoming, body)


async def reply(update: Update, context: ChatContext) -> None:
    """A text reply without a command: answers our ForceReply prompts; in private chats a reply
    to a delivered video extends it, and other text is a prompt. A reply to a message of ours
    that asked something we no longer remember is answered, never turned into a paid video."""
    message = message_of(update)
    target = message.reply_to_message
    if message.text is None or target is None:
        return
    chat = context.bot_data.chat
    prompt = await chat.prompt(message.chat_id, target.message_id)
    if prompt is not None:
        await answer_prompt(update, context, prompt, target)
        return
    if not is_private(update):
        return
    parent = await chat.delivered(message.chat_id, target.message_id)
    if parent is not None:
        await extend_job(update, context, parent, message.text)
    elif _asked_by_bot(target, context.bot.id):
        raise UserError("prompt.unknown")
    else:
        await video.plain_text(update, context)


def _asked_by_bot(message: Message, bot_id: int) -> bool:
    """One of our ForceReply prompts (its text ends with a question to reply to)."""
    sender = message.from_user
    return sender is not None and sender.id == bot_id and not (message.video or message.photo)


async def answer_prompt(
    update: Update, context: ChatContext, prompt: PendingPrompt, target: Message
) -> None:
    message = message_of(update)
    assert message.text is not None
    user = update.effective_user
    if prompt.user_id is not None and (user is None or user.id != prompt.user_id):
        raise UserError("prompt.not_yours")
    chat = context.bot_data.chat
    if prompt.awaiting is Awaiting.WATERMARK:
        await settings.set_watermark(update, context, message.text)
        await chat.forget_prompt(message.chat_id, target.message_id)
        return
    assert prompt.job_id is not None
    job = await chat.job_in_chat(prompt.job_id, message.chat_id)
    await chat.forget_prompt(message.chat_id, target.message_id)
    if prompt.awaiting in tool_buttons.ANSWERS:
        await tool_buttons.answer_prompt(update, context, prompt.awaiting, job, message.text)
    elif prompt.awaiting is Awaiting.EXTEND:
        await extend_job(update, context, job, message.text)
    elif job.delivery is not None and job.delivery.file_id is not None:
        incoming = Incoming(job.delivery.file_id, 0, f"job-{job.id}.mp4")
        await aleph.restyle(update, context, incoming, message.text)
    else:
        raise UserError("restyle.media_gone")


async def extend_job(update: Update, context: ChatContext, parent: Job, body: str) -> None:
    chat = context.bot_data.chat
    way = chat.extend_way(parent)
    if way is ExtendWay.NONE:
        raise UserError("extend.impossible")
    if way is ExtendWay.LAST_FRAME:
        assert parent.delivery is not None and parent.delivery.file_id is not None
        incoming = Incoming(parent.delivery.file_id, 0, f"job-{parent.id}.mp4")
        await from_last_frame(update, context, parent, incoming, body)
        return
    request = parse_request(body)
    if not request.prompt.strip():
        raise UserError("extend.prompt_missing")
    overrides = request.overrides
    draft = chat.extend_draft(parent, request.prompt, overrides.quality, overrides.watermark)
    await submit(update, context, draft)


async def from_last_frame(
    update: Update, context: ChatContext, parent: Job | None, incoming: Incoming, body: str
) -> None:
    request = parse_request(body)
    if not request.prompt.strip():
        raise UserError("extend.prompt_missing")
    chat = context.bot_data.chat
    base = parent.options if parent else await chat.defaults(message_of(update).chat_id)
    options = request.overrides.apply(base)
    with tempfile.TemporaryDirectory(prefix="extend-") as tmp:
        clip = await download(context.bot, incoming.file_id, Path(tmp) / incoming.filename)
        draft = await chat.last_frame_draft(parent, request.prompt, options, clip)
        await submit(update, context, draft)
