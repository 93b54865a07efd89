"""Injected faults: Bot API requests answered late, with a flood wait, or with an error.

A fault is scoped to method names (any case; none given: every method, getMe and getUpdates
included) and to chat ids (the request's ``chat_id``; none given: requests with or without
one). Kinds:

- ``delay``: the answer comes ``seconds`` late. With ``phase`` "after" (the default) the work
  is done first, as when Telegram fetches a URL before answering: a client that gives up and
  resends makes a second message. With "before" nothing happens until the wait is over.
- ``flood_wait``: for ``seconds`` from its creation every matching request is answered 429
  with ``parameters.retry_after`` counting down (or fixed at ``retry_after``); it then expires.
- ``fail``: matching requests are answered ``error_code`` with ``description`` (worded as
  Telegram words it: "message is too long" at 400 becomes "Bad Request: message is too long").
  With ``phase`` "after" the work is done and then the error is answered, like a proxy that
  loses Telegram's reply.

``times`` (any kind) limits how many requests a fault catches before it removes itself.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sandbox.telegram.errors import ApiError, bad_request

KINDS = ("delay", "flood_wait", "fail")
PHASES = ("before", "after")
_PREFIX = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           409: "Conflict", 429: "Too Many Requests"}  # fmt: skip
_DEFAULT_TEXT = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
                 504: "Gateway Timeout"}  # fmt: skip
_MAX_SECONDS = 24 * 3600.0


@dataclass
class Fault:
    id: str
    kind: str
    methods: frozenset[str] = frozenset()
    chat_ids: frozenset[int] = frozenset()
    seconds: float = 0.0
    phase: str = "before"
    error_code: int = 0
    description: str = ""
    retry_after: int | None = None
    times: int | None = None
    until: float | None = None
    hits: int = 0
    created: float = field(default_factory=time.monotonic)

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.methods and method.lower() not in self.methods:
            return False
        return not self.chat_ids or chat_id in self.chat_ids

    def expired(self, now: float) -> bool:
        used_up = self.times is not None and self.hits >= self.times
        return used_up or (self.until is not None and now >= self.until)

    def error(self, now: float) -> ApiError:
        if self.kind == "flood_wait":
            wait = self.retry_after or max(1, math.ceil((self.until or now) - now))
            return ApiError(429, f"Too Many Requests: retry after {wait}", wait)
        return ApiError(self.error_code, self.description, self.retry_after)

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "methods": sorted(self.methods),
            "chat_ids": sorted(self.chat_ids),
            "phase": self.phase,
            "times": self.times,
            "hits": self.hits,
        }
        if self.kind in ("delay", "flood_wait"):
            data["seconds"] = self.seconds
        if self.kind == "flood_wait" and self.until is not None:
            data["seconds_left"] = round(max(0.0, self.until - time.monotonic()), 3)
        if self.kind == "fail":
            data.update(error_code=self.error_code, description=self.description)
        if self.retry_after is not None:
            data["retry_after"] = self.retry_after
        return data


class FaultSet:
    def __init__(self) -> None:
        self._faults: dict[str, Fault] = {}
        self._ids = itertools.count(1)

    def add(self, spec: dict[str, Any]) -> Fault:
        fault = parse_fault(f"f{next(self._ids)}", spec)
        self._faults[fault.id] = fault
        return fault

    def remove(self, fault_id: str) -> bool:
        return self._faults.pop(fault_id, None) is not None

    def clear(self) -> None:
        self._faults.clear()

    def active(self) -> list[Fault]:
        self._drop_expired(time.monotonic())
        return list(self._faults.values())

    def take(self, method: str, chat_id: int | None) -> list[Fault]:
        """The faults this request meets, in creation order, each counting one hit."""
        if not self._faults:
            return []
        now = time.monotonic()
        self._drop_expired(now)
        caught = [f for f in self._faults.values() if f.matches(method, chat_id)]
        for fault in caught:
            fault.hits += 1
        return caught

    def _drop_expired(self, now: float) -> None:
        for fault in [f for f in self._faults.values() if f.expired(now)]:
            del self._faults[fault.id]


async def before_work(faults: Iterable[Fault]) -> None:
    """Refuse (flood_wait, fail) or wait (delay) as the "before" faults say."""
    for fault in faults:
        if fault.phase != "before":
            continue
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
        else:
            raise fault.error(time.monotonic())


async def after_work(faults: Iterable[Fault]) -> None:
    for fault in faults:
        if fault.phase != "after":
            continue
        if fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
        else:
            raise fault.error(time.monotonic())


def parse_fault(fault_id: str, spec: dict[str, Any]) -> Fault:
    kind = spec.get("kind")
    if kind not in KINDS:
        raise bad_request(f"kind must be one of {', '.join(KINDS)}")
    fault = Fault(
        fault_id,
        kind,
        methods=frozenset(m.lower() for m in _strings(spec, "methods")),
        chat_ids=frozenset(_ints(spec, "chat_ids")),
        phase=_phase(spec, kind),
        times=_optional_int(spec, "times", minimum=1),
        retry_after=_optional_int(spec, "retry_after", minimum=1),
    )
    if kind in ("delay", "flood_wait"):
        fault.seconds = _seconds(spec)
    if kind == "flood_wait":
        fault.until = fault.created + fault.seconds
    if kind == "fail":
        fault.error_code, fault.description = _error(spec)
    return fault


def _phase(spec: dict[str, Any], kind: str) -> str:
    phase = spec.get("phase") or ("after" if kind == "delay" else "before")
    if phase not in PHASES or (kind == "flood_wait" and phase != "before"):
        raise bad_request("phase must be before or after (flood_wait: before)")
    return str(phase)


def _seconds(spec: dict[str, Any]) -> float:
    value = spec.get("seconds")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_request("seconds must be a number")
    if not 0 < value <= _MAX_SECONDS:
        raise bad_request("seconds must be above 0 and at most a day")
    return float(value)


def _error(spec: dict[str, Any]) -> tuple[int, str]:
    code = spec.get("error_code")
    if isinstance(code, bool) or not isinstance(code, int) or not 400 <= code <= 599:
        raise bad_request("error_code must be an HTTP error status (400-599)")
    text = str(spec.get("description") or _DEFAULT_TEXT.get(code) or _PREFIX.get(code) or "Error")
    prefix = _PREFIX.get(code)
    if prefix and not text.startswith(prefix):
        text = f"{prefix}: {text}"
    return code, text


def _strings(spec: dict[str, Any], name: str) -> list[str]:
    value = spec.get(name) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise bad_request(f"{name} must be a list of names")
    return value


def _ints(spec: dict[str, Any], name: str) -> list[int]:
    value = spec.get(name) or []
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(_is_int(v) for v in value):
        raise bad_request(f"{name} must be a list of integers")
    return value


def _optional_int(spec: dict[str, Any], name: str, *, minimum: int) -> int | None:
    value = spec.get(name)
    if value is None:
        return None
    if not _is_int(value) or value < minimum:
        raise bad_request(f"{name} must be an integer of at least {minimum}")
    return int(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
