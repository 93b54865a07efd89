"""`/status` (running jobs and their places in line), `/history` (recent chains with links,
paged), `/cancel` (the newest, or `/cancel <job number>`)."""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit

from bot.domain.chat import ActiveJob
from bot.domain.errors import JobNotFoundError, UserError
from bot.domain.models import Job
from bot.telegram.context import ChatContext
from bot.telegram.i18n import text
from bot.telegram.permissions import is_chat_admin
from bot.telegram.render import elapsed, place_text, short_prompt, state_text
from bot.telegram.replies import answer, language, message_of, reply

HISTORY_PATTERN = r"^history:\d+$"
_SUPERGROUP = re.compile(r"^-100(\d+)$")


def message_link(chat_id: int, message_id: int | None, thread_id: int | None = None) -> str | None:
    """t.me links exist for supergroups and channels (ids -100…); not for private chats or
    plain groups. In a forum topic the link opens the topic."""
    found = _SUPERGROUP.match(str(chat_id))
    if message_id is None or found is None:
        return None
    link = f"https://t.me/c/{found[1]}/{message_id}"
    return f"{link}?thread={thread_id}" if thread_id else link


def _line(
    lang: str, key: str, job: Job, when: str, indent: str = "", *, expired: bool = False
) -> str:
    line = text(
        lang,
        key,
        job_id=job.id,
        state=state_text(lang, job),
        elapsed=when,
        kind=text(lang, f"kind.{job.kind.value}"),
        prompt=short_prompt(job.prompt),
    )
    if expired:
        line += " · " + text(lang, "history.expired")
    target = job.delivery.message_id if job.delivery else job.status_message_id
    link = message_link(job.origin.chat_id, target, job.origin.thread_id)
    body = html.escape(indent + line)
    if link:
        body += f' — <a href="{html.escape(link)}">{text(lang, "history.link")}</a>'
    return body


def pages(lines: list[str], limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Lines joined into messages of at most `limit` characters, never cut inside a line (so
    never inside an HTML tag)."""
    out: list[str] = []
    current = ""
    for line in lines:
        line = line[:limit]
        if current and len(current) + 1 + len(line) > limit:
            out.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        out.append(current)
    return out


def _status_line(lang: str, active: ActiveJob, now_text: str) -> str:
    line = _line(lang, "status.item", active.job, now_text)
    if active.place is not None:
        line += " · " + html.escape(place_text(lang, active.place))
    return line


async def status(update: Update, context: ChatContext) -> None:
    chat = context.bot_data.chat
    running = await chat.active(message_of(update).chat_id)
    lang = language(update)
    if not running:
        await answer(update, "status.none")
        return
    now = chat.clock()
    lines = [html.escape(text(lang, "status.title", count=len(running)))]
    lines += [_status_line(lang, item, elapsed(item.job, now)) for item in running]
    for page in pages(lines):
        await reply(update, page, html=True)


async def history(update: Update, context: ChatContext) -> None:
    await _history_page(update, context, None)


async def history_button(update: Update, context: ChatContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    await _history_page(update, context, int(query.data.partition(":")[2]))


async def _history_page(update: Update, context: ChatContext, before_id: int | None) -> None:
    chains = await context.bot_data.chat.history(message_of(update).chat_id, before_id)
    lang = language(update)
    if not chains:
        await answer(update, "history.none" if before_id is None else "history.end")
        return
    lines = [html.escape(text(lang, "history.title"))]
    for chain in chains:
        for depth, job in enumerate(chain):
            indent = "   " * depth + ("↳ " if depth else "")
            gone = job.delivery is not None and context.bot_data.chat.expired(job)
            lines.append(_line(lang, "history.item", job, "", indent, expired=gone))
    oldest = min(job.id for chain in chains for job in chain)
    more = InlineKeyboardMarkup(
        [[InlineKeyboardButton(text(lang, "history.older"), callback_data=f"history:{oldest}")]]
    )
    sheets = pages(lines)
    for page in sheets[:-1]:
        await reply(update, page, html=True)
    await reply(update, sheets[-1], more, html=True)


async def cancel(update: Update, context: ChatContext) -> None:
    message = message_of(update)
    user = update.effective_user
    user_id = user.id if user and not message.sender_chat else None
    chat = context.bot_data.chat
    number = (message.text or "").split(maxsplit=1)[1:]
    if not number:
        job = await chat.cancel_latest(message.chat_id, user_id)
        await _cancelled(update, job)
        return
    wanted = number[0].lstrip("#")
    if not (wanted.isascii() and wanted.isdigit()):
        raise UserError("cancel.usage")
    try:
        target = await chat.job_in_chat(int(wanted), message.chat_id)
    except JobNotFoundError:
        raise UserError("cancel.unknown", job_id=wanted) from None
    admin = user_id is not None and await is_chat_admin(context, message.chat_id, user_id)
    await _cancelled(update, await chat.cancel(target, user_id, chat_admin=admin), target.id)


async def _cancelled(update: Update, job: Job | None, wanted: int | None = None) -> None:
    if job is not None:
        await answer(update, "cancel.done", job_id=job.id)
    elif wanted is not None:
        await answer(update, "cancel.too_late", job_id=wanted)
    else:
        await answer(update, "cancel.none")
