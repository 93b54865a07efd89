"""What happened to a job at the provider: one of three shapes, each with only its own fields.
Callbacks, polls, timeouts and submission failures all arrive as one of these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.domain.models import Failure, Result


@dataclass(frozen=True, slots=True)
class TaskRunning:
    phase: Literal["queued", "generating"]


@dataclass(frozen=True, slots=True)
class TaskSucceeded:
    result: Result


@dataclass(frozen=True, slots=True)
class TaskFailed:
    """`temporary`: the provider's own trouble ("try again later", a concurrency limit,
    maintenance); the job is submitted again, a bounded number of times."""

    failure: Failure
    temporary: bool = False


TaskUpdate = TaskRunning | TaskSucceeded | TaskFailed
