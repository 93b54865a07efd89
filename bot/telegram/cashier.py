"""The Cashier port on Telegram: Stars invoices (currency XTR, no payment provider), charges
given back with refundStarPayment, and the messages that tell a payer their Stars came back."""

from __future__ import annotations

import logging

from telegram import LabeledPrice, ReplyParameters
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.domain.models import Job, Origin
from bot.domain.payments import job_payload, top_up_payload
from bot.outbound.calls import call
from bot.outbound.sending import Priority, Send
from bot.telegram.i18n import text
from bot.telegram.render import job_line, short_prompt

logger = logging.getLogger(__name__)

STARS = "XTR"
TITLE_LIMIT = 32  # Telegram's limits on an invoice's texts
DESCRIPTION_LIMIT = 255


def _reply_to(origin: Origin) -> ReplyParameters | None:
    if origin.request_message_id is None:
        return None
    return ReplyParameters(origin.request_message_id, allow_sending_without_reply=True)


def invoice_texts(job: Job) -> tuple[str, str]:
    """A title and a description that name the request."""
    lang = job.origin.language
    title = text(lang, "invoice.title", job=job.id)[:TITLE_LIMIT]
    description = f"{job_line(lang, job)}: «{short_prompt(job.prompt)}»"
    return title, description[:DESCRIPTION_LIMIT]


class TelegramCashier:
    """Implements bot.domain.ports.Cashier with the bot's ExtBot (through the scheduler)."""

    def __init__(self, bot: ExtBot[Send]) -> None:
        self.bot = bot

    async def send_invoice(self, job: Job) -> None:
        title, description = invoice_texts(job)
        origin = job.origin
        await call(
            self.bot.send_invoice(
                origin.chat_id,
                title,
                description,
                job_payload(job.id),
                STARS,
                [LabeledPrice(title, job.price_stars)],
                provider_token=None,  # Stars need none; PTB would send "" as "[]"
                message_thread_id=origin.thread_id,
                reply_parameters=_reply_to(origin),
                rate_limit_args=Send(Priority.REPLY),
            )
        )

    async def send_top_up(self, origin: Origin, stars: int) -> None:
        """The /buy invoice: `stars` onto the balance."""
        lang = origin.language
        title = text(lang, "buy.title", count=stars)[:TITLE_LIMIT]
        await call(
            self.bot.send_invoice(
                origin.chat_id,
                title,
                text(lang, "buy.description", count=stars),
                top_up_payload(stars),
                STARS,
                [LabeledPrice(title, stars)],
                provider_token=None,  # Stars need none; PTB would send "" as "[]"
                message_thread_id=origin.thread_id,
                reply_parameters=_reply_to(origin),
                rate_limit_args=Send(Priority.REPLY),
            )
        )

    async def refund_charge(self, user_id: int, charge_id: str) -> bool:
        try:
            return await self.bot.refund_star_payment(
                user_id, charge_id, rate_limit_args=Send(Priority.DELIVERY)
            )
        except TelegramError as exc:
            logger.warning("refundStarPayment refused: %s; the Stars go to the balance", exc)
            return False

    async def tell_refund(self, job: Job, stars: int, *, to_balance: bool) -> None:
        key = "refund.to_balance" if to_balance else "refund.to_telegram"
        await self._say(job.origin, text(job.origin.language, key, count=stars, job=job.id))

    async def tell_credited(self, chat_id: int, user_id: int, stars: int, language: str) -> None:
        origin = Origin(chat_id, user_id, None, language=language)
        await self._say(origin, text(language, "pay.credited", count=stars))

    async def _say(self, origin: Origin, body: str) -> None:
        await call(
            self.bot.send_message(
                origin.chat_id,
                body,
                message_thread_id=origin.thread_id,
                reply_parameters=_reply_to(origin),
                rate_limit_args=Send(Priority.DELIVERY),
            )
        )
