"""Extending delivered videos: `/extend <prompt>` as a reply (any chat), a plain reply (private
chats), or a reply to our ForceReply prompt. Replies to extensions grow a chain."""

from __future__ import annotations

from telegram import Update

from bot.domain.models import Job
from bot.telegram.context import Awaiting, ChatContext, Prompt
from bot.telegram.handlers import aleph, settings, video
from bot.telegram.media import Incoming
from bot.telegram.options import OptionError, parse_request, strip_command
from bot.telegram.replies import answer, is_private
from bot.telegram.submitting import refuse_option, submit


async def extend(update: Update, context: ChatContext) -> None:
    """The /extend command, which must reply to a video the bot delivered."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    target = message.reply_to_message
    if target is None:
        await answer(update, context, "extend.reply_needed")
        return
    parent = await context.bot_data.chat.delivered(message.chat_id, target.message_id)
    if parent is None:
        await answer(update, context, "extend.not_ours")
        return
    await extend_job(update, context, parent, strip_command(message.text))


async def reply(update: Update, context: ChatContext) -> None:
    """A text reply without a command: answers our ForceReply prompts; in private chats a reply
    to a delivered video extends it, and any other text is a prompt."""
    message = update.effective_message
    if message is None or message.text is None or message.reply_to_message is None:
        return
    key = (message.chat_id, message.reply_to_message.message_id)
    prompt = context.bot_data.prompts.get(key)
    if prompt is not None:
        await answer_prompt(update, context, prompt, key)
        return
    if not is_private(update):
        return
    parent = await context.bot_data.chat.delivered(*key)
    if parent is not None:
        await extend_job(update, context, parent, message.text)
    else:
        await video.plain_text(update, context)


async def answer_prompt(
    update: Update, context: ChatContext, prompt: Prompt, key: tuple[int, int]
) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    if prompt.awaiting is Awaiting.WATERMARK:
        if await settings.set_watermark(update, context, message.text):
            context.bot_data.prompts.pop(key, None)
        return
    assert prompt.job_id is not None
    job = await context.bot_data.chat.job(prompt.job_id)
    context.bot_data.prompts.pop(key, None)
    if prompt.awaiting is Awaiting.EXTEND:
        await extend_job(update, context, job, message.text)
    elif job.delivery is not None and job.delivery.file_id is not None:
        incoming = Incoming(job.delivery.file_id, 0, f"job-{job.id}.mp4")
        await aleph.restyle_file(update, context, incoming, message.text)
    else:
        await answer(update, context, "stitch.missing")


async def extend_job(update: Update, context: ChatContext, parent: Job, body: str) -> None:
    try:
        request = parse_request(body)
    except OptionError as exc:
        await refuse_option(update, context, exc)
        return
    overrides = request.overrides
    draft = context.bot_data.chat.extend_draft(
        parent, request.prompt, overrides.quality, overrides.watermark
    )
    await submit(update, context, draft)
