"""Shared status messages for groups, supergroups and channels.

A busy group has 20 messages a minute for everyone. A status message per job, edited as it
moves, would spend that budget on progress while finished videos wait. So each chat (each forum
topic) has one board: a message that lists the chat's jobs in the making with their state and
place in line, sent as a reply to the first request and edited (latest wins) as jobs move on.
Each job then costs the group its video, plus a share of one board edit. When every job on a
board is finished, the board gets its final edit and closes; the next request opens a new one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.domain.models import Job
from bot.domain.service import Place

BoardKey = tuple[int, int | None]  # chat id, forum topic
# The jobs shown on a board (by its message id), each waiting one with its place in line.
BoardRows = Callable[[int, int], Awaitable[list[tuple[Job, Place | None]]]]


def is_shared(job: Job) -> bool:
    """Groups, supergroups and channels have negative ids: they get boards."""
    return job.origin.chat_id < 0


def board_key(job: Job) -> BoardKey:
    return job.origin.chat_id, job.origin.thread_id


class OpenBoards:
    """Which board takes new jobs in each chat and topic. Lost on a restart, which only means
    the next job opens a new board; jobs on an old one keep it (their status_message_id)."""

    def __init__(self) -> None:
        self._open: dict[BoardKey, int] = {}

    def current(self, key: BoardKey) -> int | None:
        return self._open.get(key)

    def opened(self, key: BoardKey, message_id: int) -> None:
        self._open[key] = message_id

    def closed(self, key: BoardKey, message_id: int) -> None:
        if self._open.get(key) == message_id:
            del self._open[key]
