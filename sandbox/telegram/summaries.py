"""Typed answers of the control API for benchmarks and tests (what SandboxClient returns)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Posted:
    """One message a bulk post made; ``update_id`` is None when the bot does not see it."""

    chat_id: int
    message_id: int
    update_id: int | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Posted:
        return cls(int(data["chat_id"]), int(data["message_id"]), data.get("update_id"))


@dataclass(frozen=True)
class TimelineEntry:
    """One accepted bot action; ``t`` is the emulator's ``time.monotonic()``."""

    method: str
    chat_id: int
    message_id: int | None
    kind: str  # message | media | edit | chat_action
    content: str  # text, video, photo, audio, document, animation, invoice, or the action
    t: float
    reply_to_message_id: int | None
    message_thread_id: int | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> TimelineEntry:
        return cls(
            data["method"],
            int(data["chat_id"]),
            data.get("message_id"),
            data["kind"],
            data["content"],
            float(data["t"]),
            data.get("reply_to_message_id"),
            data.get("message_thread_id"),
        )


@dataclass(frozen=True)
class StatsSummary:
    """Counts since the last reset; peaks count sends and edits, not chat actions."""

    since: float
    now: float
    by_kind: dict[str, int]
    by_method: dict[str, int]
    by_chat: dict[int, int]
    peak_per_second: int
    peak_chat_per_second: int
    peak_chat_per_minute: int
    too_many_requests: int
    too_many_requests_by_chat: dict[int, int]
    too_many_requests_by_method: dict[str, int]
    injected_faults: dict[str, dict[str, int]]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> StatsSummary:
        return cls(
            since=float(data["since"]),
            now=float(data["now"]),
            by_kind=dict(data["by_kind"]),
            by_method=dict(data["by_method"]),
            by_chat={int(k): v for k, v in data["by_chat"].items()},
            peak_per_second=int(data["peak_per_second"]),
            peak_chat_per_second=int(data["peak_chat_per_second"]),
            peak_chat_per_minute=int(data["peak_chat_per_minute"]),
            too_many_requests=int(data["too_many_requests"]),
            too_many_requests_by_chat={
                int(k): v for k, v in data["too_many_requests_by_chat"].items()
            },
            too_many_requests_by_method=dict(data["too_many_requests_by_method"]),
            injected_faults={k: dict(v) for k, v in data["injected_faults"].items()},
        )


@dataclass(frozen=True)
class Duplicate:
    """Bot messages with the same content replying to one message (``count`` distinct)."""

    chat_id: int
    reply_to_message_id: int
    count: int
    message_ids: tuple[int, ...]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Duplicate:
        return cls(
            int(data["chat_id"]),
            int(data["reply_to_message_id"]),
            int(data["count"]),
            tuple(data["message_ids"]),
        )


@dataclass(frozen=True)
class FaultInfo:
    """An injected fault as the emulator holds it (see faults.py)."""

    id: str
    kind: str
    methods: tuple[str, ...]
    chat_ids: tuple[int, ...]
    phase: str
    times: int | None
    hits: int
    seconds: float | None = None
    error_code: int | None = None
    description: str | None = None
    retry_after: int | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> FaultInfo:
        return cls(
            id=data["id"],
            kind=data["kind"],
            methods=tuple(data["methods"]),
            chat_ids=tuple(data["chat_ids"]),
            phase=data["phase"],
            times=data.get("times"),
            hits=int(data["hits"]),
            seconds=data.get("seconds"),
            error_code=data.get("error_code"),
            description=data.get("description"),
            retry_after=data.get("retry_after"),
        )


@dataclass(frozen=True)
class PaymentOutcome:
    """How paying an invoice ended; ``reason`` says why it failed."""

    paid: bool
    balance: int
    reason: str | None = None
    telegram_payment_charge_id: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> PaymentOutcome:
        return cls(
            paid=data["status"] == "paid",
            balance=int(data["balance"]),
            reason=data.get("reason"),
            telegram_payment_charge_id=data.get("telegram_payment_charge_id"),
        )


@dataclass(frozen=True)
class InlineAnswerInfo:
    """The bot's answer to an inline query; each result keeps its Bot API fields."""

    results: tuple[dict[str, Any], ...]
    next_offset: str
    cache_time: int
    is_personal: bool
    button: dict[str, Any] | None

    @property
    def result_ids(self) -> list[str]:
        return [str(r["id"]) for r in self.results]

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> InlineAnswerInfo:
        return cls(
            tuple(data["results"]),
            data["next_offset"],
            int(data["cache_time"]),
            bool(data["is_personal"]),
            data.get("button"),
        )


@dataclass(frozen=True)
class InlineQueryInfo:
    """A person's inline query; ``cached``: a cached answer met it and the bot heard nothing."""

    inline_query_id: str
    cached: bool
    answer: InlineAnswerInfo | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> InlineQueryInfo:
        answer = data.get("answer")
        return cls(
            data["inline_query_id"],
            bool(data["cached"]),
            InlineAnswerInfo.from_api(answer) if answer else None,
        )
