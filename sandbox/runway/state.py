"""What the emulator remembers: tasks, the requests it received and the callbacks it sent."""

from __future__ import annotations

import random
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from aiohttp import web

from sandbox.runway.config import RunwayKnobs


class TaskKind(StrEnum):
    GENERATE = "generate"
    EXTEND = "extend"
    ALEPH = "aleph"


class TaskState(StrEnum):
    WAIT = "wait"
    QUEUEING = "queueing"
    GENERATING = "generating"
    SUCCESS = "success"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Failure:
    code: int
    message: str


@dataclass(slots=True)
class Task:
    """One provider task from submit to its result or failure."""

    task_id: str
    kind: TaskKind
    params: dict[str, Any]  # the request body as received
    prompt: str
    watermark: str
    callback_url: str | None
    cost: int
    base_url: str  # where this server was reached, for result URLs
    created_at: datetime
    created_mono: float
    parent_task_id: str | None = None
    planned_failure: Failure | None = None
    send_callback: bool = True
    state: TaskState = TaskState.WAIT
    video_id: str = ""
    video_url: str = ""
    image_url: str = ""
    failure: Failure | None = None
    completed_at: datetime | None = None
    expired: bool = False
    width: int = 0
    height: int = 0

    @property
    def finished(self) -> bool:
        return self.state in {TaskState.SUCCESS, TaskState.FAIL}


@dataclass(slots=True)
class RecordedRequest:
    """One request as the emulator saw it; file bytes are never kept."""

    method: str
    path: str
    query: dict[str, str]
    json: Any = None
    form: dict[str, Any] | None = None
    at: float = field(default_factory=time.time)

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "json": self.json,
            "form": self.form,
            "at": self.at,
        }


@dataclass(slots=True)
class CallbackAttempt:
    """One attempt to deliver a callback (or the decision to drop it)."""

    task_id: str
    url: str
    payload: dict[str, Any]
    attempt: int
    status: int | None = None
    error: str | None = None
    dropped: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.time)

    def as_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "url": self.url,
            "payload": self.payload,
            "attempt": self.attempt,
            "status": self.status,
            "error": self.error,
            "dropped": self.dropped,
            "headers": self.headers,
            "at": self.at,
        }


@dataclass
class RunwayState:
    """All mutable emulator state; tests read it through `RUNWAY_STATE`."""

    knobs: RunwayKnobs
    tasks: dict[str, Task] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    callbacks: list[CallbackAttempt] = field(default_factory=list)
    credits: int = 0
    rng: random.Random = field(default_factory=random.Random)
    generation_times: deque[float] = field(default_factory=deque)

    @classmethod
    def create(cls, knobs: RunwayKnobs) -> RunwayState:
        return cls(knobs=knobs, credits=knobs.credits, rng=random.Random(knobs.seed))

    def apply_knobs(self, knobs: RunwayKnobs, changed: set[str]) -> None:
        self.knobs = knobs
        if "credits" in changed:
            self.credits = knobs.credits
        if "seed" in changed:
            self.rng.seed(knobs.seed)

    def chance(self, share: float) -> bool:
        """True for about `share` of calls (never for 0, always for 1)."""
        return share > 0 and self.rng.random() < share

    def take_generation_slot(self, now: float) -> bool:
        """Count a new generation request in the sliding window, if it has room."""
        window = self.generation_times
        while window and now - window[0] >= self.knobs.generation_window:
            window.popleft()
        if len(window) >= self.knobs.generation_limit:
            return False
        window.append(now)
        return True

    def charge(self, cost: int) -> None:
        self.credits = max(0, self.credits - cost)


RUNWAY_STATE = web.AppKey("runway_state", RunwayState)
