"""The job service: every request goes in here, and every result comes out through here."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain.errors import (
    AccessDeniedError,
    JobNotFoundError,
    ProviderError,
    QuotaExceededError,
    RecipientGoneError,
)
from bot.domain.metrics import Metrics
from bot.domain.models import Draft, GenerationRequest, Job, JobKind, JobState, Origin
from bot.domain.policy import ServicePolicy
from bot.domain.ports import JobStore, NewJob, Notifier, VideoProvider
from bot.domain.rules import check_draft
from bot.domain.tasks import TaskTracker
from bot.domain.updates import TaskFailed, TaskRunning, TaskSucceeded, TaskUpdate

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
DAY = timedelta(days=1)
DELIVERY_ATTEMPTS = 4  # tries in one round, with doubling pauses
DELIVERY_ROUNDS = 3  # rounds before a video is given up


def utcnow() -> datetime:
    return datetime.now(UTC)


class JobService:
    """Submits requests, takes every task update (callback, poll or sweep) through one door,
    and delivers each finished video exactly once."""

    def __init__(
        self,
        store: JobStore,
        provider: VideoProvider,
        notifier: Notifier,
        policy: ServicePolicy,
        *,
        metrics: Metrics | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.store = store
        self.provider = provider
        self.notifier = notifier
        self.policy = policy
        self.metrics = metrics or Metrics()
        self.clock = clock
        self.background = TaskTracker()
        self._in_hand: set[int] = set()
        self._failed_rounds: Counter[int] = Counter()

    # -- requests ---------------------------------------------------------------------------

    async def submit(
        self, origin: Origin, draft: Draft, *, publish_channel_id: int | None = None
    ) -> Job:
        """Check the request, persist it, then send it. Rule and access errors raise before
        anything is stored; a provider refusal is stored and shown in the status message."""
        check_draft(draft)
        await self.check_allowed(origin)
        job = await self.store.create(self._new_job(origin, draft, publish_channel_id))
        job = await self._show_status(job)
        try:
            task_id = await self.provider.submit(await self._request(draft), self._callback(job))
        except ProviderError as exc:
            self.metrics.inc("provider_errors", str(exc.code))
            return await self._fail(job, str(exc.code or type(exc).__name__), str(exc))
        return await self._submitted(job, task_id)

    async def check_allowed(self, origin: Origin) -> None:
        access = self.policy.access
        if not access.admits(origin):
            raise AccessDeniedError("not on the allowlist")
        if origin.user_id is None or access.is_admin(origin.user_id):
            return
        if await self.store.count_active_for_user(origin.user_id) >= access.active_jobs_per_user:
            raise QuotaExceededError("active")
        since = self.clock() - DAY
        created = await self.store.count_created_since(origin.user_id, since)
        if created >= access.daily_jobs_per_user:
            oldest = await self.store.oldest_created_since(origin.user_id, since)
            raise QuotaExceededError("daily", (oldest or self.clock()) + DAY)

    def _new_job(self, origin: Origin, draft: Draft, publish_channel_id: int | None) -> NewJob:
        return NewJob(
            kind=draft.kind,
            prompt=draft.prompt,
            options=draft.options,
            origin=origin,
            callback_token=secrets.token_urlsafe(24),
            created_at=self.clock(),
            parent_task_id=draft.parent_task_id,
            cost=self.policy.prices.estimate(draft.kind, draft.options),
            publish_channel_id=publish_channel_id,
            source_id=draft.media.source_id if draft.media else None,
        )

    async def _request(self, draft: Draft) -> GenerationRequest:
        media_url = await self.provider.upload(draft.media) if draft.media else None
        return GenerationRequest(
            kind=draft.kind,
            prompt=draft.prompt,
            options=draft.options,
            image_url=media_url if draft.kind is JobKind.IMAGE else None,
            video_url=media_url if draft.kind is JobKind.ALEPH else None,
            parent_task_id=draft.parent_task_id,
        )

    def _callback(self, job: Job) -> str | None:
        base = self.policy.callback_base_url
        return f"{base}/callbacks/runway/{job.callback_token}" if base else None

    async def _submitted(self, job: Job, task_id: str) -> Job:
        now = self.clock()
        first_poll = now + timedelta(seconds=self.policy.timing.poll_delay(0))
        moved = await self.store.mark_submitted(job.id, task_id, first_poll, now)
        logger.info("job %s submitted as task %s", job.id, task_id)
        if moved is None or moved.state is not JobState.QUEUED:
            return await self._reload(job.id)  # a callback overtook us and moved the job on
        return await self._show_status(moved)

    # -- the one way in for results -----------------------------------------------------------

    async def record_update(self, job: Job, update: TaskUpdate) -> Job | None:
        """Apply a provider update to a job. Returns the moved job, or None when the update
        changed nothing (duplicate, late, or out of order). Slow work runs in the background."""
        now = self.clock()
        match update:
            case TaskRunning(phase=phase):
                to = JobState.GENERATING if phase == "generating" else JobState.QUEUED
                moved = await self.store.advance(job.id, to, now)
                if moved:
                    self._in_background(moved, self._status_quietly(moved))
            case TaskSucceeded(video_url=video_url, image_url=image_url):
                moved = await self.store.advance(
                    job.id, JobState.SUCCEEDED, now, video_url=video_url, image_url=image_url
                )
                if moved:
                    self._in_background(moved, self.deliver(moved))
            case TaskFailed(code=code, message=message):
                moved = await self.store.advance(
                    job.id, JobState.FAILED, now, failure_code=code, failure_message=message
                )
                if moved:
                    self._in_background(moved, self._report(moved))
        return moved

    async def record_callback(self, token: str, task_id: str, update: TaskUpdate) -> Job:
        """A provider callback: the token in its URL names the job, the body its task."""
        job = await self.store.by_callback_token(token)
        if job is None or (job.task_id is not None and job.task_id != task_id):
            raise JobNotFoundError("no job for this callback")
        await self.record_update(job, update)
        return job

    # -- delivery -----------------------------------------------------------------------------

    async def deliver(self, job: Job) -> None:
        """Send a SUCCEEDED job's video, retrying transient failures; mark it delivered in the
        same step that records the message. After DELIVERY_ROUNDS failed rounds (the sweep
        starts a new one each minute) the job is given up as undeliverable."""
        for attempt in range(DELIVERY_ATTEMPTS):
            try:
                delivery = await self.notifier.deliver(job)
            except RecipientGoneError as exc:
                await self._undeliverable(job, str(exc))
                return
            except Exception as exc:
                logger.warning("delivery of job %s failed (%s)", job.id, type(exc).__name__)
                if attempt + 1 < DELIVERY_ATTEMPTS:
                    await asyncio.sleep(self.policy.timing.delivery_backoff * 2**attempt)
                continue
            delivered = await self.store.mark_delivered(job.id, delivery, self.clock())
            self.metrics.inc("deliveries", "sent")
            if delivered:
                await self._status_quietly(delivered)
            return
        self._failed_rounds[job.id] += 1
        if self._failed_rounds[job.id] >= DELIVERY_ROUNDS:
            await self._undeliverable(job, "Telegram kept refusing the video")
        else:
            logger.error("job %s is still undelivered; the sweep will try again", job.id)

    async def _undeliverable(self, job: Job, reason: str) -> None:
        logger.info("job %s cannot be delivered: %s", job.id, reason)
        await self.store.mark_undeliverable(job.id, reason, self.clock())
        self.metrics.inc("deliveries", "undeliverable")

    async def _report(self, job: Job) -> None:
        try:
            await self.notifier.report_failure(job)
        except RecipientGoneError:
            logger.info("job %s failed and its chat is gone", job.id)
        await self.store.mark_failure_reported(job.id)

    async def _fail(self, job: Job, code: str, message: str) -> Job:
        failed = await self.store.advance(
            job.id, JobState.FAILED, self.clock(), failure_code=code, failure_message=message
        )
        if failed is None:
            return await self._reload(job.id)
        self._in_hand.add(failed.id)
        try:
            await self._report(failed)
        finally:
            self._in_hand.discard(failed.id)
        return await self._reload(job.id)

    # -- polling and recovery -------------------------------------------------------------------

    async def poll_due(self, limit: int = 50) -> int:
        """Poll every job whose turn has come; fail the ones past the timeout. Returns the count."""
        now = self.clock()
        jobs = await self.store.due_for_poll(now, limit)
        for job in jobs:
            await self._poll(job, now)
        return len(jobs)

    async def _poll(self, job: Job, now: datetime) -> None:
        if now - job.created_at > timedelta(seconds=self.policy.timing.job_timeout):
            await self._fail(job, "timeout", "the provider did not finish in time")
            return
        delay = self.policy.timing.poll_delay(job.poll_count + 1)
        await self.store.schedule_poll(job.id, now + timedelta(seconds=delay), job.poll_count + 1)
        if job.task_id is None:
            return
        try:
            update = await self.provider.fetch(job.kind, job.task_id)
        except ProviderError as exc:
            self.metrics.inc("provider_errors", str(exc.code))
            logger.info("poll of job %s: %s", job.id, type(exc).__name__)
            return
        await self.record_update(job, update)

    async def recover(self) -> None:
        """Start-up: fail what was cut off mid-submission, re-arm polls, deliver and report
        whatever finished while we were away."""
        now = self.clock()
        for job in await self.store.unfinished_business():
            if job.state is JobState.SUBMITTING:
                await self._fail(job, "interrupted", "the bot restarted while sending the request")
        for job in await self.store.due_for_poll(datetime.max.replace(tzinfo=UTC), 10_000):
            await self.store.schedule_poll(job.id, now, job.poll_count)
        await self.sweep()

    async def sweep(self) -> None:
        """Deliver finished jobs and report failed ones that nobody is handling right now."""
        for job in await self.store.unfinished_business():
            if job.id in self._in_hand:
                continue
            if job.state is JobState.SUCCEEDED:
                self._in_background(job, self.deliver(job))
            elif job.state is JobState.FAILED and not job.failure_reported:
                self._in_background(job, self._report(job))

    # -- commands from the chat side ----------------------------------------------------------

    async def cancel_latest(self, chat_id: int, user_id: int | None) -> Job | None:
        """Cancel the newest active job this user may cancel in this chat."""
        admin = self.policy.access.is_admin(user_id)
        for job in await self.store.active(chat_id):
            if admin or job.origin.user_id == user_id:
                cancelled = await self.store.advance(job.id, JobState.CANCELLED, self.clock())
                if cancelled:
                    await self._status_quietly(cancelled)
                    return cancelled
        return None

    # -- plumbing ---------------------------------------------------------------------------------

    def _in_background(self, job: Job, work: Coroutine[Any, Any, None]) -> None:
        self._in_hand.add(job.id)

        async def run() -> None:
            try:
                await work
            finally:
                self._in_hand.discard(job.id)

        self.background.spawn(run(), name=f"job-{job.id}")

    async def _show_status(self, job: Job) -> Job:
        message_id = await self.notifier.show_status(job)
        if message_id is not None and message_id != job.status_message_id:
            await self.store.set_status_message(job.id, message_id)
            return replace(job, status_message_id=message_id)
        return job

    async def _status_quietly(self, job: Job) -> None:
        try:
            await self._show_status(job)
        except Exception:
            logger.warning("status update for job %s failed", job.id, exc_info=True)

    async def _reload(self, job_id: int) -> Job:
        job = await self.store.get(job_id)
        if job is None:
            raise JobNotFoundError(f"job {job_id} is gone")
        return job


async def keep_working(service: JobService, tick: float, sweep_every: float) -> None:
    """Poll due jobs every `tick` seconds and sweep for undelivered ones every `sweep_every`;
    a failing round is logged and the loop goes on."""
    loop = asyncio.get_running_loop()
    next_sweep = loop.time() + sweep_every
    while True:
        try:
            await service.poll_due()
            if loop.time() >= next_sweep:
                next_sweep = loop.time() + sweep_every
                await service.sweep()
        except Exception:
            logger.exception("polling round failed")
        await asyncio.sleep(tick)
