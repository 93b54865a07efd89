"""`/usage` (jobs and credits per user, Stars earned and refunded), for bot admins; `/balance`
(provider credits) is in handlers/stars.py now, for everyone."""

from __future__ import annotations

import logging

from telegram import Update

from bot.domain.chat import USAGE_WINDOW
from bot.domain.errors import ProviderError
from bot.domain.ports import UsageRow
from bot.telegram.context import ChatContext
from bot.telegram.i18n import text
from bot.telegram.replies import answer, language, reply

logger = logging.getLogger(__name__)


async def _admin(update: Update, context: ChatContext) -> bool:
    user = update.effective_user
    if user is not None and context.bot_data.chat.is_admin(user.id):
        return True
    await answer(update, "admin.only")
    return False


async def balance(update: Update, context: ChatContext) -> None:
    if not await _admin(update, context):
        return
    try:
        credits = await context.bot_data.chat.balance()
    except ProviderError as exc:
        logger.warning("balance query failed: %s", type(exc).__name__)
        await answer(update, "balance.failed")
        return
    await answer(update, "balance.value", credits=credits)


def _period(lang: str, key: str, rows: list[UsageRow]) -> list[str]:
    lines = [text(lang, "usage.period", period=text(lang, key))]
    for row in sorted(rows, key=lambda row: -row.credits):
        lines.append(
            text(lang, "usage.row", user_id=row.user_id, jobs=row.jobs, credits=row.credits)
        )
    return lines if rows else [*lines, text(lang, "usage.empty")]


async def usage(update: Update, context: ChatContext) -> None:
    if not await _admin(update, context):
        return
    report = await context.bot_data.chat.usage()
    lang = language(update)
    lines = [text(lang, "usage.title")]
    lines += _period(lang, "usage.today", report.today)
    lines += _period(lang, "usage.month", report.month)
    payments = context.bot_data.payments
    if payments is not None:
        totals = await payments.totals(context.bot_data.chat.clock() - USAGE_WINDOW)
        lines.append(text(lang, "usage.stars", earned=totals.earned, refunded=totals.refunded))
    await reply(update, "\n".join(lines))
