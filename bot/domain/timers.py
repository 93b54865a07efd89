"""The timers that own every open job: whatever state a job is in, it has a due time, and when
that comes a worker claims it and moves it on. Polls back up lost callbacks, timeouts end jobs
the provider never finishes, deliveries and failure reports are tried until they are done.

Each job is handled on its own: one that fails is logged and looked at again later, and the
rest go on. Claims make it safe for several replicas to run these timers on one database."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

from bot.domain.errors import ProviderError, TaskNotFoundError
from bot.domain.models import Engine, Failure, FailureReason, Job, JobState
from bot.domain.ports import Claim
from bot.domain.service import JobService
from bot.domain.updates import TaskFailed

logger = logging.getLogger(__name__)

BATCH = 200  # jobs claimed per look
RETRY_BROKEN = 30.0  # seconds before a job whose handling raised is looked at again

# What to do with a job in SUBMITTING whose sender is gone (a restart, a dead replica).
Resend = Callable[[Job], Awaitable[None]]


class Timers:
    def __init__(
        self,
        service: JobService,
        *,
        redo_lost: dict[Engine, Resend] | None = None,
        on_succeeded: dict[Engine, Callable[[Job], Awaitable[None]]] | None = None,
    ) -> None:
        self.service = service
        self.redo_lost = redo_lost or {}
        self.on_succeeded = on_succeeded or {}
        self.ready = asyncio.Event()  # set once the start-up look is done
        self._handling: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Re-arm polls in one statement, then look for due jobs every tick until cancelled."""
        service = self.service
        rearmed = await service.store.rearm(service.clock())
        logger.info("start-up: %s running jobs will be polled now", rearmed)
        places = asyncio.create_task(self._show_places())
        try:
            while True:
                claimed = await self._look()
                self.ready.set()
                if claimed < BATCH:
                    await asyncio.sleep(service.timing.tick)
        finally:
            places.cancel()

    async def _look(self) -> int:
        service = self.service
        now = service.clock()
        claim = Claim(service.owner, now + timedelta(seconds=service.timing.claim_ttl))
        try:
            jobs = await service.store.claim_due(now, claim, BATCH)
        except Exception:
            logger.exception("looking for due jobs failed")
            return 0
        if jobs:
            service.metrics.inc("jobs_claimed", "timers", len(jobs))
        for job in jobs:
            task = asyncio.create_task(self._handle_alone(job), name=f"due-{job.id}")
            self._handling.add(task)
            task.add_done_callback(self._handling.discard)
        return len(jobs)

    async def _handle_alone(self, job: Job) -> None:
        try:
            await self.handle(job)
        except Exception:
            logger.exception("job %s could not be handled; it is due again shortly", job.id)
            service = self.service
            due = service.clock() + timedelta(seconds=RETRY_BROKEN)
            await service.store.reschedule(job.id, due, job.checks, service.owner)

    async def handle(self, job: Job) -> None:
        """One due job, by its state."""
        match job.state:
            case JobState.SUBMITTING:
                await self._lost_submission(job)
            case JobState.QUEUED | JobState.GENERATING:
                await self._poll(job)
            case JobState.SUCCEEDED:
                # A retry round, or a delivery whose worker let its claim run out (it died, or
                # stalled past the claim): the moment a video could go twice, so it is told.
                logger.info("job %s: delivering it from the timers (round %s)", job.id, job.checks)
                follow = self.on_succeeded.get(job.engine, self.service.deliver)
                await follow(job)
            case JobState.FAILED if not job.failure_reported:
                await self.service.report(job)
            case JobState.AWAITING_PAYMENT:  # its invoice was not paid in time
                failure = Failure(FailureReason.UNPAID, "the invoice was not paid in time")
                await self.service.record_update(job, TaskFailed(failure))
            case _:
                await self.service.store.reschedule(job.id, None, job.checks, self.service.owner)

    async def _lost_submission(self, job: Job) -> None:
        """A submission whose sender is gone, or whose answer never came."""
        service = self.service
        redo = self.redo_lost.get(job.engine)
        if redo is not None:  # a synchronous engine: its work is redone, or reported
            await redo(job)
            return
        if job.submitted_at is None:  # claimed, but the request never left: back in line
            await service.back_in_line(job)
            return
        waited = (service.clock() - job.submitted_at).total_seconds()
        if service.policy.callback_base_url and waited < service.timing.unconfirmed_wait:
            await service.unconfirmed(job)
            return
        failure = Failure(FailureReason.UNCONFIRMED, "the provider never confirmed the request")
        await service.record_update(job, TaskFailed(failure))

    async def _poll(self, job: Job) -> None:
        service = self.service
        now = service.clock()
        started = job.submitted_at or job.created_at
        if now - started > timedelta(seconds=service.timing.job_timeout):
            failure = Failure(FailureReason.TIMEOUT, "the provider did not finish in time")
            await service.record_update(job, TaskFailed(failure))
            return
        checks = job.checks + 1
        due = now + timedelta(seconds=service.timing.poll_delay(checks))
        await service.store.reschedule(job.id, due, checks, service.owner)
        if job.task_id is None:
            return
        try:
            update = await service.provider.fetch(job.kind, job.task_id)
        except TaskNotFoundError:
            return  # not visible yet right after submission
        except ProviderError as exc:
            service.metrics.inc("provider_errors", str(exc.code))
            logger.info("poll of job %s: %s", job.id, type(exc).__name__)
            return
        await service.record_update(replace(job, due_at=due, checks=checks), update)

    async def _show_places(self) -> None:
        """Waiting jobs see their place in line move up."""
        service = self.service
        while True:
            await asyncio.sleep(service.timing.place_refresh)
            try:
                for job in await service.store.waiting(limit=1000):
                    service.refresh_status(job)
            except Exception:
                logger.exception("showing places in line failed")

    async def drain(self) -> None:
        for task in set(self._handling):
            task.cancel()
        await asyncio.gather(*self._handling, return_exceptions=True)
