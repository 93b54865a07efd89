"""What the job service needs from the outside world, as interfaces the edges implement."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.domain.models import (
    Delivery,
    Engine,
    Failure,
    GenerationRequest,
    Job,
    JobKind,
    JobState,
    MediaFile,
    Origin,
    PaymentMethod,
    Result,
    VideoOptions,
)
from bot.domain.tools import ToolRequest

if TYPE_CHECKING:
    from bot.domain.service import Place
from bot.domain.updates import TaskUpdate


class VideoProvider(Protocol):
    """An asynchronous video service (kie.ai). Raises the ProviderError tree; a submission
    whose outcome cannot be known raises OutcomeUnknownError and must not be repeated."""

    async def upload(self, media: MediaFile) -> str:
        """Put a local file where the provider can fetch it; return its public URL."""
        ...

    async def submit(
        self,
        request: GenerationRequest,
        callback_url: str | None,
        on_send: Callable[[], Awaitable[None]] | None = None,
    ) -> str:
        """Start a task; return its id. `on_send` runs once, just before the request leaves
        (after any wait for the provider's rate limit)."""
        ...

    def wait_before(self, ahead: int) -> float:
        """About how long a submission with `ahead` others before it waits for the provider's
        rate limit: what a place in line is worth."""
        ...

    async def fetch(self, kind: JobKind, task_id: str) -> TaskUpdate:
        """Ask how a task is doing (the poll that backs up lost callbacks)."""
        ...

    async def credits(self) -> int:
        """The account's remaining credits."""
        ...


class Notifier(Protocol):
    """The chat side: status messages, delivered results, failure reports."""

    async def show_status(self, job: Job, place: Place | None = None) -> int | None:
        """Send or edit the job's status (with its place in line while it waits); return the
        id of a newly sent status message."""
        ...

    async def deliver(self, job: Job, file: Path | None = None) -> Delivery:
        """Send the finished result (`file` when a local tool made it); raise
        RecipientGoneError when the chat refuses us for good, ResultUnavailableError when the
        result cannot be fetched. A send Telegram did not confirm in time returns a Delivery
        without message id."""
        ...

    async def report_failure(self, job: Job) -> None:
        """Tell the user that and why the job failed."""
        ...


class AdminChannel(Protocol):
    """Private messages to the bot's admins: operator alerts (bot/domain/alerts.py)."""

    async def tell_admins(self, key: str, params: Mapping[str, object]) -> None:
        """Send the catalog text `key`, filled with `params`, to every admin; a refusal is
        logged, not raised."""
        ...


class InputFitter(Protocol):
    """Makes a user's media fit the provider's limits before it is uploaded (bot/media)."""

    async def fit_photo(self, media: MediaFile, workdir: Path) -> MediaFile:
        """A JPEG under 10 MB; raises UserError when the file is not a readable photo."""
        ...

    async def fit_aleph_video(self, media: MediaFile, workdir: Path) -> tuple[MediaFile, bool]:
        """An MP4 of at most 5 s and 10 MB, and whether it had to be changed."""
        ...

    async def last_frame(self, media: MediaFile, workdir: Path) -> MediaFile:
        """A video's last frame as a JPEG, to continue a clip that cannot be extended."""
        ...


class MediaSource(Protocol):
    """Fetches a user's media again by the chat's own id for it (a Telegram file_id)."""

    async def fetch(self, file_id: str, filename: str, workdir: Path) -> MediaFile: ...


class MediaPublisher(Protocol):
    """Gives a local file a URL a provider can fetch (never a Telegram file URL)."""

    async def publish(self, media: MediaFile) -> str: ...


@dataclass(frozen=True, slots=True)
class NewJob:
    kind: JobKind
    prompt: str
    options: VideoOptions
    origin: Origin
    callback_token: str
    created_at: datetime
    state: JobState = JobState.WAITING
    engine: Engine = Engine.KIE
    tool: ToolRequest | None = None
    parent_task_id: str | None = None
    cost: int = 0
    price_stars: int = 0
    payment: PaymentMethod | None = None
    publish_channel_id: int | None = None
    source_id: str | None = None
    reference_id: str | None = None
    input_url: str | None = None
    reference_url: str | None = None
    note: str | None = None
    due_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UsageRow:
    user_id: int
    jobs: int
    credits: int


class Awaiting(StrEnum):
    """What a ForceReply prompt of ours asks for."""

    EXTEND = "extend"
    RESTYLE = "restyle"
    WATERMARK = "watermark"
    # the parameters of a tool chosen under the Tools button
    TRIM = "trim"
    SPEED = "speed"
    RESIZE = "resize"
    PHOTO_SIZE = "photo-size"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class PendingPrompt:
    """A ForceReply the bot sent and waits an answer to: what it asks for, for which job."""

    awaiting: Awaiting
    job_id: int | None = None
    user_id: int | None = None  # who may answer it (None: anyone in the chat)


@dataclass(frozen=True, slots=True)
class ChatSettings:
    """A chat's defaults: video options and, where both engines are configured, the engine."""

    options: VideoOptions = field(default_factory=VideoOptions)
    engine: Engine | None = None


@dataclass(frozen=True, slots=True)
class JobRef:
    """What a callback URL's token names, read without the rest of the row: the job, the
    token itself, and the provider's task (None until the submission's answer came)."""

    id: int
    callback_token: str
    task_id: str | None


@dataclass(frozen=True, slots=True)
class Claim:
    """Who holds a job for a while: a replica's name and until when."""

    owner: str
    until: datetime


class JobStore(Protocol):
    """Persistent jobs. A state change is one conditional statement: two writers never both win,
    on one process or on several replicas."""

    backend: str  # "sqlite" or "postgres", for /healthz and logs

    # -- creating and finding -----------------------------------------------------------------

    async def create(self, new: NewJob) -> Job: ...
    async def get(self, job_id: int) -> Job | None: ...
    async def by_callback_token(self, token: str) -> JobRef | None: ...
    async def by_delivery(self, chat_id: int, message_id: int) -> Job | None: ...
    async def by_status_message(self, chat_id: int, message_id: int) -> list[Job]:
        """Every job whose status is shown in this message (a group's shared status)."""
        ...

    async def recent(self, chat_id: int, limit: int, before_id: int | None = None) -> list[Job]:
        """The chat's jobs, newest first, older than `before_id` when given."""
        ...

    async def delivered_videos(
        self, user_id: int, words: Sequence[str], limit: int, before_id: int | None = None
    ) -> list[Job]:
        """The user's delivered videos (from any chat, each with its Telegram file_id) whose
        prompt contains every one of `words`, ignoring case; newest first, older than
        `before_id` when given."""
        ...

    async def active(self, chat_id: int) -> list[Job]: ...
    async def chain(self, job_id: int) -> list[Job]:
        """The job and its ancestors through parent_task_id, oldest first."""
        ...

    async def waiting_ahead(self, job: Job) -> int:
        """How many jobs of the same engine are in line before this WAITING job."""
        ...

    async def waiting(self, limit: int) -> list[Job]:
        """WAITING jobs, first in line first."""
        ...

    # -- state changes --------------------------------------------------------------------------

    async def set_status_message(self, job_id: int, message_id: int) -> None: ...

    async def extend_claims(self, job_ids: Collection[int], claim: Claim) -> list[int]:
        """Hold the jobs among `job_ids` that this worker still holds, undelivered, until
        `claim.until` (a delivery waiting for flood budget outlasts a claim), in one
        statement; the ids it still holds."""
        ...

    async def claim_next(self, engine: Engine, claim: Claim, now: datetime) -> Job | None:
        """The first WAITING job of `engine` whose due time has come becomes SUBMITTING, held
        by `claim` (not yet sent: `submitted_at` stays empty). None when the line is empty."""
        ...

    async def mark_sending(self, job_id: int, token: str, now: datetime) -> Job | None:
        """The request leaves now: `submitted_at` = now and `attempt` + 1. A job found in
        SUBMITTING without `submitted_at` was never sent and may go back in line."""
        ...

    async def mark_submitted(
        self, job_id: int, token: str, task_id: str, due_at: datetime, now: datetime
    ) -> Job | None:
        """SUBMITTING -> QUEUED with the provider's task id, for the submission that carried
        `token`. A job that a callback already moved on keeps its state and gains the task id.
        None when another submission or update won."""
        ...

    async def requeue(
        self,
        job_id: int,
        token: str,
        new_token: str,
        due_at: datetime,
        now: datetime,
        *,
        attempt: int,
        checks: int = 0,
    ) -> Job | None:
        """Back in line (WAITING, no task id, a new callback token, the given `attempt` and
        `checks`) after a refusal that did no work or a failure worth trying again; only while
        the job still carries `token`."""
        ...

    async def advance(
        self,
        job_id: int,
        to: JobState,
        now: datetime,
        *,
        result: Result | None = None,
        failure: Failure | None = None,
        task_id: str | None = None,
        due_at: datetime | None = None,
        claim: Claim | None = None,
        token: str | None = None,
    ) -> Job | None:
        """Move to a state of a strictly higher stage (see STAGE_OF) up to FINISHED; None if
        that would go backwards or sideways, or (with `token`) if the job has since been
        submitted again: an update about an earlier submission changes nothing. `task_id`
        fills a missing one (a callback that overtook its submission); `claim` holds the moved
        job (for its delivery). Every open state has a due time: `due_at`, or now when it is
        not given (CANCELLED has none)."""
        ...

    async def mark_delivered(self, job_id: int, delivery: Delivery, now: datetime) -> Job | None:
        """SUCCEEDED -> DELIVERED and the delivered message, in one statement."""
        ...

    async def mark_undeliverable(self, job_id: int, detail: str, now: datetime) -> Job | None:
        """SUCCEEDED -> UNDELIVERABLE."""
        ...

    async def mark_failure_reported(self, job_id: int) -> None: ...

    async def reschedule(
        self, job_id: int, due_at: datetime | None, checks: int, owner: str | None = None
    ) -> None:
        """Set when the job is next due and release the claim `owner` holds on it."""
        ...

    async def claim_due(self, now: datetime, claim: Claim, limit: int) -> list[Job]:
        """Open jobs (except WAITING, which the line hands out) whose due time has come and
        that nobody holds, held by `claim` now: polls, timeouts, deliveries, reports."""
        ...

    async def rearm(self, now: datetime) -> int:
        """Start-up: every QUEUED or GENERATING job is due now, in one statement, and claims
        that have ended are released. On PostgreSQL a claim another live replica holds stays
        its own; SQLite, one process to a file, releases them all."""
        ...

    # -- budgets and reports --------------------------------------------------------------------

    async def count_charged_since(self, user_id: int, since: datetime) -> int:
        """Jobs the user started since then, leaving out those that failed, were refused or were
        cancelled before the provider saw them."""
        ...

    async def oldest_charged_since(self, user_id: int, since: datetime) -> datetime | None: ...
    async def count_active_for_user(self, user_id: int) -> int: ...
    async def usage_since(self, since: datetime) -> list[UsageRow]: ...
    async def count_by_state(self) -> dict[JobState, int]: ...

    # -- chats ----------------------------------------------------------------------------------

    async def chat_settings(self, chat_id: int) -> ChatSettings | None: ...
    async def save_chat_settings(self, chat_id: int, settings: ChatSettings) -> None: ...
    async def bind_channel(self, chat_id: int, channel_id: int, title: str) -> None: ...
    async def bound_channel(self, chat_id: int) -> tuple[int, str] | None: ...

    async def save_prompt(
        self, chat_id: int, message_id: int, prompt: PendingPrompt, expires_at: datetime
    ) -> None: ...
    async def prompt(self, chat_id: int, message_id: int, now: datetime) -> PendingPrompt | None:
        """The unexpired prompt this message is, if the bot sent one."""
        ...

    async def drop_prompt(self, chat_id: int, message_id: int) -> None: ...

    # -- health ---------------------------------------------------------------------------------

    async def ping(self) -> None:
        """Raise unless the database answers and accepts writes."""
        ...


# -- Telegram Stars -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refund:
    """A job's price, just put back on its payer's balance; `charge_id` names the Telegram
    charge when the job was paid by its own invoice (and can go back through Telegram)."""

    user_id: int
    stars: int
    charge_id: str | None = None


@dataclass(frozen=True, slots=True)
class StarTotals:
    """Stars that came in through Telegram (purchases and invoices) and prices given back."""

    earned: int = 0
    refunded: int = 0


class Ledger(Protocol):
    """Every movement of Stars, one row each; a balance is the sum of a user's rows. Each write
    is one guarded statement: two concurrent payments never spend one balance twice, and a
    job is paid and refunded at most once. Writes answer False (or None) when they changed
    nothing: a duplicate, or a balance too small."""

    async def balance(self, user_id: int) -> int: ...
    async def spent_since(self, user_id: int, since: datetime) -> int:
        """What the user's jobs cost since then, refunds taken off."""
        ...

    async def top_up(self, user_id: int, stars: int, charge_id: str, now: datetime) -> bool:
        """A paid /buy invoice onto the balance (once per charge)."""
        ...

    async def spend(self, user_id: int, job_id: int, stars: int, now: datetime) -> bool:
        """Pay for a job from the balance, only if it holds enough."""
        ...

    async def pay_invoice(
        self, user_id: int, job_id: int, stars: int, charge_id: str, now: datetime
    ) -> bool:
        """A job's own invoice paid: the Stars come in and the job spends them, together."""
        ...

    async def refund(self, job_id: int, now: datetime) -> Refund | None:
        """Put a paid job's price back on the balance; None if it was not paid or is refunded."""
        ...

    async def charge_refunded(self, job_id: int, refund: Refund, now: datetime) -> None:
        """The refund went back through Telegram (refundStarPayment), not to the balance."""
        ...

    async def totals(self, since: datetime) -> StarTotals: ...
    async def unrefunded_since(self, since: datetime) -> list[int]:
        """Jobs paid since then and not refunded (a start-up sweep looks for lost refunds)."""
        ...


class Cashier(Protocol):
    """The chat side of payments: invoices out, charges back, and telling the payer."""

    async def send_invoice(self, job: Job) -> None:
        """Ask for the job's price with an invoice of its own, as a reply to its request."""
        ...

    async def refund_charge(self, user_id: int, charge_id: str) -> bool:
        """Give a Telegram charge back (refundStarPayment); False when Telegram refused."""
        ...

    async def tell_refund(self, job: Job, stars: int, *, to_balance: bool) -> None: ...
    async def tell_credited(self, chat_id: int, user_id: int, stars: int, language: str) -> None:
        """A payment for a job that could no longer run went onto the balance instead."""
        ...
