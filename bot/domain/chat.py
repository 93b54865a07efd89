"""The chat side's reads and small writes: history, chains, chat defaults, channels, usage."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, timedelta

from bot.domain.errors import JobNotFoundError
from bot.domain.models import Draft, Job, JobKind, MediaFile, Quality, VideoOptions
from bot.domain.policy import ServicePolicy
from bot.domain.ports import JobStore, UsageRow, VideoProvider
from bot.domain.rules import check_duration_and_quality
from bot.domain.service import Clock, JobService

HISTORY_LIMIT = 10
USAGE_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Usage:
    today: list[UsageRow]
    month: list[UsageRow]


@dataclass(frozen=True, slots=True)
class Channel:
    id: int
    title: str


class ChatService:
    """What the handlers ask for besides submitting jobs; knows nothing about Telegram."""

    def __init__(self, service: JobService) -> None:
        self.store: JobStore = service.store
        self.provider: VideoProvider = service.provider
        self.policy: ServicePolicy = service.policy
        self.clock: Clock = service.clock

    # -- jobs ---------------------------------------------------------------------------------

    async def job(self, job_id: int) -> Job:
        job = await self.store.get(job_id)
        if job is None:
            raise JobNotFoundError(f"job {job_id} is gone")
        return job

    async def delivered(self, chat_id: int, message_id: int) -> Job | None:
        """The job whose video is this message, if the bot delivered it."""
        return await self.store.by_delivery(chat_id, message_id)

    async def active(self, chat_id: int) -> list[Job]:
        return await self.store.active(chat_id)

    async def chain(self, job_id: int) -> list[Job]:
        """The job and the videos it extends, oldest first."""
        return await self.store.chain(job_id)

    async def history(self, chat_id: int, limit: int = HISTORY_LIMIT) -> list[list[Job]]:
        """Recent jobs grouped into chains (each oldest first), newest chain first."""
        jobs = sorted(await self.store.recent(chat_id, limit), key=lambda job: job.id)
        by_task = {job.task_id: job for job in jobs if job.task_id}
        chains: dict[int, list[Job]] = {}
        for job in jobs:
            root = _root(job, by_task)
            chains.setdefault(root.id, []).append(job)
        return sorted(chains.values(), key=lambda chain: chain[-1].id, reverse=True)

    # -- drafts from earlier jobs ---------------------------------------------------------------

    def extend_draft(
        self, parent: Job, prompt: str, quality: Quality | None, watermark: str | None
    ) -> Draft:
        """Continue `parent`, keeping its quality and watermark unless given."""
        options = replace(
            parent.options,
            quality=quality or parent.options.quality,
            watermark=parent.options.watermark if watermark is None else watermark,
        )
        return Draft(JobKind.EXTEND, prompt, options, parent_task_id=parent.task_id)

    def regenerate_draft(self, job: Job, media: MediaFile | None = None) -> Draft:
        """The same request again; photo and video jobs need their media back."""
        return Draft(job.kind, job.prompt, job.options, media, job.parent_task_id)

    # -- chat settings and channels ---------------------------------------------------------------

    async def defaults(self, chat_id: int) -> VideoOptions:
        return await self.store.chat_options(chat_id) or VideoOptions()

    async def save_defaults(self, chat_id: int, options: VideoOptions) -> VideoOptions:
        """Store the chat's defaults; a combination the provider refuses raises first."""
        check_duration_and_quality(options.duration, options.quality.value)
        await self.store.save_chat_options(chat_id, options)
        return options

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
