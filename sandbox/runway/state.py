"""What the emulator remembers: tasks, the requests it received and the callbacks it sent."""

from __future__ import annotations

import bisect
import dataclasses
import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from aiohttp import web

from sandbox.runway.catalog import TEMPORARY_FAILURES
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
    completed_mono: float | None = None
    expired: bool = False
    submit_fault: str = ""  # the garbled answer its submission got, if any
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
class SubmissionRecord:
    """One generation request (generate, extend, Aleph): what came in and what it led to.

    `code` is the envelope code answered (None while still being answered); `task_id` is set
    when a task was created, whatever the client was told; `fault` names a garbled answer.
    """

    request: RecordedRequest
    code: int | None = None
    task_id: str | None = None
    fault: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.request.path,
            "json": self.request.json,
            "code": self.code,
            "taskId": self.task_id,
            "fault": self.fault,
            "at": self.request.at,
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
    submissions: list[SubmissionRecord] = field(default_factory=list)
    credits: int = 0
    rng: random.Random = field(default_factory=random.Random)
    generation_times: list[float] = field(default_factory=list)  # arrivals, in order
    answered_429: int = 0  # every code 429 answered, whatever the reason
    rate_limited: int = 0  # those of them refused by the generation limit
    temporary_turn: int = 0

    @classmethod
    def create(cls, knobs: RunwayKnobs) -> RunwayState:
        """State for a fresh server; the knobs are copied, so counters never leak between runs."""
        own = dataclasses.replace(knobs)
        if own.maintenance_for > 0:
            own.maintenance_until = time.time() + own.maintenance_for
        return cls(knobs=own, credits=own.credits, rng=random.Random(own.seed))

    def apply_knobs(self, knobs: RunwayKnobs, changed: set[str]) -> None:
        self.knobs = knobs
        if "credits" in changed:
            self.credits = knobs.credits
        if "seed" in changed:
            self.rng.seed(knobs.seed)
        if "maintenance_for" in changed:  # from now on; 0 ends a maintenance
            period = knobs.maintenance_for
            knobs.maintenance_until = time.time() + period if period > 0 else None

    def chance(self, share: float) -> bool:
        """True for about `share` of calls (never for 0, always for 1)."""
        return share > 0 and self.rng.random() < share

    def take_generation_slot(self, arrived: float) -> bool:
        """Count a generation request that arrived at `arrived` (monotonic), if there is room.

        The window slides over arrival times: a request is refused when `generation_limit`
        counted requests arrived in the `generation_window` seconds up to its own arrival.
        A refused request is not counted.
        """
        times = self.generation_times
        start = arrived - self.knobs.generation_window
        del times[: bisect.bisect_right(times, start)]
        if bisect.bisect_right(times, arrived) >= self.knobs.generation_limit:
            return False
        bisect.insort(times, arrived)
        return True

    def in_maintenance(self) -> bool:
        until = self.knobs.maintenance_until
        return until is not None and time.time() < until

    def take_submit_fault(self) -> str:
        """The fault the next accepted submission's answer gets ("" for none)."""
        knobs = self.knobs
        if not knobs.submit_fault:
            return ""
        if knobs.submit_fault_next > 0:
            knobs.submit_fault_next -= 1
            return knobs.submit_fault
        return knobs.submit_fault if self.chance(knobs.submit_fault_rate) else ""

    def take_temporary_failure(self) -> Failure | None:
        """A "try again" failure for the next new task, if the knobs ask for one."""
        knobs = self.knobs
        if knobs.temporary_failure_next > 0:
            knobs.temporary_failure_next -= 1
        elif not self.chance(knobs.temporary_failure_rate):
            return None
        return self.temporary_failure(knobs.temporary_failure_kind)

    def temporary_failure(self, kind: str = "") -> Failure:
        """The failure of that kind, or the kinds in turn when `kind` is empty."""
        if not kind:
            kinds = list(TEMPORARY_FAILURES)
            kind = kinds[self.temporary_turn % len(kinds)]
            self.temporary_turn += 1
        return Failure(*TEMPORARY_FAILURES[kind])

    def charge(self, cost: int) -> None:
        self.credits = max(0, self.credits - cost)


RUNWAY_STATE = web.AppKey("runway_state", RunwayState)
