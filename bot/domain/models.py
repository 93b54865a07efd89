"""What a job is: the request a user made, where it came from, and how far it has got."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from pathlib import Path


class JobKind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    EXTEND = "extend"
    ALEPH = "aleph"


class AspectRatio(StrEnum):
    WIDE = "16:9"
    TALL = "9:16"
    SQUARE = "1:1"
    CLASSIC = "4:3"
    PORTRAIT = "3:4"


class Quality(StrEnum):
    HD = "720p"
    FULL_HD = "1080p"


class JobState(StrEnum):
    SUBMITTING = "submitting"  # our row exists; the provider has not answered yet
    QUEUED = "queued"
    GENERATING = "generating"
    SUCCEEDED = "succeeded"  # the video exists at the provider; not yet in the chat
    DELIVERED = "delivered"
    UNDELIVERABLE = "undeliverable"  # the chat refuses us (blocked, kicked)
    FAILED = "failed"
    CANCELLED = "cancelled"


class Stage(IntEnum):
    """Progress order: an update may only move a job to a higher stage."""

    SUBMITTING = 0
    RUNNING = 1
    GENERATING = 2
    FINISHED = 3
    CLOSED = 4


STAGE_OF: dict[JobState, Stage] = {
    JobState.SUBMITTING: Stage.SUBMITTING,
    JobState.QUEUED: Stage.RUNNING,
    JobState.GENERATING: Stage.GENERATING,
    JobState.SUCCEEDED: Stage.FINISHED,
    JobState.FAILED: Stage.FINISHED,
    JobState.CANCELLED: Stage.FINISHED,
    JobState.DELIVERED: Stage.CLOSED,
    JobState.UNDELIVERABLE: Stage.CLOSED,
}

ACTIVE_STATES = frozenset({JobState.SUBMITTING, JobState.QUEUED, JobState.GENERATING})


@dataclass(frozen=True, slots=True)
class VideoOptions:
    """The knobs of one generation; `aspect_ratio` is None where the input decides it."""

    aspect_ratio: AspectRatio | None = AspectRatio.WIDE
    duration: int = 5
    quality: Quality = Quality.HD
    watermark: str = ""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from, and so where every answer to it goes."""

    chat_id: int
    user_id: int | None
    request_message_id: int | None
    thread_id: int | None = None
    language: str = "en"


@dataclass(frozen=True, slots=True)
class MediaFile:
    """A user's photo or video, already downloaded to a local file."""

    path: Path
    filename: str
    size: int
    source_id: str | None = None  # how the chat side can fetch it again (a Telegram file_id)


@dataclass(frozen=True, slots=True)
class Draft:
    """A request as parsed from chat, before the rules and the provider have seen it."""

    kind: JobKind
    prompt: str
    options: VideoOptions
    media: MediaFile | None = None
    parent_task_id: str | None = None


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """A request that passed the rules, with its media already at the provider."""

    kind: JobKind
    prompt: str
    options: VideoOptions
    image_url: str | None = None
    video_url: str | None = None
    parent_task_id: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """The Telegram message that carries a job's video."""

    chat_id: int
    message_id: int
    file_id: str | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """Our record of one provider task, from the request to the delivered message."""

    id: int
    kind: JobKind
    prompt: str
    options: VideoOptions
    origin: Origin
    callback_token: str
    state: JobState
    created_at: datetime
    updated_at: datetime
    task_id: str | None = None
    parent_task_id: str | None = None
    status_message_id: int | None = None
    video_url: str | None = None
    image_url: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    failure_reported: bool = False
    delivery: Delivery | None = None
    next_poll_at: datetime | None = None
    poll_count: int = 0
    cost: int = 0
    publish_channel_id: int | None = None
    source_id: str | None = None  # the input photo or video, for Regenerate

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES
