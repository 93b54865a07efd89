"""The Notifier port on Telegram: status messages, delivered results and failure reports.

Every call carries a `Send` for the outbound scheduler (bot/outbound/scheduler.py): results and
failure notices go first, then replies, new status messages, status edits (latest wins per
message) and chat actions. In private chats each job has its own status message; in groups and
channels jobs share a board (bot/outbound/boards.py), so a busy group spends its budget on
videos, not on progress.

A result Telegram did not confirm in time is never sent again on our own: Telegram may well
have posted it (it answers a sendVideo only after fetching the URL). The job is marked
delivered without a message id, and its status says so with a button to send it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from telegram import InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest, NetworkError
from telegram.ext import ExtBot

from bot.domain.errors import ClaimLostError, ResultUnavailableError
from bot.domain.models import Delivery, Job, Origin
from bot.domain.service import Place
from bot.media.fetching import BlockedURLError, ResultFetcher
from bot.outbound.boards import BoardRows, OpenBoards, board_key, is_shared
from bot.outbound.calls import call, is_not_modified, may_have_arrived
from bot.outbound.results import ResultSender
from bot.outbound.sending import Dropped, Priority, Send, Superseded
from bot.telegram.keyboards import cancel_keyboard, status_keyboard
from bot.telegram.render import board_text, failure_text, status_text

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def reply_to(origin: Origin) -> ReplyParameters | None:
    if origin.request_message_id is None:
        return None
    return ReplyParameters(origin.request_message_id, allow_sending_without_reply=True)


async def _no_rows(chat_id: int, message_id: int) -> list[tuple[Job, Place | None]]:
    return []


class TelegramNotifier:
    """Implements bot.domain.ports.Notifier with a PTB ExtBot whose rate limiter is the
    outbound scheduler; `fetcher` fetches results from the providers' hosts only."""

    def __init__(
        self,
        bot: ExtBot[Send],
        fetcher: ResultFetcher,
        *,
        board_rows: BoardRows = _no_rows,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.board_rows = board_rows  # set by the wiring once the service exists
        self.results = ResultSender(bot, fetcher)
        self._shown: dict[tuple[int, int], str] = {}
        self._boards = OpenBoards()
        self._done = Recent()  # jobs whose result has gone out from this process

    # -- status -----------------------------------------------------------------------------

    async def show_status(self, job: Job, place: Place | None = None) -> int | None:
        if is_shared(job):
            return await self._show_on_board(job)
        if job.status_message_id is None:
            if job.final:
                return None  # finished before its status was ever shown: the result says it
            body = status_text(job, self.clock(), place)
            try:  # a job whose result went out while this waited needs no status any more
                message = await self.send_text(
                    job.origin,
                    body,
                    cancel_keyboard(job),
                    priority=Priority.STATUS_NEW,
                    drop_if=lambda: self._done.seen(job.id),
                )
            except Dropped:
                return None
            self._shown[job.origin.chat_id, message.message_id] = body
            return message.message_id
        body = status_text(job, self.clock(), place)
        # A finished job's last edit is never dropped, but it goes after every waiting video:
        # the video (or the failure notice) already told the user.
        priority = Priority.STATUS_NEW if job.final else Priority.STATUS_EDIT
        markup = status_keyboard(job)
        chat_id, message_id = job.origin.chat_id, job.status_message_id
        await self._edit(chat_id, message_id, body, markup, priority, final=job.final)
        return None

    async def report_failure(self, job: Job) -> None:
        """In a private chat the status message becomes the failure notice; in a group the
        notice replies to the request (the board shows the job as failed)."""
        body = failure_text(job)
        if is_shared(job) or job.status_message_id is None:
            await self.send_text(job.origin, body, priority=Priority.DELIVERY)
            if is_shared(job) and job.status_message_id is not None:
                await self._refresh_board(job, job.status_message_id)
            return
        await self._edit(
            job.origin.chat_id, job.status_message_id, body, None, Priority.DELIVERY, final=True
        )

    async def _show_on_board(self, job: Job) -> int | None:
        key = board_key(job)
        board = job.status_message_id or self._boards.current(key)
        if board is None:
            if job.final:
                return None
            rows: list[tuple[Job, Place | None]] = [(job, None)]
            message = await self.send_text(
                job.origin, board_text(rows, self.clock()), priority=Priority.STATUS_NEW
            )
            self._boards.opened(key, message.message_id)
            return message.message_id
        await self._refresh_board(job, board)
        return board if board != job.status_message_id else None

    async def _refresh_board(self, job: Job, board: int) -> None:
        rows = await self.board_rows(job.origin.chat_id, board)
        if not any(row[0].id == job.id for row in rows):
            rows = [*rows, (job, None)]  # this job joins the board now
        done = all(row[0].final for row in rows)
        if done:
            self._boards.closed(board_key(job), board)
        body = board_text(sorted(rows, key=lambda row: row[0].id), self.clock())
        await self._edit(job.origin.chat_id, board, body, None, Priority.STATUS_EDIT, final=done)

    async def _edit(
        self,
        chat_id: int,
        message_id: int,
        body: str,
        markup: InlineKeyboardMarkup | None,
        priority: Priority,
        *,
        final: bool,
    ) -> None:
        """Edits of one message are latest-wins in the scheduler: a newer one replaces a
        waiting older one, whose caller gets Superseded. An edit that would show what the
        message already shows is dropped just before it would go out."""
        key = (chat_id, message_id)
        send = Send(priority, drop_if=lambda: self._shown.get(key) == body)
        try:
            await call(
                self.bot.edit_message_text(
                    body, chat_id, message_id, reply_markup=markup, rate_limit_args=send
                )
            )
        except Superseded:
            return  # the newer edit records what it shows
        except Dropped:
            pass  # already shown
        except BadRequest as exc:
            if not is_not_modified(exc):
                raise
        if final:  # its last edit: forget it, so the map does not grow with every job ever made
            self._shown.pop(key, None)
        else:
            self._shown[key] = body

    async def send_text(
        self,
        origin: Origin,
        body: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        priority: Priority = Priority.REPLY,
        drop_if: Callable[[], bool] | None = None,
    ) -> Message:
        """A text reply to the request, in its chat and topic."""
        return await call(
            self.bot.send_message(
                origin.chat_id,
                body[:4096],
                message_thread_id=origin.thread_id,
                reply_parameters=reply_to(origin),
                reply_markup=markup,
                rate_limit_args=Send(priority, drop_if=drop_if),
            )
        )

    # -- delivery -----------------------------------------------------------------------------

    async def deliver(self, job: Job, file: Path | None = None) -> Delivery:
        """Send the result (a local `file`, or what the provider made); a send Telegram did not
        confirm in time is a Delivery without message id, never a second send."""
        self._done.add(job.id)
        try:
            message = await self.results.send(job, file)
        except BadRequest:
            raise  # Telegram answered, refusing it: not in the chat, so the next round tries
        except NetworkError as exc:  # TimedOut included
            if not may_have_arrived(exc):
                raise  # it never left: the next round sends it
            logger.warning("job %s: Telegram did not confirm the result (%s)", job.id, exc)
            return Delivery(job.origin.chat_id, None)
        except BlockedURLError as exc:
            raise ResultUnavailableError(f"BlockedURLError: {exc}") from exc
        except Dropped as exc:  # only a delivery's lost claim drops a result
            raise ClaimLostError(f"the claim on job {job.id} ran out before its turn") from exc
        return Delivery(job.origin.chat_id, message.message_id, _file_id(message))


class Recent:
    """The last few thousand job ids seen; enough to tell a status that waited too long."""

    def __init__(self, size: int = 10_000) -> None:
        self._ids: dict[int, None] = {}
        self._size = size

    def add(self, job_id: int) -> None:
        self._ids[job_id] = None
        if len(self._ids) > self._size:
            del self._ids[next(iter(self._ids))]

    def seen(self, job_id: int) -> bool:
        return job_id in self._ids


def _file_id(message: Message) -> str | None:
    for media in (message.video, message.audio, message.document, message.animation):
        if media is not None:
            return media.file_id
    return message.photo[-1].file_id if message.photo else None
