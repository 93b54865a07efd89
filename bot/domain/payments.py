"""Telegram Stars on the domain side: what a job costs, how it is paid, and its refund.

A priced job is created AWAITING_PAYMENT. It is paid from the user's balance at once when the
balance holds enough, else by an invoice of its own; either way it joins the line only once the
ledger holds its payment. A job that ends without a result (failed, refused, timed out,
undeliverable), or is cancelled before the provider saw it, gets its price back once: through
Telegram when its own invoice paid it, onto the balance otherwise. Every movement is a ledger
row (see bot.domain.ports.Ledger); the guarded statements there make each step happen once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.errors import UserError
from bot.domain.models import Job, JobState
from bot.domain.ports import Cashier, Ledger, NewJob, StarTotals

if TYPE_CHECKING:
    from bot.domain.service import JobService

logger = logging.getLogger(__name__)

MAX_TOP_UP = 10_000  # Telegram's largest Stars invoice
SWEEP_BACK = timedelta(days=7)  # how far back the start-up sweep looks for lost refunds
_JOB, _TOP_UP = "job:", "buy:"


def job_payload(job_id: int) -> str:
    return f"{_JOB}{job_id}"


def top_up_payload(stars: int) -> str:
    return f"{_TOP_UP}{stars}"


def is_top_up(payload: str) -> bool:
    return payload.startswith(_TOP_UP)


@dataclass(frozen=True, slots=True)
class Account:
    balance: int
    spent_this_month: int


class Payments:
    """Prices jobs, collects their payment, answers Telegram's checks and gives refunds."""

    def __init__(self, service: JobService, ledger: Ledger, cashier: Cashier) -> None:
        self._service = service
        self.ledger = ledger
        self.cashier = cashier

    @property
    def on(self) -> bool:
        return self._service.policy.prices.paid

    def _now(self) -> datetime:
        return self._service.clock()

    def stars(self, credits: int) -> int:
        return self._service.policy.prices.stars(credits)

    # -- paying -----------------------------------------------------------------------------

    def priced(self, new: NewJob) -> NewJob:
        """The job as it is to be created: waiting for its payment when it has a price and a
        payer who is not an admin (a channel post has no payer and is free)."""
        user_id = new.origin.user_id
        access = self._service.policy.access
        if not self.on or new.cost <= 0 or user_id is None or access.is_admin(user_id):
            return new
        # Unpaid for as long as a job may take (JOB_TIMEOUT_SECONDS), it ends as UNPAID.
        due = new.created_at + timedelta(seconds=self._service.timing.job_timeout)
        return replace(
            new, state=JobState.AWAITING_PAYMENT, price_stars=self.stars(new.cost), due_at=due
        )

    async def collect(self, job: Job) -> Job:
        """Pay a new AWAITING_PAYMENT job from the balance, or send its invoice."""
        user_id = job.origin.user_id
        assert user_id is not None  # priced() leaves jobs without a payer free
        if await self.ledger.spend(user_id, job.id, job.price_stars, self._now()):
            logger.info("job %s paid from the balance (%s stars)", job.id, job.price_stars)
            return await self._into_line(job) or job
        try:
            await self.cashier.send_invoice(job)
        except Exception:
            await self._service.store.advance(job.id, JobState.CANCELLED, self._now())
            raise
        return job

    async def _into_line(self, job: Job) -> Job | None:
        moved = await self._service.store.advance(job.id, JobState.WAITING, self._now())
        if moved is None:  # cancelled or expired meanwhile: the payment goes back
            await self.refund(job)
            return None
        self._service.line_changed.set()
        self._service.refresh_status(moved)
        return moved

    async def check(self, payload: str, user_id: int, stars: int) -> None:
        """Telegram's pre-checkout: raise UserError when this payment should not happen."""
        if payload.startswith(_TOP_UP):
            if not self.on or payload != top_up_payload(stars):
                raise UserError("pay.stale")
            return
        job = await self._job_of(payload)
        if job is None or job.origin.user_id != user_id:
            raise UserError("pay.not_yours")
        if job.state is JobState.CANCELLED:
            raise UserError("pay.cancelled", job=job.id)
        if job.state is not JobState.AWAITING_PAYMENT:
            raise UserError("pay.closed", job=job.id)
        if stars != job.price_stars:
            raise UserError("pay.stale")
        await self._service.check_allowed(job.origin)  # the budgets, as at submission
        if self._service.provider_down():
            raise UserError("pay.provider_down")

    async def paid(
        self, payload: str, user_id: int, stars: int, charge_id: str, *, chat_id: int, lang: str
    ) -> Job | None:
        """A successful payment: a top-up onto the balance, or a job into the line. A job that
        can no longer run gets the Stars onto the balance. Returns the job that joined the line."""
        now = self._now()
        job = None if payload.startswith(_TOP_UP) else await self._job_of(payload)
        payable = (
            job is not None
            and job.state is JobState.AWAITING_PAYMENT
            and job.origin.user_id == user_id
            and job.price_stars == stars
        )
        if job is None or not payable:
            added = await self.ledger.top_up(user_id, stars, charge_id, now)
            if added and not payload.startswith(_TOP_UP):
                await self.cashier.tell_credited(chat_id, user_id, stars, lang)
            return None
        if not await self.ledger.pay_invoice(user_id, job.id, stars, charge_id, now):
            return None  # this charge is in the ledger already
        logger.info("job %s paid by its invoice (%s stars)", job.id, stars)
        return await self._into_line(job)

    async def _job_of(self, payload: str) -> Job | None:
        number = payload.removeprefix(_JOB)
        if not payload.startswith(_JOB) or not number.isdigit():
            return None
        return await self._service.store.get(int(number))

    # -- refunds ----------------------------------------------------------------------------

    async def refund(self, job: Job) -> int:
        """Give a paid job's price back, once; the Stars given back (0: nothing to give)."""
        refund = await self.ledger.refund(job.id, self._now())
        if refund is None:
            return 0
        to_balance = True
        if refund.charge_id and await self.cashier.refund_charge(refund.user_id, refund.charge_id):
            await self.ledger.charge_refunded(job.id, refund, self._now())
            to_balance = False
        where = "the balance" if to_balance else "Telegram"
        logger.info("job %s refunded: %s stars to %s", job.id, refund.stars, where)
        try:
            await self.cashier.tell_refund(job, refund.stars, to_balance=to_balance)
        except Exception as exc:
            logger.warning("job %s: the refund was not announced (%s)", job.id, exc)
        return refund.stars

    async def ended(self, job: Job) -> None:
        """A job ended without a result: failed, refused, timed out or undeliverable."""
        await self.refund(job)

    async def cancelled(self, job: Job) -> None:
        """A cancelled job is refunded only if no request of it ever reached the provider."""
        if not reached_provider(job):
            await self.refund(job)

    async def sweep(self) -> int:
        """Start-up: refunds a stopped process owed (a job ended, its refund never ran)."""
        given = 0
        since = self._now() - SWEEP_BACK
        for job_id in await self.ledger.unrefunded_since(since):
            job = await self._service.store.get(job_id)
            if job is not None and owed_refund(job):
                given += await self.refund(job)
        return given

    # -- reading ----------------------------------------------------------------------------

    async def account(self, user_id: int) -> Account:
        balance = await self.ledger.balance(user_id)
        return Account(balance, await self.ledger.spent_since(user_id, month_start(self._now())))

    async def totals(self, since: datetime) -> StarTotals:
        return await self.ledger.totals(since)


def reached_provider(job: Job) -> bool:
    """Whether any request of the job left for the provider (then its work may have begun)."""
    return job.task_id is not None or job.submitted_at is not None or job.attempt > 0


def owed_refund(job: Job) -> bool:
    """A paid job that ended without a result, or was cancelled before the provider saw it."""
    if job.state is JobState.CANCELLED:
        return not reached_provider(job)
    return job.state in (JobState.FAILED, JobState.UNDELIVERABLE)


def month_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
