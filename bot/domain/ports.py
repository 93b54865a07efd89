"""What the job service needs from the outside world, as interfaces the edges implement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.domain.models import (
    Delivery,
    GenerationRequest,
    Job,
    JobKind,
    JobState,
    MediaFile,
    Origin,
    VideoOptions,
)
from bot.domain.updates import TaskUpdate


class VideoProvider(Protocol):
    """A video generation service. Raises the ProviderError tree from bot.domain.errors."""

    async def upload(self, media: MediaFile) -> str:
        """Put a local file where the provider can fetch it; return its public URL."""
        ...

    async def submit(self, request: GenerationRequest, callback_url: str | None) -> str:
        """Start a task; return its id."""
        ...

    async def fetch(self, kind: JobKind, task_id: str) -> TaskUpdate:
        """Ask how a task is doing (the poll that backs up lost callbacks)."""
        ...

    async def credits(self) -> int:
        """The account's remaining credits."""
        ...


class Notifier(Protocol):
    """The chat side: status messages, delivered videos, failure reports."""

    async def show_status(self, job: Job) -> int | None:
        """Send or edit the job's status message; return the id of a newly sent one."""
        ...

    async def deliver(self, job: Job) -> Delivery:
        """Send the finished video; raise RecipientGoneError when the chat refuses us for good."""
        ...

    async def report_failure(self, job: Job) -> None:
        """Tell the user, in the job's status message, that and why the job failed."""
        ...


@dataclass(frozen=True, slots=True)
class NewJob:
    kind: JobKind
    prompt: str
    options: VideoOptions
    origin: Origin
    callback_token: str
    created_at: datetime
    parent_task_id: str | None = None
    cost: int = 0
    publish_channel_id: int | None = None
    source_id: str | None = None


@dataclass(frozen=True, slots=True)
class UsageRow:
    user_id: int
    jobs: int
    credits: int


class JobStore(Protocol):
    """Persistent jobs. A state change is one conditional statement: two writers never both win."""

    async def create(self, new: NewJob) -> Job: ...
    async def get(self, job_id: int) -> Job | None: ...
    async def by_task_id(self, task_id: str) -> Job | None: ...
    async def by_callback_token(self, token: str) -> Job | None: ...
    async def by_delivery(self, chat_id: int, message_id: int) -> Job | None: ...
    async def recent(self, chat_id: int, limit: int) -> list[Job]: ...
    async def active(self, chat_id: int) -> list[Job]: ...
    async def chain(self, job_id: int) -> list[Job]:
        """The job and its ancestors through parent_task_id, oldest first."""
        ...

    async def set_status_message(self, job_id: int, message_id: int) -> None: ...

    async def mark_submitted(
        self, job_id: int, task_id: str, next_poll_at: datetime, now: datetime
    ) -> Job | None:
        """SUBMITTING -> QUEUED with the provider's task id. A job that a callback already moved
        on (it found the job by its token) keeps its state and gains the task id. None when the
        job has a task id and has moved on."""
        ...

    async def advance(
        self,
        job_id: int,
        to: JobState,
        now: datetime,
        *,
        video_url: str | None = None,
        image_url: str | None = None,
        failure_code: str | None = None,
        failure_message: str | None = None,
    ) -> Job | None:
        """Move to a state of a strictly higher stage (see STAGE_OF); None if that would go
        backwards or sideways, so terminal states stay final."""
        ...

    async def mark_delivered(self, job_id: int, delivery: Delivery, now: datetime) -> Job | None:
        """SUCCEEDED -> DELIVERED and the delivered message, in one statement."""
        ...

    async def mark_undeliverable(self, job_id: int, reason: str, now: datetime) -> Job | None:
        """SUCCEEDED -> UNDELIVERABLE."""
        ...

    async def mark_failure_reported(self, job_id: int) -> None: ...
    async def schedule_poll(self, job_id: int, next_poll_at: datetime, poll_count: int) -> None: ...
    async def due_for_poll(self, now: datetime, limit: int) -> list[Job]:
        """QUEUED or GENERATING jobs whose next_poll_at has come."""
        ...

    async def unfinished_business(self) -> list[Job]:
        """SUBMITTING jobs, SUCCEEDED jobs, and FAILED jobs not yet reported: the start-up sweep."""
        ...

    async def count_created_since(self, user_id: int, since: datetime) -> int: ...
    async def count_active_for_user(self, user_id: int) -> int: ...
    async def oldest_created_since(self, user_id: int, since: datetime) -> datetime | None: ...
    async def usage_since(self, since: datetime) -> list[UsageRow]: ...
    async def count_by_state(self) -> dict[JobState, int]: ...
    async def chat_options(self, chat_id: int) -> VideoOptions | None: ...
    async def save_chat_options(self, chat_id: int, options: VideoOptions) -> None: ...
    async def bind_channel(self, chat_id: int, channel_id: int, title: str) -> None: ...
    async def bound_channel(self, chat_id: int) -> tuple[int, str] | None: ...
    async def ping(self) -> None: ...
