"""The chat side's reads and small writes: history, chains, chat defaults, prompts, channels,
usage. Knows nothing about Telegram."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from bot.domain.errors import JobNotFoundError, UserError
from bot.domain.models import (
    Draft,
    Engine,
    Job,
    JobKind,
    JobState,
    MediaFile,
    Quality,
    VideoOptions,
)
from bot.domain.policy import ServicePolicy
from bot.domain.ports import (
    ChatSettings,
    JobStore,
    MediaSource,
    PendingPrompt,
    UsageRow,
    VideoProvider,
)
from bot.domain.rules import check_duration_and_quality, check_watermark
from bot.domain.service import Clock, JobService, Place

HISTORY_PAGE = 10
USAGE_WINDOW = timedelta(days=30)
# The provider deletes results after 14 days; a little sooner, a request could race it.
PROVIDER_KEEPS = timedelta(days=14) - timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Usage:
    today: list[UsageRow]
    month: list[UsageRow]


@dataclass(frozen=True, slots=True)
class Channel:
    id: int
    title: str


class ExtendWay(StrEnum):
    """How a delivered video can be continued."""

    EXTEND = "extend"  # the provider's own extend, from its task
    LAST_FRAME = "last_frame"  # a new clip from the video's last frame (image to video)
    NONE = "none"  # nothing to continue from


@dataclass(frozen=True, slots=True)
class ActiveJob:
    job: Job
    place: Place | None


class Joiner(Protocol):
    """Joins video files into one (bot/media/stitch)."""

    async def join(self, parts: list[Path], out: Path) -> Path: ...


class ChatService:
    """What the handlers ask for besides submitting jobs."""

    def __init__(
        self,
        service: JobService,
        *,
        media: MediaSource | None = None,
        joiner: Joiner | None = None,
    ) -> None:
        self._service = service
        self._media = media
        self._joiner = joiner

    @property
    def store(self) -> JobStore:
        return self._service.store

    @property
    def provider(self) -> VideoProvider:
        return self._service.provider

    @property
    def policy(self) -> ServicePolicy:
        return self._service.policy

    @property
    def clock(self) -> Clock:
        return self._service.clock

    # -- jobs ---------------------------------------------------------------------------------

    async def job(self, job_id: int) -> Job:
        job = await self.store.get(job_id)
        if job is None:
            raise JobNotFoundError(f"job {job_id} is gone")
        return job

    async def job_in_chat(self, job_id: int, chat_id: int) -> Job:
        """The job, if it belongs to this chat (a button or a command names it by number)."""
        job = await self.job(job_id)
        if job.origin.chat_id != chat_id:
            raise JobNotFoundError(f"job {job_id} is not in chat {chat_id}")
        return job

    async def delivered(self, chat_id: int, message_id: int) -> Job | None:
        """The job whose result is this message, if the bot delivered it."""
        return await self.store.by_delivery(chat_id, message_id)

    async def active(self, chat_id: int) -> list[ActiveJob]:
        """The chat's running jobs, newest first, each waiting one with its place in line."""
        jobs = await self.store.active(chat_id)
        return [ActiveJob(job, await self._service.place_of(job)) for job in jobs]

    async def chain(self, job_id: int) -> list[Job]:
        """The job and the videos it extends, oldest first."""
        return await self.store.chain(job_id)

    async def history(
        self, chat_id: int, before_id: int | None = None, limit: int = HISTORY_PAGE
    ) -> list[list[Job]]:
        """A page of recent jobs grouped into chains (each oldest first), newest chain first."""
        jobs = sorted(await self.store.recent(chat_id, limit, before_id), key=lambda job: job.id)
        by_task = {job.task_id: job for job in jobs if job.task_id}
        chains: dict[int, list[Job]] = {}
        for job in jobs:
            root = _root(job, by_task)
            chains.setdefault(root.id, []).append(job)
        return sorted(chains.values(), key=lambda chain: chain[-1].id, reverse=True)

    def expired(self, job: Job) -> bool:
        """True once the provider has deleted the job's files (14 days after it finished)."""
        return self.clock() - job.updated_at > PROVIDER_KEEPS

    async def cancel(
        self, job: Job, user_id: int | None, *, chat_admin: bool = False
    ) -> Job | None:
        """Cancel this job if the user may (its requester, a chat admin or a bot admin) and it
        is still open; a job still in line is never sent."""
        unpaid = job.state is JobState.AWAITING_PAYMENT
        if not (chat_admin or self._service.may_cancel(job, user_id)) or not (job.active or unpaid):
            return None
        return await self._service.cancel(job)

    async def cancel_latest(self, chat_id: int, user_id: int | None) -> Job | None:
        return await self._service.cancel_latest(chat_id, user_id)

    # -- drafts from earlier jobs ---------------------------------------------------------------

    def extend_way(self, parent: Job) -> ExtendWay:
        """The provider extends its own Runway tasks for 14 days; anything else is continued
        from its last frame, when the bot has the video in Telegram."""
        extendable = parent.kind in {JobKind.TEXT, JobKind.IMAGE, JobKind.EXTEND}
        if (
            extendable
            and parent.engine is Engine.KIE
            and parent.task_id
            and parent.state is JobState.DELIVERED
            and not self.expired(parent)
        ):
            return ExtendWay.EXTEND
        if parent.delivery is not None and parent.delivery.file_id:
            return ExtendWay.LAST_FRAME
        return ExtendWay.NONE

    def extend_draft(
        self, parent: Job, prompt: str, quality: Quality | None, watermark: str | None
    ) -> Draft:
        """Continue `parent` by the provider's extend, keeping its quality and watermark."""
        options = replace(
            parent.options,
            quality=quality or parent.options.quality,
            watermark=parent.options.watermark if watermark is None else watermark,
        )
        return Draft(JobKind.EXTEND, prompt, options, parent_task_id=parent.task_id)

    async def last_frame_draft(
        self, parent: Job | None, prompt: str, options: VideoOptions, video: MediaFile
    ) -> Draft:
        """A new clip from a video's last frame (image to video), in the chain of `parent`
        when there is one: how a clip the provider cannot extend is continued."""
        fitter = self._service.fitter
        if fitter is None:
            raise UserError("extend.impossible")
        frame = await fitter.last_frame(video, video.path.parent)
        return Draft(
            JobKind.IMAGE,
            prompt,
            replace(options, aspect_ratio=None, seed=None),
            frame,
            parent_task_id=parent.task_id if parent else None,
            note="note.last_frame",
        )

    def regenerate_draft(
        self, job: Job, media: MediaFile | None = None, reference: MediaFile | None = None
    ) -> Draft:
        """The same request again; photo and video jobs need their media back."""
        return Draft(
            job.kind,
            job.prompt,
            job.options,
            media,
            job.parent_task_id,
            reference=reference,
            tool=job.tool,
            engine=job.engine,
            note=job.note,
        )

    async def stitch(self, job: Job, workdir: Path) -> tuple[Path, int]:
        """The chain ending in `job` joined into one video, from the chat's own copies of its
        parts (so a chain of any age can be joined); and how many parts it has."""
        chain = await self.chain(job.id)
        if len(chain) < 2:
            raise UserError("stitch.not_chain")
        ids = [part.delivery.file_id for part in chain if part.delivery]
        if len(ids) < len(chain) or None in ids or self._media is None or self._joiner is None:
            raise UserError("stitch.missing")
        parts = [
            (await self._media.fetch(file_id, f"part-{n:03d}.mp4", workdir)).path
            for n, file_id in enumerate(ids)
            if file_id is not None
        ]
        return await self._joiner.join(parts, workdir / f"chain-{job.id}.mp4"), len(chain)

    # -- chat settings, prompts and channels ---------------------------------------------------

    async def settings(self, chat_id: int) -> ChatSettings:
        return await self.store.chat_settings(chat_id) or ChatSettings()

    async def defaults(self, chat_id: int) -> VideoOptions:
        return (await self.settings(chat_id)).options

    async def save_defaults(self, chat_id: int, options: VideoOptions) -> VideoOptions:
        """Store the chat's defaults; a combination the provider refuses raises first."""
        check_duration_and_quality(options.duration, options.quality.value)
        check_watermark(options.watermark)
        current = await self.settings(chat_id)
        await self.store.save_chat_settings(chat_id, replace(current, options=options))
        return options

    async def save_engine(self, chat_id: int, engine: Engine | None) -> None:
        current = await self.settings(chat_id)
        await self.store.save_chat_settings(chat_id, replace(current, engine=engine))

    async def remember_prompt(self, chat_id: int, message_id: int, prompt: PendingPrompt) -> None:
        expires = self.clock() + timedelta(seconds=self.policy.timing.prompt_ttl)
        await self.store.save_prompt(chat_id, message_id, prompt, expires)

    async def prompt(self, chat_id: int, message_id: int) -> PendingPrompt | None:
        return await self.store.prompt(chat_id, message_id, self.clock())

    async def forget_prompt(self, chat_id: int, message_id: int) -> None:
        await self.store.drop_prompt(chat_id, message_id)

    async def bind_channel(self, chat_id: int, channel: Channel) -> None:
        await self.store.bind_channel(chat_id, channel.id, channel.title)

    async def bound_channel(self, chat_id: int) -> Channel | None:
        bound = await self.store.bound_channel(chat_id)
        return Channel(*bound) if bound else None

    # -- admin ----------------------------------------------------------------------------------

    def is_admin(self, user_id: int | None) -> bool:
        return self.policy.access.is_admin(user_id)

    async def balance(self) -> int:
        return await self.provider.credits()

    async def usage(self) -> Usage:
        now = self.clock()
        midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return Usage(
            today=await self.store.usage_since(midnight),
            month=await self.store.usage_since(now - USAGE_WINDOW),
        )


def _root(job: Job, by_task: dict[str, Job]) -> Job:
    seen = {job.id}
    while job.parent_task_id is not None and job.parent_task_id in by_task:
        parent = by_task[job.parent_task_id]
        if parent.id in seen:
            break
        seen.add(parent.id)
        job = parent
    return job
