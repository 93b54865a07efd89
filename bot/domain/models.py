"""What a job is: the request a user made, where it came from, and how far it has got."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.domain.tools import ToolRequest


class JobKind(StrEnum):
    TEXT = "text"  # a clip from a prompt
    IMAGE = "image"  # a photo animated
    EXTEND = "extend"  # a clip continued
    ALEPH = "aleph"  # a video restyled
    TOOL = "tool"  # a picture, an edit or facts about media: see Job.tool


VIDEO_KINDS = frozenset({JobKind.TEXT, JobKind.IMAGE, JobKind.EXTEND, JobKind.ALEPH})


class ResultKind(StrEnum):
    """What a finished job hands back to the chat."""

    VIDEO = "video"
    PHOTO = "photo"
    AUDIO = "audio"
    TEXT = "text"


class PaymentMethod(StrEnum):
    BALANCE = "balance"  # taken from the user's prepaid Stars
    INVOICE = "invoice"  # paid by an invoice of its own


class AspectRatio(StrEnum):
    WIDE = "16:9"
    TALL = "9:16"
    SQUARE = "1:1"
    CLASSIC = "4:3"
    PORTRAIT = "3:4"
    CINEMA = "21:9"  # Aleph only


class Engine(StrEnum):
    """Who does a job's work."""

    KIE = "kie"  # kie.ai's asynchronous Runway API: task ids, callbacks, polling
    RUNWAY_AI = "runway-ai"  # the synchronous Runway AI API: the answer is the result
    LOCAL = "local"  # the bundled ffmpeg and Pillow


class Quality(StrEnum):
    HD = "720p"
    FULL_HD = "1080p"


class JobState(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"  # an invoice is out; nothing is spent or sent
    WAITING = "waiting"  # in line for the provider; nothing has been sent
    SUBMITTING = "submitting"  # the request is on its way, or its answer never came
    QUEUED = "queued"
    GENERATING = "generating"
    SUCCEEDED = "succeeded"  # the video exists at the provider; not yet in the chat
    DELIVERED = "delivered"
    UNDELIVERABLE = "undeliverable"  # the chat refuses us (blocked, kicked)
    FAILED = "failed"
    CANCELLED = "cancelled"


class Stage(IntEnum):
    """Progress order: an update may only move a job to a higher stage."""

    PAYING = 0
    WAITING = 1
    SUBMITTING = 2
    RUNNING = 3
    GENERATING = 4
    FINISHED = 5
    CLOSED = 6


STAGE_OF: dict[JobState, Stage] = {
    JobState.AWAITING_PAYMENT: Stage.PAYING,
    JobState.WAITING: Stage.WAITING,
    JobState.SUBMITTING: Stage.SUBMITTING,
    JobState.QUEUED: Stage.RUNNING,
    JobState.GENERATING: Stage.GENERATING,
    JobState.SUCCEEDED: Stage.FINISHED,
    JobState.FAILED: Stage.FINISHED,
    JobState.CANCELLED: Stage.FINISHED,
    JobState.DELIVERED: Stage.CLOSED,
    JobState.UNDELIVERABLE: Stage.CLOSED,
}

# For each state, the states of a lower stage: where a job may come from to move there.
EARLIER: dict[JobState, frozenset[JobState]] = {
    to: frozenset(state for state in JobState if STAGE_OF[state] < STAGE_OF[to]) for to in JobState
}

# Jobs that hold one of a user's active slots: on their way to a result.
ACTIVE_STATES = frozenset(
    {JobState.WAITING, JobState.SUBMITTING, JobState.QUEUED, JobState.GENERATING}
)
# Jobs that still need the bot: every one of them has a due time (see Job.due_at).
OPEN_STATES = ACTIVE_STATES | {JobState.AWAITING_PAYMENT, JobState.SUCCEEDED}
FINAL_STATES = frozenset(
    {JobState.DELIVERED, JobState.UNDELIVERABLE, JobState.FAILED, JobState.CANCELLED}
)


class FailureReason(StrEnum):
    """Why a job ended without a result, in words the chat side can explain."""

    MODERATION = "moderation"  # the provider's moderation refused the prompt or the media
    BAD_INPUT = "bad_input"  # the photo or video could not be used
    REFUSED = "refused"  # the provider refused the request as asked
    NO_CREDITS = "no_credits"
    MISCONFIGURED = "misconfigured"  # the key is refused, or the feature is switched off
    PROVIDER_DOWN = "provider_down"  # the provider stayed unreachable or busy
    GENERATION_FAILED = "generation_failed"  # the provider took it and could not make it
    NO_RESULT = "no_result"  # the provider said done but sent nothing
    TIMEOUT = "timeout"  # not finished within JOB_TIMEOUT_SECONDS
    UNCONFIRMED = "unconfirmed"  # the provider never confirmed the request
    INTERRUPTED = "interrupted"  # cut off by restarts more often than it may be retried
    EXPIRED = "expired"  # the input is no longer at the provider
    UNPAID = "unpaid"  # the invoice was not paid in time


@dataclass(frozen=True, slots=True)
class VideoOptions:
    """The knobs of one generation; `aspect_ratio` is None where the input decides it.
    `seed` is Aleph's only."""

    aspect_ratio: AspectRatio | None = AspectRatio.WIDE
    duration: int = 5
    quality: Quality = Quality.HD
    watermark: str = ""
    seed: int | None = None


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
    reference: MediaFile | None = None  # Aleph's reference image; the style for /style
    tool: ToolRequest | None = None  # what a TOOL draft asks for
    engine: Engine | None = None  # None: the chat's or the bot's default
    input_url: str | None = None  # an input already at the provider
    note: str | None = None  # a catalog key the status shows (e.g. "continued from a frame")


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """A request that passed the rules, with its media already at the provider."""

    kind: JobKind
    prompt: str
    options: VideoOptions
    image_url: str | None = None
    video_url: str | None = None
    parent_task_id: str | None = None
    reference_url: str | None = None  # Aleph's reference image


@dataclass(frozen=True, slots=True)
class Result:
    """What the provider (or a local tool) made. `url` is where the provider keeps it (None for
    text and for local files, which are delivered as they are made); `poster_url` is the
    provider's still of a video."""

    kind: ResultKind
    url: str | None = None
    poster_url: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a job ended without a result; `detail` is the provider's own words, if any."""

    reason: FailureReason
    detail: str = ""
    code: str = ""  # the provider's code, for logs and metrics


@dataclass(frozen=True, slots=True)
class Delivery:
    """The Telegram message that carries a job's result. `message_id` is None when Telegram
    did not confirm the send in time: the result may be in the chat, and is not sent again."""

    chat_id: int
    message_id: int | None
    file_id: str | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """Our record of one request, from the chat to the delivered result."""

    id: int
    kind: JobKind
    prompt: str
    options: VideoOptions
    origin: Origin
    callback_token: str  # in the callback URL; a new one for each submission
    state: JobState
    created_at: datetime
    updated_at: datetime
    engine: Engine = Engine.KIE
    tool: ToolRequest | None = None  # the tool request of a TOOL job
    task_id: str | None = None
    parent_task_id: str | None = None
    status_message_id: int | None = None
    result: Result | None = None
    failure: Failure | None = None
    failure_reported: bool = False
    delivery: Delivery | None = None
    due_at: datetime | None = None  # when the bot must next look at it; None once final
    checks: int = 0  # polls (or delivery rounds) so far
    attempt: int = 0  # submissions made; temporary failures submit again
    submitted_at: datetime | None = None  # when the current submission left
    cost: int = 0  # estimated provider credits
    price_stars: int = 0
    payment: PaymentMethod | None = None
    publish_channel_id: int | None = None
    source_id: str | None = None  # the input photo or video (a Telegram file_id)
    reference_id: str | None = None  # Aleph's reference image, the style for /style
    input_url: str | None = None  # the input as the provider fetches it
    reference_url: str | None = None
    note: str | None = None  # a catalog key the status shows beside the state

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def video_url(self) -> str | None:
        """The result's URL when it is a video."""
        result = self.result
        return result.url if result and result.kind is ResultKind.VIDEO else None
