"""One outbound scheduler for every Bot API call: flood budgets kept by waiting, not by 429s.

Plugged into PTB as the ExtBot's rate limiter, so every call passes through `process_request`
(getUpdates excepted). Messages wait in their chat's line, best priority first; one dispatcher
task grants the best waiting call among the chats whose budget allows one now, and the caller
then makes its HTTP call itself, so any number of granted calls are in flight at once. A 429 is
handled here and only here: the chat (or the whole bot) waits `retry_after`, then the same call
goes again, first in its chat.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.outbound.budgets import BudgetLimits, Budgets, ChatKey, MemoryBudgets, is_private
from bot.outbound.queues import ChatQueue, Ticket
from bot.outbound.sending import (
    Dropped,
    Kind,
    OutboundClosedError,
    OutboundSkipped,
    Outgoing,
    Priority,
    Send,
    Superseded,
)

logger = logging.getLogger(__name__)

JSONDict = dict[str, Any]
Result = bool | JSONDict | list[JSONDict]
Call = Callable[[], Coroutine[Any, Any, Result]]
FLOOD_WINDOW = 1.0  # 429s from this many seconds back count towards "the whole bot is flooded"
RESTAMP_AFTER = 0.01  # a call leaving this much later than its grant is counted when it left
ALIKE_REFUSALS = 3  # chats refused in a row with the same wait: the bot's own budget is spent


@dataclass(frozen=True)
class Grant:
    """A call let out, as the DEBUG log of `bot.outbound.scheduler` records it (`extra`
    "grant"): which call, when it got in line and when its turn came, on the scheduler's clock."""

    endpoint: str
    chat: ChatKey | None
    priority: Priority
    entered: float
    at: float


@dataclass(frozen=True)
class OutboundStats:
    """A snapshot for tests, /metrics and /healthz."""

    waiting: dict[Priority, int]
    sent: dict[Priority, int]  # answered by Telegram (or failed on the way), 429s not counted
    calls: int  # calls outside the chat budgets (getMe, answerCallbackQuery, ...)
    superseded: int
    dropped: int  # by drop_if, and chat actions with no budget to spare
    retry_afters: int  # 429s seen
    in_flight: int
    paused: dict[str, float]  # "all" or a chat, and the seconds it still waits


def retry_seconds(exc: RetryAfter) -> float:
    value: int | float | timedelta = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class OutboundScheduler(BaseRateLimiter[Send]):
    """`rate_limit_args` is a `Send`; without one, sends are REPLY and edits STATUS_EDIT.

    Shutdown fails every call still waiting with OutboundClosedError (nothing was sent) and
    gives calls already in flight `drain_seconds` to finish.
    """

    def __init__(
        self,
        budgets: Budgets | None = None,
        *,
        action_patience: float = 1.5,
        action_spare: int = 1,
        group_edit_spare: int = 4,
        max_in_flight: int = 32,
        global_flood_chats: int = 3,
        drain_seconds: float = 5.0,
        skew: float = BudgetLimits.skew,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._budgets: Budgets = budgets if budgets is not None else MemoryBudgets()
        self._patience = action_patience  # a chat action waits this long for spare budget
        self._spare = action_spare  # tokens a chat action must leave behind
        # Tokens a status edit in a group, supergroup or channel must leave behind. A group
        # gets 20 messages a minute: edits spent as jobs move would otherwise use up the
        # window before their videos are ready, and a finished video would wait up to a
        # minute behind edits already sent. With these kept back, a result always finds room.
        self._group_edit_spare = group_edit_spare
        self._max_in_flight = max_in_flight  # below the HTTP pool, or calls time out waiting
        self._global_flood_chats = global_flood_chats  # chats refused at once = a bot-wide 429
        self._drain_seconds = drain_seconds
        self._skew = skew  # as the budgets': how much later than counted a call may arrive
        self._clock = clock
        self._queues: dict[ChatKey | None, ChatQueue] = {}
        self._wake: dict[ChatKey | None, float] = {}
        self._spent_until = 0.0  # the bot's own budget is spent until then: no pass before
        self._pauses: dict[ChatKey | None, float] = {}
        self._floods: dict[ChatKey, float] = {}
        self._serials = itertools.count()
        self._changed = asyncio.Event()
        self._closed = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None
        self._in_flight = 0
        self._sent: Counter[Priority] = Counter()
        self._skipped: Counter[type[OutboundSkipped]] = Counter()
        self._calls = 0
        self._retry_afters = 0

    # -- life cycle -----------------------------------------------------------------------------

    async def initialize(self) -> None:
        if self._dispatcher is None:
            self._changed, self._closed = asyncio.Event(), asyncio.Event()  # this loop's
            self._dispatcher = asyncio.create_task(self._dispatch(), name="outbound-dispatcher")

    async def shutdown(self) -> None:
        if self._dispatcher is None:
            return
        self._closed.set()
        self._dispatcher.cancel()
        with suppress(asyncio.CancelledError):
            await self._dispatcher
        self._dispatcher = None
        for queue in self._queues.values():
            for ticket in queue.tickets():
                queue.discard(ticket)
                _fail(ticket, OutboundClosedError())
        self._queues.clear()
        self._wake.clear()
        await self._drain()

    async def _drain(self) -> None:
        with suppress(TimeoutError):
            async with asyncio.timeout(self._drain_seconds):
                while self._in_flight:
                    self._changed.clear()
                    await self._changed.wait()

    @property
    def running(self) -> bool:
        return self._dispatcher is not None

    # -- PTB's entry point ----------------------------------------------------------------------

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Send | None,
    ) -> Result:
        if not self.running:
            raise OutboundClosedError()
        send = rate_limit_args if isinstance(rate_limit_args, Send) else None
        request = Outgoing.of(endpoint, data, send)
        call: Call = partial(callback, *args, **kwargs)
        if request.kind is Kind.CALL:
            return await self._at_once(request, call)
        if request.kind is Kind.ACTION:
            return await self._action(request, call)
        return await self._in_line(request, call)

    async def _at_once(self, request: Outgoing, call: Call) -> Result:
        """Not a message: no budget, only the pauses Telegram asked for."""
        while True:
            await self._sit_out(request.chat)
            try:
                result = await call()
            except RetryAfter as exc:
                await self._told_to_wait(request.chat, exc)
                continue
            self._calls += 1
            return result

    async def _action(self, request: Outgoing, call: Call) -> Result:
        """A chat action is a nicety: left out (True, as Telegram would say) without budget."""
        try:
            return await self._in_line(request, call)
        except OutboundSkipped:
            return True

    async def _in_line(self, request: Outgoing, call: Call) -> Result:
        serial = next(self._serials)
        ticket = self._enqueue(Ticket(request, serial, serial, request.priority, self._clock()))
        while True:
            await self._turn(ticket)
            try:
                return await self._send(ticket, call)
            except RetryAfter as exc:
                await self._told_to_wait(request.chat, exc)
                ticket = self._enqueue(ticket.again())

    async def _turn(self, ticket: Ticket) -> None:
        """Wait until the dispatcher grants `ticket` (a chat action waits only so long)."""
        try:
            if ticket.request.kind is not Kind.ACTION:
                await ticket.future
                return
            done, _ = await asyncio.wait({ticket.future}, timeout=self._patience)
            if not done:
                self._give_up(ticket, Dropped())
            ticket.future.result()
        except asyncio.CancelledError:
            self._abandon(ticket)
            raise

    async def _send(self, ticket: Ticket, call: Call) -> Result:
        """The granted call. Anything but a 429 counts as sent; nothing here retries it."""
        refused = False
        try:
            await self._count_late(ticket)
            check = ticket.request.check
            if check is not None and not await check():
                raise Dropped()
            return await call()
        except RetryAfter:
            refused = True
            raise
        finally:
            self._release(ticket, sent=not refused)
            if not refused:
                await self._count_answered(ticket)

    async def _count_late(self, ticket: Ticket) -> None:
        """Budgets count a call at its grant; one whose task got to run only well after
        (a busy event loop, a busy machine) reaches Telegram later than that, so it is
        counted again at the time it really leaves."""
        await self._restamp(ticket, self._clock(), RESTAMP_AFTER)

    async def _count_answered(self, ticket: Ticket) -> None:
        """A call answered more than `skew` after it was counted may have reached Telegram
        that late (it queued on the way, at either end): count it `skew` before its answer."""
        await self._restamp(ticket, self._clock() - self._skew, 0.0)

    async def _restamp(self, ticket: Ticket, at: float, margin: float) -> None:
        counted = ticket.counted_at
        if counted is not None and at - counted > margin:
            ticket.counted_at = at
            with suppress(Exception):  # a budget that cannot be told keeps the earlier count
                await self._budgets.restamp(ticket.request.chat, counted, at)

    # -- the line -------------------------------------------------------------------------------

    def _enqueue(self, ticket: Ticket) -> Ticket:
        if not self.running:
            raise OutboundClosedError()
        chat = ticket.request.chat
        left_out = self._queues.setdefault(chat, ChatQueue()).push(ticket)
        self._wake.pop(chat, None)  # its head may have changed: look at it again
        self._changed.set()
        if left_out is ticket:  # a refused call whose newer replacement already waits
            self._skipped[Superseded] += 1
            raise Superseded()
        if left_out is not None:
            self._skip(left_out, Superseded())
        return ticket

    def _skip(self, ticket: Ticket, reason: OutboundSkipped) -> None:
        self._skipped[type(reason)] += 1
        _fail(ticket, reason)

    def _give_up(self, ticket: Ticket, reason: OutboundSkipped) -> None:
        queue = self._queues.get(ticket.request.chat)
        if queue is not None:
            queue.discard(ticket)
        self._skip(ticket, reason)

    def _abandon(self, ticket: Ticket) -> None:
        """The caller was cancelled: take its ticket out of line, or its grant back."""
        if ticket.waiting:
            queue = self._queues.get(ticket.request.chat)
            if queue is not None:
                queue.discard(ticket)
        elif _granted(ticket):
            self._release(ticket, sent=False)

    def _release(self, ticket: Ticket, *, sent: bool) -> None:
        self._in_flight -= 1
        if sent:
            self._sent[ticket.priority] += 1
        self._changed.set()

    # -- 429 ------------------------------------------------------------------------------------

    async def _told_to_wait(self, chat: ChatKey | None, exc: RetryAfter) -> None:
        now, seconds = self._clock(), retry_seconds(exc)
        scope = None if chat is None or self._bot_is_flooded(chat, now) else chat
        self._retry_afters += 1
        self._pauses = {c: until for c, until in self._pauses.items() if until > now}
        self._pauses[scope] = max(self._pauses.get(scope, 0.0), now + seconds)
        await self._budgets.hold(scope, now + seconds)
        self._changed.set()
        where = "every chat" if scope is None else f"chat {scope}"
        logger.warning("Telegram asked for a %.1f s pause; holding %s", seconds, where)

    def _bot_is_flooded(self, chat: ChatKey, now: float) -> bool:
        """Telegram's 429 does not say whose limit it was: several chats refused within a
        second mean the bot's own."""
        self._floods[chat] = now
        self._floods = {c: t for c, t in self._floods.items() if now - t <= FLOOD_WINDOW}
        return len(self._floods) >= self._global_flood_chats

    async def _sit_out(self, chat: ChatKey | None) -> None:
        while (left := self._pause_left(chat)) > 0:
            with suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await self._closed.wait()
            if not self.running:
                raise OutboundClosedError()

    def _pause_left(self, chat: ChatKey | None) -> float:
        until = max(self._pauses.get(None, 0.0), self._pauses.get(chat, 0.0))
        return until - self._clock()

    # -- the dispatcher -------------------------------------------------------------------------

    async def _dispatch(self) -> None:
        while True:
            self._changed.clear()
            try:
                delay = await self._grant_what_fits()
            except Exception:
                logger.exception("the outbound dispatcher failed; trying again in a second")
                delay = 1.0
            with suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._changed.wait()

    async def _grant_what_fits(self) -> float | None:
        """One pass: grant waiting calls best first while budgets allow; the seconds until
        the next one could go (None: wait for news). Every take of a pass uses one `now`, so
        a worse call never gets a token a better one was just refused."""
        now = self._clock()
        if now < self._spent_until:
            return self._spent_until - now
        ready = self._ready(now)
        refusals: list[float] = []
        while ready and self._in_flight < self._max_in_flight:
            rank, chat = heapq.heappop(ready)
            queue = self._queues[chat]
            ticket = self._head(queue)
            if ticket is None:
                continue
            if ticket.rank() != rank:  # the line changed meanwhile
                heapq.heappush(ready, (ticket.rank(), chat))
            elif await self._try_grant(chat, queue, ticket, now):
                refusals.clear()
                following = self._head(queue)
                if following is not None:
                    heapq.heappush(ready, (following.rank(), chat))
            elif self._spent(refusals, self._wake[chat] - now):
                self._spent_until = now + refusals[0]
                return refusals[0]
        return self._next_wake(now)

    @staticmethod
    def _spent(refusals: list[float], wait: float) -> bool:
        """With a thousand chats waiting, asking each one's budget in every pass would keep
        the event loop busy; several chats in a row refused with the very same wait are
        refused by the bot's overall budget (or hold), so the pass ends there, and no pass
        runs until that wait is over."""
        if refusals and abs(wait - refusals[0]) > 1e-6:
            refusals.clear()
        refusals.append(wait)
        return len(refusals) >= ALIKE_REFUSALS

    def _ready(self, now: float) -> list[tuple[tuple[int, int, int], ChatKey | None]]:
        ready = []
        for chat, queue in list(self._queues.items()):
            head = queue.head()  # drop_if is asked only when a call is about to go
            if head is None:
                del self._queues[chat]
                self._wake.pop(chat, None)
            elif self._wake.get(chat, 0.0) <= now:
                ready.append((head.rank(), chat))
        heapq.heapify(ready)
        return ready

    def _head(self, queue: ChatQueue) -> Ticket | None:
        """The chat's best call, after dropping those whose drop_if now says so."""
        while (ticket := queue.head()) is not None:
            try:
                if not ticket.unwanted():
                    return ticket
                self._skip(queue.pop(), Dropped())
            except Exception as exc:  # the caller's own drop_if failed: it gets the error
                logger.debug("drop_if raised", exc_info=True)
                _fail(queue.pop(), exc)
        return None

    async def _try_grant(
        self, chat: ChatKey | None, queue: ChatQueue, ticket: Ticket, now: float
    ) -> bool:
        wait = await self._budgets.take(chat, now, self._spare_for(chat, ticket.request))
        if wait > 0:
            self._wake[chat] = now + wait
            return False
        ticket = self._head(queue) or ticket  # a newer replacement may have taken its place
        if ticket.waiting:
            queue.pop()
            ticket.counted_at = now
            self._grant(ticket, now)
        return True

    def _spare_for(self, chat: ChatKey | None, request: Outgoing) -> int:
        """Tokens the call must leave in its budgets: chat actions and group status edits
        go only when what is left still has room for the calls that matter more."""
        if request.kind is Kind.ACTION:
            return self._spare
        if request.priority is Priority.STATUS_EDIT and chat is not None and not is_private(chat):
            return self._group_edit_spare
        return 0

    def _grant(self, ticket: Ticket, now: float) -> None:
        if not ticket.future.done():  # not cancelled while the budget answered
            self._in_flight += 1
            ticket.future.set_result(None)
            _log_grant(ticket, now)

    def _next_wake(self, now: float) -> float | None:
        if self._in_flight >= self._max_in_flight or not self._queues:
            return None  # a finished call or a new one sets `_changed`
        soonest = min(self._wake.get(chat, now) for chat in self._queues) - now
        return None if math.isinf(soonest) else max(0.0, soonest)

    # -- introspection --------------------------------------------------------------------------

    def stats(self) -> OutboundStats:
        now = self._clock()
        waiting: Counter[Priority] = Counter()
        for queue in self._queues.values():
            waiting.update(t.priority for t in queue.tickets())
        paused = {
            "all" if chat is None else str(chat): round(until - now, 3)
            for chat, until in self._pauses.items()
            if until > now
        }
        return OutboundStats(
            waiting=dict(waiting),
            sent=dict(self._sent),
            calls=self._calls,
            superseded=self._skipped[Superseded],
            dropped=self._skipped[Dropped],
            retry_afters=self._retry_afters,
            in_flight=self._in_flight,
            paused=paused,
        )


def _log_grant(ticket: Ticket, now: float) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        request = ticket.request
        grant = Grant(request.endpoint, request.chat, ticket.priority, ticket.entered, now)
        logger.debug(
            "%s to %s (%s) let out after %.3f s in line",
            request.endpoint,
            request.chat,
            ticket.priority.name,
            now - ticket.entered,
            extra={"grant": grant},
        )


def _granted(ticket: Ticket) -> bool:
    future = ticket.future
    return future.done() and not future.cancelled() and future.exception() is None


def _fail(ticket: Ticket, error: BaseException) -> None:
    if not ticket.future.done():
        ticket.future.set_exception(error)
