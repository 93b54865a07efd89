"""Each chat's line of waiting calls, best first, with latest-wins replacement."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Hashable
from dataclasses import dataclass, field

from bot.outbound.sending import Outgoing, Priority


def _new_future() -> asyncio.Future[None]:
    return asyncio.get_running_loop().create_future()


@dataclass(eq=False)
class Ticket:
    """One call waiting for its turn; `future` resolves when the dispatcher grants it."""

    request: Outgoing
    serial: int  # creation order: the larger, the newer
    seq: int  # place in line; a replacement keeps the place of the call it replaced
    priority: Priority
    entered: float  # when it first got in line (the scheduler's clock)
    front: bool = False  # a call Telegram refused with 429: first in its chat once the wait ends
    future: asyncio.Future[None] = field(default_factory=_new_future)
    waiting: bool = False  # in its chat's line
    counted_at: float | None = None  # when its budgets count it (its grant, or a restamp)

    def order(self) -> tuple[bool, int, int]:
        """Order within the chat."""
        return (not self.front, self.priority, self.seq)

    def rank(self) -> tuple[int, int, int]:
        """Order across chats: the chat's best call competes by priority and arrival."""
        return (self.priority, self.seq, self.serial)

    def again(self) -> Ticket:
        """The same call back in line after a 429, ahead of the rest of its chat."""
        return Ticket(self.request, self.serial, self.seq, self.priority, self.entered, front=True)

    def unwanted(self) -> bool:
        drop_if = self.request.drop_if
        return drop_if is not None and drop_if()


class ChatQueue:
    """A heap with lazy removal: entries of tickets that left, or whose order changed, are
    skipped when they reach the top."""

    def __init__(self) -> None:
        self._heap: list[tuple[tuple[bool, int, int], int, Ticket]] = []
        self._entries = itertools.count()  # ties an entry to its push, so tickets never compare
        self._keys: dict[Hashable, Ticket] = {}
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def push(self, ticket: Ticket) -> Ticket | None:
        """Put `ticket` in line. A waiting ticket with the same latest-wins key and the newer
        of the two merge: the newer stays, in the better place and priority of both; the one
        left out is returned (it may be `ticket` itself, when a newer one already waits)."""
        key = ticket.request.coalesce
        other = self._keys.get(key) if key is not None else None
        if other is None:
            self._enter(ticket)
            return None
        newer, older = (ticket, other) if ticket.serial > other.serial else (other, ticket)
        newer.seq, newer.priority = min(newer.seq, older.seq), min(newer.priority, older.priority)
        newer.front = newer.front or older.front
        newer.entered = min(newer.entered, older.entered)
        if older is other:
            self._leave(other)
            self._enter(newer)
        else:
            self._reorder(newer)
        return older

    def head(self) -> Ticket | None:
        while self._heap:
            order, _, ticket = self._heap[0]
            if ticket.waiting and order == ticket.order():
                return ticket
            heapq.heappop(self._heap)
        return None

    def pop(self) -> Ticket:
        ticket = self.head()
        assert ticket is not None
        heapq.heappop(self._heap)
        self._leave(ticket)
        return ticket

    def discard(self, ticket: Ticket) -> None:
        if ticket.waiting:
            self._leave(ticket)

    def tickets(self) -> list[Ticket]:
        unique = {id(t): t for _, _, t in self._heap if t.waiting}
        return list(unique.values())

    def _enter(self, ticket: Ticket) -> None:
        ticket.waiting = True
        self._count += 1
        if ticket.request.coalesce is not None:
            self._keys[ticket.request.coalesce] = ticket
        self._reorder(ticket)

    def _reorder(self, ticket: Ticket) -> None:
        heapq.heappush(self._heap, (ticket.order(), next(self._entries), ticket))

    def _leave(self, ticket: Ticket) -> None:
        ticket.waiting = False
        self._count -= 1
        key = ticket.request.coalesce
        if key is not None and self._keys.get(key) is ticket:
            del self._keys[key]
