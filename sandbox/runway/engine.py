"""The task machine: tasks move wait -> queueing -> generating -> success|fail over `latency`,
and expire `expire_after` seconds after they finish (the provider's 14 days)."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import imageio_ffmpeg

from sandbox.runway import catalog
from sandbox.runway.callbacks import CallbackSender
from sandbox.runway.envelope import ApiError
from sandbox.runway.fetching import FetchError, TooLargeError, fetch_to_file
from sandbox.runway.overlay import InputImageError, average_colour, image_format
from sandbox.runway.padding import pad_mp4
from sandbox.runway.probe import ProbeError
from sandbox.runway.render import AlephStyle, Outputs, Renderer, RenderError, Scene
from sandbox.runway.state import Failure, RunwayState, Task, TaskKind, TaskState
from sandbox.runway.validation import Common

logger = logging.getLogger(__name__)

RESULTS = "results"
PLATES = "plates"  # last frames without text, for extensions; never served
WORK = "work"
QUEUEING_AT = 0.15  # shares of `latency` at which a task changes state
GENERATING_AT = 0.35


@dataclass(frozen=True, slots=True)
class Submission:
    """A validated request as it reached this server."""

    common: Common
    params: dict[str, Any]  # the body as received
    base_url: str  # where this server was reached, for result URLs


@dataclass(frozen=True, slots=True)
class RenderPlan:
    """How to make a task's video; `source` is the fetched input, if any."""

    duration: int
    quality: str
    aspect_ratio: str | None = None
    source: Path | None = None
    parent: Task | None = None
    seed: int | None = None  # Aleph: the same seed and input give the same colours
    reference: Path | None = None  # Aleph: an image whose colour tints the result


class Engine:
    """Runs tasks in tracked background tasks; owns the files dir and the outgoing session."""

    def __init__(self, state: RunwayState) -> None:
        self.state = state
        self.renderer = Renderer(imageio_ffmpeg.get_ffmpeg_exe())
        self._root: Path | None = None
        self._session: aiohttp.ClientSession | None = None
        self._background: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        with tempfile.TemporaryDirectory(prefix="runway-emulator-") as temp:
            self._root = Path(self.state.knobs.files_dir or temp)
            for sub in (RESULTS, PLATES, WORK):
                (self._root / sub).mkdir(parents=True, exist_ok=True)
            async with aiohttp.ClientSession() as session:
                self._session = session
                try:
                    yield
                finally:
                    await self._stop_background()

    @property
    def root(self) -> Path:
        if self._root is None:
            raise RuntimeError("the emulator has not started")
        return self._root

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("the emulator has not started")
        return self._session

    def check_credits(self, cost: int) -> None:
        """A new generation needs its price in credits (the rate limit is checked on arrival)."""
        if self.state.credits < cost:
            raise ApiError(402, "Insufficient credits: please top up your account")

    def new_task(
        self,
        kind: TaskKind,
        request: Submission,
        cost: int,
        parent_task_id: str | None = None,
    ) -> Task:
        prompt = request.common.prompt
        return Task(
            task_id=str(uuid.uuid4()),
            kind=kind,
            params=request.params,
            prompt=prompt,
            watermark=request.common.watermark,
            callback_url=request.common.callback_url,
            cost=cost,
            base_url=request.base_url,
            created_at=datetime.now(),
            created_mono=time.monotonic(),
            parent_task_id=parent_task_id,
            send_callback=catalog.NO_CALLBACK_MARKER not in prompt,
        )

    def _planned_failure(self, prompt: str) -> Failure | None:
        if catalog.FAIL_MARKER in prompt:
            return Failure(400, catalog.MODERATION_MSG)
        if catalog.NSFW_MARKER in prompt:
            return Failure(400, catalog.NSFW_MSG)
        if catalog.BUSY_MARKER in prompt:
            return self.state.temporary_failure("concurrency")
        temporary = self.state.take_temporary_failure()
        if temporary is not None:
            return temporary
        if self.state.chance(self.state.knobs.failure_rate):
            return Failure(400, self.state.rng.choice(catalog.FAILURE_MESSAGES))
        return None

    async def fetch_input(self, task: Task, url: str, field: str, max_bytes: int) -> Path:
        """Fetch a task's input named by `field` (451 when unreachable, 422 when too large)."""
        dest = self.work_dir(task) / field
        try:
            await fetch_to_file(self.session, url, dest, max_bytes=max_bytes)
        except FetchError as exc:
            shutil.rmtree(dest.parent, ignore_errors=True)
            if isinstance(exc, TooLargeError):
                raise ApiError(422, f"{field} is too large: {exc}") from exc
            raise ApiError(451, f"Failed to fetch {field}: {exc}") from exc
        return dest

    async def fetch_image(self, task: Task, url: str, field: str) -> Path:
        """Fetch an input image: at most 10 MB, and JPG or PNG (`input_refusal` says how not)."""
        path = await self.fetch_input(task, url, field, catalog.MAX_IMAGE_BYTES)
        found = await asyncio.to_thread(image_format, path)
        if found is None or found in catalog.IMAGE_FORMATS:
            return path  # unreadable bytes fail the task later: "get image info failed."
        if self.state.knobs.input_refusal == "task":
            task.planned_failure = Failure(400, catalog.IMAGE_FORMAT_MSG)
            return path
        shutil.rmtree(path.parent, ignore_errors=True)
        raise ApiError(422, f"Incorrect image format: {field} is {found}; use JPG or PNG")

    def work_dir(self, task: Task) -> Path:
        path = self.root / WORK / task.task_id
        path.mkdir(parents=True, exist_ok=True)
        return path

    def start(self, task: Task, plan: RenderPlan) -> None:
        """Run an accepted task; only now do its planned failure and the knobs' counters count."""
        if task.planned_failure is None:
            task.planned_failure = self._planned_failure(task.prompt)
        self.state.tasks[task.task_id] = task
        self.spawn(self._run(task, plan))
        logger.info("task %s (%s) submitted", task.task_id, task.kind)

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        job = asyncio.create_task(work)
        self._background.add(job)
        job.add_done_callback(self._forget)

    def _forget(self, job: asyncio.Task[None]) -> None:
        self._background.discard(job)
        if not job.cancelled() and job.exception() is not None:
            logger.error("background work failed", exc_info=job.exception())

    async def _stop_background(self) -> None:
        """Cancel every task and callback, including any spawned while stopping."""
        while self._background:
            jobs = list(self._background)
            for job in jobs:
                job.cancel()
            await asyncio.gather(*jobs, return_exceptions=True)

    async def _run(self, task: Task, plan: RenderPlan) -> None:
        production = asyncio.create_task(self._produce(task, plan))
        try:
            await self._advance(task)
            failure = await production
        finally:
            if not production.done():
                production.cancel()
                await asyncio.wait([production])
        self._finish(task, failure)
        shutil.rmtree(self.root / WORK / task.task_id, ignore_errors=True)
        if task.callback_url and task.send_callback:
            self.spawn(CallbackSender(self.state, self.session).deliver(task, task.callback_url))

    async def _advance(self, task: Task) -> None:
        latency = self.state.knobs.latency
        await asyncio.sleep(latency * QUEUEING_AT)
        task.state = TaskState.QUEUEING
        await asyncio.sleep(latency * (GENERATING_AT - QUEUEING_AT))
        task.state = TaskState.GENERATING
        await asyncio.sleep(latency * (1 - GENERATING_AT))

    async def _produce(self, task: Task, plan: RenderPlan) -> Failure | None:
        if task.planned_failure is not None:
            return task.planned_failure
        try:
            task.width, task.height = await self._render(task, plan)
        except (InputImageError, ProbeError):
            return Failure(400, catalog.IMAGE_INFO_MSG)
        except (RenderError, OSError):
            logger.exception("rendering task %s failed", task.task_id)
            return Failure(500, catalog.SERVER_ERROR_MSG)
        return None

    async def _render(self, task: Task, plan: RenderPlan) -> tuple[int, int]:
        knobs = self.state.knobs
        scene = Scene(task.prompt, task.watermark, plan.duration, knobs.fps, knobs.frame_scale)
        out = Outputs(
            self.result_path(task, ".mp4"),
            self.result_path(task, ".png"),
            self.plate_path(task),
            self.work_dir(task),
        )
        size = await self._render_kind(task, plan, scene, out)
        if self.state.knobs.min_video_bytes > 0:
            await asyncio.to_thread(pad_mp4, out.video, self.state.knobs.min_video_bytes)
        return size

    async def _render_kind(
        self, task: Task, plan: RenderPlan, scene: Scene, out: Outputs
    ) -> tuple[int, int]:
        renderer = self.renderer
        if task.kind is TaskKind.ALEPH and plan.source is not None:
            size = catalog.frame_size(plan.aspect_ratio, "720p") if plan.aspect_ratio else None
            style = await self._aleph_style(plan)
            return await renderer.aleph_video(scene, plan.source, size, style, out)
        if task.kind is TaskKind.EXTEND and plan.parent is not None:
            plate = self.plate_path(plan.parent)
            if plate.is_file():
                return await renderer.image_video(scene, plate, plan.quality, out)
            parent_video = self.result_path(plan.parent, ".mp4")
            return await renderer.extend_video(scene, parent_video, plan.quality, out)
        if plan.source is not None:
            return await renderer.image_video(scene, plan.source, plan.quality, out)
        ratio = plan.aspect_ratio or "16:9"
        return await renderer.text_video(scene, ratio, plan.quality, out)

    async def _aleph_style(self, plan: RenderPlan) -> AlephStyle:
        """The seed picks the starting hue (no seed: a random one); a reference image tints."""
        seed = plan.seed if plan.seed is not None else self.state.rng.getrandbits(32)
        hue = zlib.crc32(str(seed).encode()) % 360
        if plan.reference is None:
            return AlephStyle(hue)
        return AlephStyle(hue, await asyncio.to_thread(average_colour, plan.reference))

    def _finish(self, task: Task, failure: Failure | None) -> None:
        task.completed_at = datetime.now()
        task.completed_mono = time.monotonic()
        if failure is not None:
            task.failure = failure
            task.state = TaskState.FAIL
            logger.info("task %s failed: %s", task.task_id, failure.message)
            return
        task.video_id = str(uuid.uuid4())
        task.video_url = self.result_url(task, ".mp4")
        task.image_url = self.result_url(task, ".png")
        task.state = TaskState.SUCCESS
        self.state.charge(task.cost)
        logger.info("task %s succeeded", task.task_id)

    def result_path(self, task: Task, suffix: str) -> Path:
        return self.root / RESULTS / f"{task.task_id}{suffix}"

    def plate_path(self, task: Task) -> Path:
        return self.root / PLATES / f"{task.task_id}.png"

    def result_url(self, task: Task, suffix: str) -> str:
        return f"{task.base_url}/files/{RESULTS}/{task.task_id}{suffix}"

    def expire(self, task: Task) -> None:
        """What 14 days do to a task: the flag turns 1 and the files are gone."""
        task.expired = True
        for suffix in (".mp4", ".png"):
            self.result_path(task, suffix).unlink(missing_ok=True)
        self.plate_path(task).unlink(missing_ok=True)
        logger.info("task %s expired", task.task_id)

    def expire_due(self) -> None:
        """Expire every finished task older than `expire_after`; run before each request."""
        after = self.state.knobs.expire_after
        if after is None:
            return
        now = time.monotonic()
        for task in self.state.tasks.values():
            done = task.completed_mono
            if not task.expired and done is not None and now - done >= after:
                self.expire(task)

    async def hang(self, seconds: float) -> None:
        """Wait `seconds`, or less if the server is stopping (so it never waits for us)."""
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return

    def stop_waiting(self) -> None:
        self._stopping.set()
