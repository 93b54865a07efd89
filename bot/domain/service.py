"""The job service: every request goes in here, and every result comes out through here.

A request becomes a WAITING job; the line (bot/domain/line.py) sends it when the provider has
room; whatever then happens at the provider (a callback, a poll, a timeout, a refused or failed
submission) changes the job through one door, `record_update`; the timers (bot/domain/timers.py)
own every open job until it is final. Exactly once comes from the store: each change is one
conditional UPDATE ... RETURNING, so of two workers (or replicas) racing, one wins.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.domain.claims import HeldClaims
from bot.domain.engines import Engines, check_second_engine
from bot.domain.errors import (
    AccessDeniedError,
    ClaimLostError,
    JobNotFoundError,
    QuotaExceededError,
    RecipientGoneError,
    ResultUnavailableError,
    UserError,
)
from bot.domain.metrics import Metrics
from bot.domain.models import (
    VIDEO_KINDS,
    Draft,
    Engine,
    Failure,
    FailureReason,
    GenerationRequest,
    Job,
    JobKind,
    JobState,
    Origin,
)
from bot.domain.policy import ServicePolicy, Timing
from bot.domain.ports import (
    Claim,
    InputFitter,
    JobRef,
    JobStore,
    NewJob,
    Notifier,
    VideoProvider,
)
from bot.domain.rules import check_draft
from bot.domain.tasks import TaskTracker
from bot.domain.updates import TaskFailed, TaskRunning, TaskSucceeded, TaskUpdate

if TYPE_CHECKING:
    from bot.domain.payments import Payments

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
DAY = timedelta(days=1)
PROVIDER_TROUBLE = timedelta(minutes=5)  # a refusal this recent means the provider is down


def utcnow() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    """A name for this process among replicas: host, pid and a random tail."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class Place:
    """A waiting job's place in line: how many go before it, and about when it is sent."""

    ahead: int
    eta: float  # seconds


class JobService:
    """Takes requests in, takes every provider outcome through one door, and delivers each
    finished result exactly once."""

    def __init__(
        self,
        store: JobStore,
        provider: VideoProvider,
        notifier: Notifier,
        policy: ServicePolicy,
        *,
        fitter: InputFitter | None = None,
        metrics: Metrics | None = None,
        clock: Clock = utcnow,
        owner: str | None = None,
        engines: Engines | None = None,
    ) -> None:
        self.store = store
        self.engines = engines or Engines()
        self.provider = provider
        self.notifier = notifier
        self.policy = policy
        self.fitter = fitter
        self.metrics = metrics or Metrics()
        self.clock = clock
        self.owner = owner or worker_name()
        self.background = TaskTracker()
        self.claims = HeldClaims(store, self.owner, lambda: self.timing.claim_ttl, clock)
        self.line_changed = asyncio.Event()  # set when a job joins the line or leaves it
        self._refreshing: dict[int, bool] = {}  # job id -> another refresh asked meanwhile
        # Results a local tool wrote to a file, until they are delivered (lost on a restart,
        # when the job is simply made again).
        self.local_results: dict[int, Path] = {}
        self.payments: Payments | None = None  # Telegram Stars, when STARS_PER_CREDIT is set
        self._provider_trouble: datetime | None = None  # the last request it turned away

    @property
    def timing(self) -> Timing:
        return self.policy.timing

    # -- requests ---------------------------------------------------------------------------

    async def submit(
        self, origin: Origin, draft: Draft, *, publish_channel_id: int | None = None
    ) -> Job:
        """Check the request, fit and upload its media, and put it in line. Rule, access and
        budget refusals raise before anything is stored or spent."""
        draft = replace(draft, engine=await self.choose_engine(origin, draft))
        if draft.kind in VIDEO_KINDS and draft.engine is Engine.KIE:
            check_draft(draft)
        elif draft.kind in VIDEO_KINDS:
            check_second_engine(draft)
        await self.check_allowed(origin)
        new = await self._new_job(origin, draft, publish_channel_id)
        if self.payments is not None:
            new = self.payments.priced(new)
        job = await self.store.create(new)
        if job.state is JobState.AWAITING_PAYMENT and self.payments is not None:
            job = await self.payments.collect(job)
        logger.info("job %s joined the line (%s, %s)", job.id, job.kind.value, job.engine.value)
        self.line_changed.set()
        self.refresh_status(job)
        return job

    async def check_allowed(self, origin: Origin) -> None:
        access = self.policy.access
        if not access.admits(origin):
            raise AccessDeniedError("not on the allowlist")
        if origin.user_id is None or access.is_admin(origin.user_id):
            return
        if await self.store.count_active_for_user(origin.user_id) >= access.active_jobs_per_user:
            raise QuotaExceededError("active", count=access.active_jobs_per_user)
        since = self.clock() - DAY
        started = await self.store.count_charged_since(origin.user_id, since)
        if started >= access.daily_jobs_per_user:
            oldest = await self.store.oldest_charged_since(origin.user_id, since)
            retry_at = (oldest or self.clock()) + DAY
            raise QuotaExceededError("daily", retry_at, count=access.daily_jobs_per_user)

    async def choose_engine(self, origin: Origin, draft: Draft) -> Engine:
        """The draft's own engine (a regenerated job keeps its engine), a tool's, or the video
        engine the chat chose; UserError when that engine is not configured here."""
        engines = self.engines
        if draft.tool is not None and draft.kind is JobKind.TOOL:
            return draft.engine or engines.for_tool(draft.tool)
        if draft.engine is Engine.RUNWAY_AI and not engines.runway_ai:
            raise UserError("engine.not_configured")
        if draft.engine is not None:
            return draft.engine
        chosen = await self.store.chat_settings(origin.chat_id)
        return engines.for_video(chosen.engine if chosen else None)

    def engine_for(self, draft: Draft) -> Engine:
        if draft.engine is not None:
            return draft.engine
        return Engine.KIE

    async def _new_job(
        self, origin: Origin, draft: Draft, publish_channel_id: int | None
    ) -> NewJob:
        engine = self.engine_for(draft)
        input_url, reference_url, note = draft.input_url, None, draft.note
        if engine is Engine.KIE and (draft.media or draft.reference):
            input_url, reference_url, fitted = await self._upload_inputs(draft)
            note = note or ("note.aleph_fitted" if fitted else None)
        now = self.clock()
        return NewJob(
            kind=draft.kind,
            prompt=draft.prompt,
            options=draft.options,
            origin=origin,
            callback_token=new_token(),
            created_at=now,
            engine=engine,
            tool=draft.tool,
            parent_task_id=draft.parent_task_id,
            cost=self.policy.prices.estimate(draft.kind, draft.options)
            if draft.kind in VIDEO_KINDS and engine is Engine.KIE
            else 0,
            publish_channel_id=publish_channel_id,
            source_id=draft.media.source_id if draft.media else None,
            reference_id=draft.reference.source_id if draft.reference else None,
            input_url=input_url,
            reference_url=reference_url,
            note=note,
            due_at=now,
        )

    async def _upload_inputs(self, draft: Draft) -> tuple[str | None, str | None, bool]:
        """Fit the photo or video to the provider's limits and upload it (and the reference
        image); returns both URLs and whether the video had to be cut or shrunk."""
        media, reference, fitted = draft.media, draft.reference, False
        given = media or reference
        assert given is not None
        workdir = given.path.parent
        if self.fitter is not None:
            if media is not None and draft.kind is JobKind.ALEPH:
                media, fitted = await self.fitter.fit_aleph_video(media, workdir)
            elif media is not None:
                media = await self.fitter.fit_photo(media, workdir)
            if reference is not None:
                reference = await self.fitter.fit_photo(reference, workdir)
        input_url = await self.provider.upload(media) if media else draft.input_url
        reference_url = await self.provider.upload(reference) if reference else None
        return input_url, reference_url, fitted

    async def cancel(self, job: Job) -> Job | None:
        """Cancel one job; a job still in line never reaches the provider."""
        cancelled = await self.store.advance(job.id, JobState.CANCELLED, self.clock())
        if cancelled is not None:
            logger.info("job %s cancelled in state %s", job.id, job.state.value)
            self.line_changed.set()
            self.refresh_status(cancelled)
            if self.payments is not None:
                self._in_background(cancelled, self.payments.cancelled(cancelled))
        return cancelled

    def may_cancel(self, job: Job, user_id: int | None) -> bool:
        return self.policy.access.is_admin(user_id) or (
            user_id is not None and job.origin.user_id == user_id
        )

    async def cancel_latest(self, chat_id: int, user_id: int | None) -> Job | None:
        """Cancel the newest active job this user may cancel in this chat."""
        for job in await self.store.active(chat_id):
            if self.may_cancel(job, user_id) and (cancelled := await self.cancel(job)):
                return cancelled
        return None

    # -- submitting (the line calls this with a job it holds in SUBMITTING) --------------------

    def request_of(self, job: Job) -> GenerationRequest:
        return GenerationRequest(
            kind=job.kind,
            prompt=job.prompt,
            options=job.options,
            image_url=job.input_url if job.kind is JobKind.IMAGE else None,
            video_url=job.input_url if job.kind is JobKind.ALEPH else None,
            parent_task_id=job.parent_task_id,
            reference_url=job.reference_url,
        )

    def callback_url(self, job: Job) -> str | None:
        base = self.policy.callback_base_url
        return f"{base}/callbacks/runway/{job.callback_token}" if base else None

    async def submitted(self, job: Job, task_id: str) -> Job | None:
        """The provider took the request and named its task."""
        now = self.clock()
        due = now + timedelta(seconds=self.timing.poll_delay(0))
        moved = await self.store.mark_submitted(job.id, job.callback_token, task_id, due, now)
        self._provider_trouble = None
        logger.info("job %s submitted as task %s", job.id, task_id)
        if moved is not None:
            self.refresh_status(moved)
        return moved

    async def back_in_line(self, job: Job) -> None:
        """A job claimed for sending that never left (its worker stopped): in line again, at
        its old place (the line goes by job id)."""
        now = self.clock()
        again = await self.store.requeue(
            job.id, job.callback_token, new_token(), now, now, attempt=job.attempt
        )
        if again is not None:
            logger.info("job %s was never sent; back in line", job.id)
            self.line_changed.set()

    async def not_taken(self, job: Job, failure: Failure) -> None:
        """The provider turned the request away without doing anything (a 429, maintenance, a
        refused connection): back in line after a growing pause, for as long as the job may
        take; the submission does not count as an attempt."""
        now = self.clock()
        self._provider_trouble = now
        if (now - job.created_at).total_seconds() > self.timing.job_timeout:
            await self.record_update(job, TaskFailed(failure))
            return
        delay = min(self.timing.resubmit_delay(job.checks + 1), self.timing.max_poll_interval)
        again = await self.store.requeue(
            job.id,
            job.callback_token,
            new_token(),
            now + timedelta(seconds=delay),
            now,
            attempt=max(0, job.attempt - 1),
            checks=job.checks + 1,
        )
        if again is not None:
            detail = failure.detail
            logger.info("job %s: not taken (%s); again in %.0f s", job.id, detail, delay)
            self.refresh_status(again)

    async def unconfirmed(self, job: Job) -> None:
        """The submission's answer never came: the provider may have made the task. Wait for
        its callback (the URL carries the job's token), then fail; never send it again."""
        self.metrics.inc("provider_errors", "unconfirmed")
        if not self.policy.callback_base_url:
            failure = Failure(FailureReason.UNCONFIRMED, "the provider did not answer")
            await self.record_update(job, TaskFailed(failure))
            return
        submitted = job.submitted_at or self.clock()
        until = submitted + timedelta(seconds=self.timing.unconfirmed_wait)
        await self.store.reschedule(job.id, until, job.checks, self.owner)
        logger.info("job %s: no answer to its submission; waiting for its callback", job.id)
        self.refresh_status(job)

    # -- the one door for what happens at the provider ------------------------------------------

    async def record_update(
        self, job: Job | JobRef, update: TaskUpdate, *, task_id: str | None = None
    ) -> Job | None:
        """Apply a provider outcome (callback, poll, timeout, submission refusal) to a job.
        Returns the moved job, or None when it changed nothing (a duplicate, a late or an
        out-of-order update). Slow work (delivery, reports) runs in the background.

        A callback gives only a reference to its job: a final outcome needs no more (the
        statement is conditional on the id and the token), the others read the whole row."""
        now = self.clock()
        match update:
            case TaskRunning(phase=phase):
                job = await self._whole(job)
                to = JobState.GENERATING if phase == "generating" else JobState.QUEUED
                due = job.due_at or now + timedelta(seconds=self.timing.poll_delay(job.checks))
                moved = await self.store.advance(
                    job.id, to, now, task_id=task_id, due_at=due, token=job.callback_token
                )
                if moved:
                    self.refresh_status(moved, fresh=True)
            case TaskSucceeded(result=result):
                moved = await self.store.advance(
                    job.id,
                    JobState.SUCCEEDED,
                    now,
                    result=result,
                    task_id=task_id,
                    token=job.callback_token,
                    **self._held(now),
                )
                if moved:
                    self._in_background(moved, self.deliver(moved))
            case TaskFailed(failure=failure, temporary=temporary):
                if temporary and (again := await self._again(await self._whole(job), failure, now)):
                    return again
                moved = await self.store.advance(
                    job.id,
                    JobState.FAILED,
                    now,
                    failure=failure,
                    task_id=task_id,
                    token=job.callback_token,
                    **self._held(now),
                )
                if moved:
                    self.metrics.inc("failures", failure.reason.value)
                    self._in_background(moved, self.report(moved))
                    self._refund(moved)
        return moved

    async def _again(self, job: Job, failure: Failure, now: datetime) -> Job | None:
        """The provider's own trouble: back in line after a pause, a bounded number of times."""
        if job.attempt >= self.timing.max_attempts or job.state not in (
            JobState.SUBMITTING,
            JobState.QUEUED,
            JobState.GENERATING,
        ):
            return None
        due = now + timedelta(seconds=self.timing.resubmit_delay(job.attempt))
        again = await self.store.requeue(
            job.id, job.callback_token, new_token(), due, now, attempt=job.attempt
        )
        if again is not None:
            logger.info(
                "job %s: provider trouble (%s); submitting again (attempt %s of %s)",
                job.id,
                failure.detail or failure.reason.value,
                job.attempt + 1,
                self.timing.max_attempts,
            )
            self.metrics.inc("resubmissions")
            self.line_changed.set()
            self.refresh_status(again)
        return again

    async def record_callback(self, job: JobRef, task_id: str, update: TaskUpdate) -> None:
        """A provider callback for the job its URL's token named (looked up once, by the web
        edge); the body names its task. The change itself is conditional on the token still
        being the job's, so a job sent again meanwhile ignores the old task's callback."""
        if job.task_id is not None and job.task_id != task_id:
            raise JobNotFoundError("no job for this callback")
        await self.record_update(job, update, task_id=task_id)

    async def _whole(self, job: Job | JobRef) -> Job:
        return job if isinstance(job, Job) else await self.reload(job.id)

    def _held(self, now: datetime) -> dict[str, Any]:
        """Arguments that hold a moved job for this worker while it follows up (delivers or
        reports), and make it due for another worker if this one dies."""
        until = now + timedelta(seconds=self.timing.claim_ttl)
        return {"due_at": until, "claim": Claim(self.owner, until)}

    # -- following up: delivery and failure reports ---------------------------------------------

    async def deliver(self, job: Job) -> None:
        """Send a SUCCEEDED job's result; mark it delivered in the same step that records the
        message. A failed round is tried again later; after `delivery_rounds` the job is given
        up as undeliverable and the user told, where the chat still takes messages."""
        try:
            async with self.claims.holding(job.id):
                delivery = await self.notifier.deliver(job, self.local_results.get(job.id))
        except RecipientGoneError as exc:
            await self._undeliverable(job, str(exc), tell=False)
            return
        except ClaimLostError as exc:  # whoever holds the job now delivers it: write nothing
            logger.warning("job %s: not sent here (%s)", job.id, exc)
            self.metrics.inc("deliveries", "claim_lost")
            return
        except ResultUnavailableError as exc:
            logger.warning("job %s: its result cannot be fetched (%s)", job.id, exc)
            await self._undeliverable(job, "the result could not be fetched", tell=True)
            return
        except Exception as exc:
            await self._delivery_failed(job, exc)
            return
        delivered = await self.store.mark_delivered(job.id, delivery, self.clock())
        self.local_results.pop(job.id, None)
        self.metrics.inc("deliveries", "sent" if delivery.message_id else "unconfirmed")
        if delivered:
            self.refresh_status(delivered, fresh=True)

    async def _delivery_failed(self, job: Job, exc: Exception) -> None:
        rounds = job.checks + 1
        logger.warning("delivery of job %s failed (%s), round %s", job.id, exc, rounds)
        self.metrics.inc("deliveries", "failed")
        if rounds >= self.timing.delivery_rounds:
            await self._undeliverable(job, f"Telegram kept refusing it: {exc}"[:300], tell=True)
            return
        due = self.clock() + timedelta(seconds=self.timing.delivery_delay(rounds - 1))
        await self.store.reschedule(job.id, due, rounds, self.owner)

    async def _undeliverable(self, job: Job, detail: str, *, tell: bool) -> None:
        logger.info("job %s cannot be delivered: %s", job.id, detail)
        gone = await self.store.mark_undeliverable(job.id, detail, self.clock())
        self.metrics.inc("deliveries", "undeliverable")
        if gone is not None:
            self.refresh_status(gone)
            self._refund(gone)
            if tell:
                await self._tell_failure(gone)

    async def report(self, job: Job) -> None:
        """Tell the user a job failed (once: the report is marked done after it is sent)."""
        await self._tell_failure(job)
        await self.store.mark_failure_reported(job.id)

    async def _tell_failure(self, job: Job) -> None:
        try:
            await self.notifier.report_failure(job)
        except RecipientGoneError:
            logger.info("job %s ended and its chat is gone", job.id)

    # -- status messages --------------------------------------------------------------------------

    def refresh_status(self, job: Job, *, fresh: bool = False) -> None:
        """Show the job's current state in its status message, soon. Refreshes of one job are
        coalesced: one runs at a time and always shows the newest state from the store.
        `fresh`: `job` is the row a state change just returned, so it is shown without
        reading it again (a change after it asks for another refresh, which reads)."""
        if job.id in self._refreshing:
            self._refreshing[job.id] = True
            return
        self._refreshing[job.id] = False
        self.background.spawn(
            self._refresh(job.id, job if fresh else None), name=f"status-{job.id}"
        )

    async def _refresh(self, job_id: int, shown: Job | None) -> None:
        try:
            while True:
                self._refreshing[job_id] = False
                job, shown = shown or await self.store.get(job_id), None
                if job is not None:
                    await self._show_status(job)
                if not self._refreshing.get(job_id):
                    return
        except Exception as exc:
            logger.warning("status of job %s not shown: %s", job_id, exc)
        finally:
            self._refreshing.pop(job_id, None)

    async def _show_status(self, job: Job) -> None:
        message_id = await self.notifier.show_status(job, await self.place_of(job))
        if message_id is not None and message_id != job.status_message_id:
            await self.store.set_status_message(job.id, message_id)

    async def place_of(self, job: Job) -> Place | None:
        """A WAITING job's place in line and about how long until it is sent."""
        if job.state is not JobState.WAITING:
            return None
        ahead = await self.store.waiting_ahead(job)
        return self.place(job, ahead)

    async def board_rows(self, chat_id: int, message_id: int) -> list[tuple[Job, Place | None]]:
        """The jobs a shared status message shows, each waiting one with its place in line."""
        jobs = await self.store.by_status_message(chat_id, message_id)
        return [(job, await self.place_of(job)) for job in jobs]

    def place(self, job: Job, ahead: int) -> Place:
        eta = self.provider.wait_before(ahead) if job.engine is Engine.KIE else float(ahead)
        if job.due_at is not None:
            eta = max(eta, (job.due_at - self.clock()).total_seconds())
        return Place(ahead, max(0.0, eta))

    # -- payments ---------------------------------------------------------------------------------

    def _refund(self, job: Job) -> None:
        """A job ended without a result: its price goes back, in the background."""
        if self.payments is not None:
            self._in_background(job, self.payments.ended(job))

    def provider_down(self) -> bool:
        """The provider turned a request away lately and has taken none since."""
        trouble = self._provider_trouble
        return trouble is not None and self.clock() - trouble < PROVIDER_TROUBLE

    # -- plumbing ---------------------------------------------------------------------------------

    def _in_background(self, job: Job, work: Coroutine[Any, Any, None]) -> None:
        async def run() -> None:
            try:
                await work
            except Exception:
                logger.exception("follow-up of job %s failed; its timer will try again", job.id)

        self.background.spawn(run(), name=f"job-{job.id}")

    async def reload(self, job_id: int) -> Job:
        job = await self.store.get(job_id)
        if job is None:
            raise JobNotFoundError(f"job {job_id} is gone")
        return job


def new_token() -> str:
    return secrets.token_urlsafe(24)
