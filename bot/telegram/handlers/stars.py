"""Telegram Stars in chat: `/buy <stars>`, `/balance` for everyone, `/refund <job>` for admins,
and Telegram's two payment updates (the pre-checkout query, the successful payment)."""

from __future__ import annotations

import logging

from telegram import Update

from bot.domain.errors import JobNotFoundError, ProviderError, UserError
from bot.domain.payments import MAX_TOP_UP, Payments, is_top_up
from bot.telegram.context import ChatContext
from bot.telegram.i18n import language_of, text
from bot.telegram.replies import answer, language, message_of, origin_of, refusal_text, reply

logger = logging.getLogger(__name__)


def _payments(context: ChatContext) -> Payments | None:
    return context.bot_data.payments


def _number(context: ChatContext) -> int | None:
    args = context.args or []
    return int(args[0]) if len(args) == 1 and args[0].isdigit() else None


async def buy(update: Update, context: ChatContext) -> None:
    payments, cashier = _payments(context), context.bot_data.cashier
    if payments is None or cashier is None or not payments.on:
        await answer(update, "buy.off")
        return
    stars = _number(context)
    if stars is None or not 1 <= stars <= MAX_TOP_UP:
        await answer(update, "buy.usage", max=MAX_TOP_UP)
        return
    await cashier.send_top_up(origin_of(update), stars)


async def balance(update: Update, context: ChatContext) -> None:
    """A user's own Stars and this month's spending; admins also the provider's credits."""
    user = update.effective_user
    if user is None:
        return
    lang, lines = language(update), []
    payments = _payments(context)
    if payments is not None:
        account = await payments.account(user.id)
        lines.append(text(lang, "balance.stars", count=account.balance))
        lines.append(text(lang, "balance.spent", count=account.spent_this_month))
        if not payments.on:
            lines.append(text(lang, "balance.free"))
    if context.bot_data.chat.is_admin(user.id):
        lines.append(await _credits(context, lang))
    await reply(update, "\n".join(lines) or text(lang, "balance.free"))


async def _credits(context: ChatContext, lang: str) -> str:
    try:
        credits = await context.bot_data.chat.balance()
    except ProviderError as exc:
        logger.warning("balance query failed: %s", type(exc).__name__)
        return text(lang, "balance.failed")
    return text(lang, "balance.value", credits=credits)


async def refund(update: Update, context: ChatContext) -> None:
    """`/refund <job>`: an admin gives a paid job's price back (once)."""
    user = update.effective_user
    chat = context.bot_data.chat
    if user is None or not chat.is_admin(user.id):
        await answer(update, "admin.only")
        return
    job_id, payments = _number(context), _payments(context)
    if job_id is None or payments is None:
        await answer(update, "refund.usage")
        return
    try:
        job = await chat.job(job_id)
    except JobNotFoundError:
        await answer(update, "refund.no_job", job=job_id)
        return
    stars = await payments.refund(job)
    if stars:
        await answer(update, "refund.done", count=stars, job=job_id)
    else:
        await answer(update, "refund.nothing", job=job_id)


async def pre_checkout(update: Update, context: ChatContext) -> None:
    """Telegram waits 10 s for this answer: only the store is asked, nothing slow."""
    query = update.pre_checkout_query
    assert query is not None
    lang = language_of(query.from_user.language_code)
    payments = _payments(context)
    try:
        if payments is None:
            raise UserError("buy.off")
        await payments.check(query.invoice_payload, query.from_user.id, query.total_amount)
    except UserError as exc:
        logger.info("pre-checkout refused: %s", exc.key)
        await query.answer(False, error_message=refusal_text(lang, exc))
        return
    await query.answer(True)


async def successful_payment(update: Update, context: ChatContext) -> None:
    message = message_of(update)
    payment, user = message.successful_payment, update.effective_user
    payments = _payments(context)
    if payment is None or user is None or payments is None:
        return
    payload = payment.invoice_payload
    await payments.paid(
        payload,
        user.id,
        payment.total_amount,
        payment.telegram_payment_charge_id,
        chat_id=message.chat_id,
        lang=language(update),
    )
    if is_top_up(payload):
        account = await payments.account(user.id)
        await answer(update, "buy.done", count=payment.total_amount, balance=account.balance)
