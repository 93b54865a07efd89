"""The line before the provider: WAITING jobs are handed out first come, first served, as fast
as each engine takes them. A job still in line has cost nothing and can be cancelled for free.

kie.ai takes about 20 new generations per 10 s; its client paces the submissions, and the line
keeps only a few of them claimed at a time, so everyone else keeps a truthful place in line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import timedelta

from bot.domain.errors import (
    NotSentError,
    OutcomeUnknownError,
    ProviderError,
    ProviderUnavailableError,
)
from bot.domain.models import Engine, Failure, FailureReason, Job
from bot.domain.ports import Claim
from bot.domain.service import JobService
from bot.domain.updates import TaskFailed

logger = logging.getLogger(__name__)

Sender = Callable[[Job], Awaitable[None]]


class SubmissionLine:
    """One loop per engine: claim the next due WAITING job, send it, repeat."""

    def __init__(self, service: JobService, senders: dict[Engine, tuple[Sender, int]]) -> None:
        self.service = service
        self.senders = senders  # engine -> (send, how many may be out at once)
        self._wake = {engine: asyncio.Event() for engine in senders}

    def wake(self) -> None:
        for event in self._wake.values():
            event.set()

    async def run(self) -> None:
        """Serve every engine until cancelled."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self._relay_wakes())
            for engine in self.senders:
                group.create_task(self._serve(engine))

    async def _relay_wakes(self) -> None:
        changed = self.service.line_changed
        while True:
            await changed.wait()
            changed.clear()
            self.wake()

    async def _serve(self, engine: Engine) -> None:
        send, width = self.senders[engine]
        out = asyncio.Semaphore(width)
        while True:
            await out.acquire()
            try:
                job = await self._claim(engine)
            except Exception:
                out.release()
                logger.exception("the %s line could not claim a job", engine.value)
                await asyncio.sleep(self.service.timing.tick)
                continue
            if job is None:
                out.release()
                await self._idle(engine)
                continue
            self.service.background.spawn(self._send(send, job, out), name=f"send-{job.id}")

    async def _claim(self, engine: Engine) -> Job | None:
        service = self.service
        now = service.clock()
        until = now + timedelta(seconds=service.timing.claim_ttl)
        job = await service.store.claim_next(engine, Claim(service.owner, until), now)
        if job is not None:
            service.metrics.inc("jobs_claimed", "line")
        return job

    async def _idle(self, engine: Engine) -> None:
        """Nothing due: wait for a new job, or a tick (a job backing off becomes due)."""
        event = self._wake[engine]
        with suppress(TimeoutError):  # asyncio.timeout: wait_for can lose a cancel
            async with asyncio.timeout(self.service.timing.tick):
                await event.wait()
        event.clear()

    async def _send(self, send: Sender, job: Job, out: asyncio.Semaphore) -> None:
        try:
            await send(job)
        except Exception:
            logger.exception("sending job %s failed; its timer will look at it", job.id)
        finally:
            out.release()
            self.service.line_changed.set()  # everyone behind it moved up


async def send_to_kie(service: JobService, job: Job) -> None:
    """Submit to kie.ai. What the provider answers goes through the service's one door."""
    sent: list[Job] = []

    async def leaving() -> None:
        marked = await service.store.mark_sending(job.id, job.callback_token, service.clock())
        if marked is None:
            raise NotSentError(f"job {job.id} was cancelled while it waited")
        sent.append(marked)

    request, callback = service.request_of(job), service.callback_url(job)
    try:
        task_id = await service.provider.submit(request, callback, leaving)
    except NotSentError:
        logger.info("job %s left the line before it was sent", job.id)
    except OutcomeUnknownError:
        await service.unconfirmed(sent[0] if sent else job)
    except ProviderUnavailableError as exc:
        failure = Failure(FailureReason.PROVIDER_DOWN, str(exc), str(exc.code))
        await service.not_taken(sent[0] if sent else job, failure)
    except ProviderError as exc:
        service.metrics.inc("provider_errors", str(exc.code))
        await service.record_update(job, TaskFailed(Failure(exc.reason, str(exc), str(exc.code))))
    else:
        await service.submitted(job, task_id)
