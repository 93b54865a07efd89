"""What the provider says about a task: one of three shapes, each with only its own fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class TaskRunning:
    phase: Literal["queued", "generating"]


@dataclass(frozen=True, slots=True)
class TaskSucceeded:
    video_url: str
    image_url: str | None = None


@dataclass(frozen=True, slots=True)
class TaskFailed:
    code: str
    message: str


TaskUpdate = TaskRunning | TaskSucceeded | TaskFailed
