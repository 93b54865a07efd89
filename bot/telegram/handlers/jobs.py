"""`/status` (active jobs), `/history` (recent chains with links), `/cancel` (the newest)."""

from __future__ import annotations

import html

from telegram import LinkPreviewOptions, ReplyParameters, Update
from telegram.constants import ParseMode

from bot.domain.models import Job
from bot.telegram.context import ChatContext
from bot.telegram.i18n import text
from bot.telegram.render import elapsed, short_prompt
from bot.telegram.replies import answer, language, origin_of, thread_of


def message_link(chat_id: int, message_id: int | None) -> str | None:
    """t.me links exist for supergroups and channels; private chats have none."""
    prefix = "-100"
    if message_id is None or not str(chat_id).startswith(prefix):
        return None
    return f"https://t.me/c/{str(chat_id)[len(prefix) :]}/{message_id}"


def _line(lang: str, key: str, job: Job, now_text: str, indent: str = "") -> str:
    line = text(
        lang,
        key,
        job_id=job.id,
        state=text(lang, f"state.{job.state.value}"),
        elapsed=now_text,
        kind=text(lang, f"kind.{job.kind.value}"),
        prompt=short_prompt(job.prompt),
    )
    target = job.delivery.message_id if job.delivery else job.status_message_id
    link = message_link(job.origin.chat_id, target)
    body = html.escape(indent + line)
    if link:
        body += f' — <a href="{html.escape(link)}">{text(lang, "history.link")}</a>'
    return body


async def _send_html(update: Update, context: ChatContext, lines: list[str]) -> None:
    message = update.effective_message
    assert message is not None
    await context.bot.send_message(
        message.chat_id,
        "\n".join(lines)[:4096],
        parse_mode=ParseMode.HTML,
        message_thread_id=thread_of(message),
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


async def status(update: Update, context: ChatContext) -> None:
    message = update.effective_message
    assert message is not None
    jobs = await context.bot_data.chat.active(message.chat_id)
    lang = language(update)
    if not jobs:
        await answer(update, context, "status.none")
        return
    now = context.bot_data.chat.clock()
    lines = [html.escape(text(lang, "status.title"))]
    lines += [_line(lang, "status.item", job, elapsed(job, now)) for job in jobs]
    await _send_html(update, context, lines)


async def history(update: Update, context: ChatContext) -> None:
    message = update.effective_message
    assert message is not None
    chains = await context.bot_data.chat.history(message.chat_id)
    lang = language(update)
    if not chains:
        await answer(update, context, "history.none")
        return
    lines = [html.escape(text(lang, "history.title"))]
    for chain in chains:
        for depth, job in enumerate(chain):
            indent = "   " * depth + ("↳ " if depth else "")
            lines.append(_line(lang, "history.item", job, "", indent))
    await _send_html(update, context, lines)


async def cancel(update: Update, context: ChatContext) -> None:
    origin = origin_of(update)
    job = await context.bot_data.service.cancel_latest(origin.chat_id, origin.user_id)
    if job is None:
        await answer(update, context, "cancel.none")
    else:
        await answer(update, context, "cancel.done", job_id=job.id)
