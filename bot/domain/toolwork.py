"""Jobs on the synchronous engines: a media tool (the Runway AI API, or the bundled ffmpeg and
Pillow), and a clip from the Runway AI API's generate-video or image-to-video.

The line hands `send` a job it holds in SUBMITTING: its inputs are fetched again by file_id (the
MediaSource), handed to the provider as URLs (the MediaPublisher: never a Telegram file URL),
the moment the call starts is marked, the tool runs, and its outcome goes through the service's
one door. A call answers only when its work is done, so while it runs the job's due time is
pushed ahead (a lease) and the timers leave it alone. When its worker dies the lease runs out
and the timers hand the job to `redo_lost`: a call that never started goes back in line, one
cut off once is run again, one cut off twice is reported as interrupted.

A local result is a file in `results_dir`, named by its job, and registered in
`service.local_results` until it is delivered. The files outlive a restart of the process
(`restore` registers them again); a finished job whose file is gone all the same (it was made
by a replica on another machine) is made again on the spot before it is delivered
(`follow_up`). Either way a job is delivered once: delivery is the store's to decide.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from bot.domain.errors import (
    OutcomeUnknownError,
    ProviderError,
    ProviderUnavailableError,
    UserError,
)
from bot.domain.models import (
    Engine,
    Failure,
    FailureReason,
    Job,
    JobKind,
    JobState,
    MediaFile,
    Result,
    ResultKind,
)
from bot.domain.ports import MediaPublisher, MediaSource, VideoProvider
from bot.domain.service import JobService, new_token
from bot.domain.tools import (
    AnimatePhoto,
    DescribeMedia,
    EditPhoto,
    ForgetMedia,
    GeneratePicture,
    GenerateVideo,
    MediaTools,
    TextOnPhoto,
    ToolInputs,
    ToolOutput,
    ToolRequest,
    TransferStyle,
)
from bot.domain.updates import TaskFailed, TaskSucceeded, TaskUpdate

logger = logging.getLogger(__name__)

RUNS_PER_JOB = 2  # the first run, and one more when a restart cut it off
LEASE = 30.0  # seconds a running call holds its job; renewed every third of it
FROM_WORDS = (GeneratePicture, GenerateVideo, ForgetMedia)  # no input file
PHOTO_INPUTS = (EditPhoto, TextOnPhoto, TransferStyle, AnimatePhoto)
_RESULT_FILE = re.compile(r"^job-(\d+)\.\w+$")


def request_of(job: Job) -> ToolRequest:
    """What the job asks of its engine: its tool request, or a clip on the second engine."""
    if job.tool is not None:
        return job.tool
    if job.kind is JobKind.TEXT:
        return GenerateVideo(job.prompt, job.options.duration)
    if job.kind is JobKind.IMAGE:
        return AnimatePhoto(job.options.duration)
    raise ValueError(f"job {job.id}: a {job.kind.value} job has no synchronous engine")


def source_name(request: ToolRequest) -> str:
    """The name the input is fetched under; /info leaves it to the source to say what it is."""
    if isinstance(request, DescribeMedia):
        return "source"
    return "source.jpg" if isinstance(request, PHOTO_INPUTS) else "source.mp4"


def refused(error: UserError) -> TaskFailed:
    """An input the request cannot work on: the catalog key and its values travel in the
    failure, so the chat explains it in the user's language."""
    detail = json.dumps({name: str(value) for name, value in error.params.items()})
    return TaskFailed(Failure(FailureReason.BAD_INPUT, detail, error.key))


class ProviderUpload:
    """The MediaPublisher for a bot with no PUBLIC_URL: inputs go up through kie.ai's file
    upload, and its downloadUrl is what the Runway AI API fetches."""

    def __init__(self, provider: VideoProvider) -> None:
        self._provider = provider

    async def publish(self, media: MediaFile) -> str:
        return await self._provider.upload(media)


class ToolWork:
    """Sends, redoes and follows up jobs of the synchronous engines."""

    def __init__(
        self,
        service: JobService,
        tools: Mapping[Engine, MediaTools],
        results_dir: Path,
        *,
        media: MediaSource | None = None,
        publisher: MediaPublisher | None = None,
        lease: float | None = None,
    ) -> None:
        self.service = service
        self.tools = dict(tools)
        self.results_dir = results_dir
        self.media = media
        self.publisher = publisher
        # No longer than a claim: what a claim is to the timers, the lease is to a running call.
        self.lease = lease or min(LEASE, service.timing.claim_ttl)
        self._running: set[int] = set()

    # -- the line's sender ----------------------------------------------------------------------

    async def send(self, job: Job) -> None:
        """Run one claimed job and report its outcome through `record_update`."""
        self._running.add(job.id)
        try:
            async with self._leased(job):
                outcome = await self._outcome(job)
            if outcome is not None:
                await self._record(*outcome)
        finally:
            self._running.discard(job.id)
            await asyncio.to_thread(self._sweep, self._keep())

    async def _outcome(self, job: Job) -> tuple[Job, TaskUpdate] | None:
        """What happened, and the job as it then was; None when the job was taken from us."""
        request, workdir = request_of(job), self._workdir(job)
        try:
            return await self._run(job, request, workdir)
        finally:
            await asyncio.to_thread(shutil.rmtree, workdir, True)

    async def _run(
        self, job: Job, request: ToolRequest, workdir: Path
    ) -> tuple[Job, TaskUpdate] | None:
        service = self.service
        try:
            inputs = await self._inputs(job, request, workdir)
        except Exception as exc:
            return job, self._failed(job, exc)
        leaving = await service.store.mark_sending(job.id, job.callback_token, service.clock())
        if leaving is None:
            return None  # cancelled, or another worker has it now
        service.refresh_status(leaving)
        try:
            output = await self.tools[job.engine].run(request, inputs, workdir)
            return leaving, TaskSucceeded(await self._result(leaving, output))
        except Exception as exc:
            return leaving, self._failed(leaving, exc)

    def _failed(self, job: Job, exc: Exception) -> TaskUpdate:
        metrics = self.service.metrics
        match exc:
            case UserError():
                return refused(exc)
            case OutcomeUnknownError():
                metrics.inc("provider_errors", "unconfirmed")
                return TaskFailed(Failure(FailureReason.UNCONFIRMED, str(exc), "unconfirmed"))
            case ProviderUnavailableError():
                failure = Failure(FailureReason.PROVIDER_DOWN, str(exc), str(exc.code))
                return TaskFailed(failure, temporary=True)
            case ProviderError():
                if job.engine is Engine.RUNWAY_AI:
                    metrics.inc("provider_errors", str(exc.code))
                return TaskFailed(Failure(exc.reason, str(exc), str(exc.code)))
        logger.exception("job %s: the %s tool broke", job.id, job.engine.value, exc_info=exc)
        return TaskFailed(Failure(FailureReason.GENERATION_FAILED, type(exc).__name__))

    async def _record(self, job: Job, update: TaskUpdate) -> None:
        if isinstance(update, TaskFailed) and update.temporary:
            await self.service.not_taken(job, update.failure)  # nothing was done: again later
            return
        moved = await self.service.record_update(job, update)
        if moved is None and isinstance(update, TaskSucceeded):
            self._forget_result(job.id)  # cancelled meanwhile: nobody will deliver it

    # -- inputs and results ------------------------------------------------------------------

    async def _inputs(self, job: Job, request: ToolRequest, workdir: Path) -> ToolInputs:
        """The media a request works on, fetched again by file_id into `workdir`."""
        if isinstance(request, FROM_WORDS):
            return ToolInputs()
        if job.source_id is None:
            raise UserError("tool.media_missing")
        await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
        source = await self._fetch(job.source_id, source_name(request), workdir)
        reference = None
        if isinstance(request, TransferStyle):
            if job.reference_id is None:
                raise UserError("style.usage")
            reference = await self._fetch(job.reference_id, "reference.jpg", workdir)
        publish = self.publisher.publish if self.publisher is not None else None
        return ToolInputs(source, reference, publish)

    async def _fetch(self, file_id: str, filename: str, workdir: Path) -> MediaFile:
        if self.media is None:
            raise UserError("tool.fetch_failed")
        try:
            return await self.media.fetch(file_id, filename, workdir)
        except UserError:
            raise
        except Exception as exc:
            logger.warning("an input could not be fetched again (%s)", type(exc).__name__)
            raise UserError("tool.fetch_failed") from exc

    async def _result(self, job: Job, output: ToolOutput) -> Result:
        """The job's Result; a local file moves into `results_dir`, registered for delivery."""
        if output.kind is ResultKind.TEXT:
            text = json.dumps(asdict(output.info)) if output.info else output.text
            return Result(ResultKind.TEXT, text=text or "")
        if output.path is not None:
            dest = self.results_dir / f"job-{job.id}{output.path.suffix}"
            await asyncio.to_thread(shutil.move, output.path, dest)
            self.service.local_results[job.id] = dest
            return Result(output.kind)
        return Result(output.kind, url=output.url)

    def _workdir(self, job: Job) -> Path:
        return self.results_dir / "work" / f"job-{job.id}-{job.callback_token[:8]}"

    # -- the timers' hooks ------------------------------------------------------------------

    async def redo_lost(self, job: Job) -> None:
        """A SUBMITTING job whose lease ran out: its worker stopped (a restart, a dead replica)."""
        service = self.service
        now = service.clock()
        if job.id in self._running:  # still at work here: the lease lapsed under load
            due = now + timedelta(seconds=self.lease)
            await service.store.reschedule(job.id, due, job.checks, service.owner)
        elif job.submitted_at is None:
            await service.back_in_line(job)  # it never started
        elif job.attempt < RUNS_PER_JOB:
            await self._run_again(job)
        else:
            failure = Failure(FailureReason.INTERRUPTED, "cut off by restarts")
            await service.record_update(job, TaskFailed(failure))

    async def _run_again(self, job: Job) -> None:
        service = self.service
        now = service.clock()
        again = await service.store.requeue(
            job.id, job.callback_token, new_token(), now, now, attempt=job.attempt
        )
        if again is not None:
            logger.info("job %s was cut off by a restart; running it again", job.id)
            service.line_changed.set()
            service.refresh_status(again)

    async def follow_up(self, job: Job) -> None:
        """A SUCCEEDED local job that is due: delivered, after its file is made again if it is
        gone; given up as undeliverable (and the user told) if it cannot be."""
        service = self.service
        made_here = job.result is not None and job.result.kind is not ResultKind.TEXT
        if made_here and job.id not in service.local_results:
            try:
                await self._remake(job)
            except Exception as exc:
                logger.warning("job %s: its result could not be made again (%s)", job.id, exc)
                await self._lost(job)
                return
        await service.deliver(job)

    async def _remake(self, job: Job) -> None:
        request, workdir = request_of(job), self._workdir(job)
        self._running.add(job.id)  # its new file is not swept before it is registered
        try:
            inputs = await self._inputs(job, request, workdir)
            output = await self.tools[job.engine].run(request, inputs, workdir)
            await self._result(job, output)
        finally:
            self._running.discard(job.id)
            await asyncio.to_thread(shutil.rmtree, workdir, True)
        logger.info("job %s: its lost result was made again", job.id)

    async def _lost(self, job: Job) -> None:
        service = self.service
        detail = "the result was lost in a restart; please send the command again"
        gone = await service.store.mark_undeliverable(job.id, detail, service.clock())
        if gone is not None:
            service.refresh_status(gone)
            await service.notifier.report_failure(gone)

    # -- files ------------------------------------------------------------------------------

    async def restore(self) -> None:
        """Start-up: register the results a previous run made and did not deliver; remove the
        rest, and any half-done work."""
        await asyncio.to_thread(self.results_dir.mkdir, parents=True, exist_ok=True)
        await asyncio.to_thread(shutil.rmtree, self.results_dir / "work", True)
        for path, job_id in await asyncio.to_thread(self._result_files):
            job = await self.service.store.get(job_id)
            if job is not None and job.result is not None and job.state is JobState.SUCCEEDED:
                self.service.local_results[job_id] = path
            else:
                await asyncio.to_thread(path.unlink, True)
        logger.info("start-up: %s local results wait for delivery", len(self.service.local_results))

    async def keep_tidy(self) -> None:
        """Until cancelled: every lease, remove the files of results that were delivered."""
        while True:
            await asyncio.sleep(self.lease)
            try:
                await asyncio.to_thread(self._sweep, self._keep())
            except OSError:
                logger.exception("old tool results could not be removed")

    def _keep(self) -> set[int]:
        return set(self.service.local_results) | self._running

    def _result_files(self) -> list[tuple[Path, int]]:
        found = []
        for path in self.results_dir.iterdir():
            match = _RESULT_FILE.match(path.name)
            if match and path.is_file():
                found.append((path, int(match[1])))
        return found

    def _sweep(self, keep: set[int]) -> None:
        """Delete delivered (or abandoned) results: the files of jobs not in `keep` (those
        waiting to be delivered, and those still at work)."""
        for path, job_id in self._result_files():
            if job_id not in keep:
                path.unlink(missing_ok=True)

    def _forget_result(self, job_id: int) -> None:
        path = self.service.local_results.pop(job_id, None)
        if path is not None:
            path.unlink(missing_ok=True)

    @asynccontextmanager
    async def _leased(self, job: Job) -> AsyncIterator[None]:
        """Keep the job's due time ahead of now while its call runs."""
        renewing = asyncio.create_task(self._renew(job), name=f"lease-{job.id}")
        try:
            yield
        finally:
            renewing.cancel()
            with suppress(asyncio.CancelledError):
                await renewing

    async def _renew(self, job: Job) -> None:
        service = self.service
        while True:
            due = service.clock() + timedelta(seconds=self.lease)
            try:
                await service.store.reschedule(job.id, due, job.checks, service.owner)
            except Exception:
                logger.exception("job %s: its lease could not be renewed", job.id)
            await asyncio.sleep(self.lease / 3)
