"""Translation between rows of the store's tables and the domain models. A row is any mapping
from column names to values, so both backends share this."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.domain import tools
from bot.domain.models import (
    AspectRatio,
    Delivery,
    Engine,
    Failure,
    FailureReason,
    Job,
    JobKind,
    JobState,
    Origin,
    PaymentMethod,
    Quality,
    Result,
    ResultKind,
    VideoOptions,
)
from bot.domain.ports import ChatSettings, JobRef, NewJob


class Row(Protocol):
    """A row by column name: sqlite3.Row and asyncpg.Record both are."""

    def __getitem__(self, key: str, /) -> Any: ...


# Tool requests by their stored name; the name is the class name, so adding a tool adds a row.
TOOL_TYPES: dict[str, type[tools.ToolRequest]] = {
    cls.__name__: cls
    for cls in (
        tools.GeneratePicture,
        tools.GenerateVideo,
        tools.AnimatePhoto,
        tools.TransferStyle,
        tools.ForgetMedia,
        tools.EditPhoto,
        tools.TextOnPhoto,
        tools.TrimVideo,
        tools.FilterVideo,
        tools.ChangeSpeed,
        tools.ResizeVideo,
        tools.Thumbnail,
        tools.ExtractAudio,
        tools.DescribeMedia,
    )
}


def to_db_time(moment: datetime) -> str:
    """ISO-8601 UTC with microseconds always present, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: the store keeps aware UTC times only")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db_time(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.fromisoformat(value).astimezone(UTC)


def optional_db_time(moment: datetime | None) -> str | None:
    return None if moment is None else to_db_time(moment)


def _optional_time(value: str | datetime | None) -> datetime | None:
    return None if value is None else from_db_time(value)


def tool_to_db(request: tools.ToolRequest | None) -> str | None:
    if request is None:
        return None
    return json.dumps({"type": type(request).__name__, **dataclasses.asdict(request)})


def tool_from_db(text: str | None) -> tools.ToolRequest | None:
    if text is None:
        return None
    data = json.loads(text)
    kind = TOOL_TYPES[data.pop("type")]
    return kind(**data)


def options_params(options: VideoOptions) -> dict[str, Any]:
    return {
        "aspect_ratio": None if options.aspect_ratio is None else options.aspect_ratio.value,
        "duration": options.duration,
        "quality": options.quality.value,
        "watermark": options.watermark,
    }


def options_from_row(row: Row, seed: int | None = None) -> VideoOptions:
    ratio = row["aspect_ratio"]
    return VideoOptions(
        aspect_ratio=None if ratio is None else AspectRatio(ratio),
        duration=int(row["duration"]),
        quality=Quality(row["quality"]),
        watermark=row["watermark"],
        seed=seed,
    )


def chat_settings_from_row(row: Row) -> ChatSettings:
    engine = row["engine"]
    return ChatSettings(options_from_row(row), None if engine is None else Engine(engine))


def new_job_params(new: NewJob) -> dict[str, Any]:
    created = to_db_time(new.created_at)
    origin = new.origin
    return {
        **options_params(new.options),
        "seed": new.options.seed,
        "kind": new.kind.value,
        "engine": new.engine.value,
        "tool": tool_to_db(new.tool),
        "prompt": new.prompt,
        "chat_id": origin.chat_id,
        "thread_id": origin.thread_id,
        "user_id": origin.user_id,
        "request_message_id": origin.request_message_id,
        "language": origin.language,
        "parent_task_id": new.parent_task_id,
        "callback_token": new.callback_token,
        "state": new.state.value,
        "cost": new.cost,
        "price_stars": new.price_stars,
        "payment": None if new.payment is None else new.payment.value,
        "publish_channel_id": new.publish_channel_id,
        "source_id": new.source_id,
        "reference_id": new.reference_id,
        "input_url": new.input_url,
        "reference_url": new.reference_url,
        "note": new.note,
        "due_at": optional_db_time(new.due_at),
        "created_at": created,
        "updated_at": created,
    }


def result_params(result: Result | None) -> dict[str, Any]:
    if result is None:
        return {"result_kind": None, "result_url": None, "poster_url": None, "result_text": None}
    return {
        "result_kind": result.kind.value,
        "result_url": result.url,
        "poster_url": result.poster_url,
        "result_text": result.text,
    }


def failure_params(failure: Failure | None) -> dict[str, Any]:
    if failure is None:
        return {"failure_reason": None, "failure_detail": None, "failure_code": None}
    return {
        "failure_reason": failure.reason.value,
        "failure_detail": failure.detail,
        "failure_code": failure.code,
    }


def _origin_from_row(row: Row) -> Origin:
    return Origin(
        chat_id=row["chat_id"],
        user_id=row["user_id"],
        request_message_id=row["request_message_id"],
        thread_id=row["thread_id"],
        language=row["language"],
    )


def _delivery_from_row(row: Row) -> Delivery | None:
    if row["delivered_chat_id"] is None:
        return None
    return Delivery(
        chat_id=row["delivered_chat_id"],
        message_id=row["delivered_message_id"],
        file_id=row["delivered_file_id"],
    )


def _result_from_row(row: Row) -> Result | None:
    if row["result_kind"] is None:
        return None
    return Result(
        kind=ResultKind(row["result_kind"]),
        url=row["result_url"],
        poster_url=row["poster_url"],
        text=row["result_text"],
    )


def _failure_from_row(row: Row) -> Failure | None:
    if row["failure_reason"] is None:
        return None
    return Failure(
        reason=FailureReason(row["failure_reason"]),
        detail=row["failure_detail"] or "",
        code=row["failure_code"] or "",
    )


def job_ref_from_row(row: Row) -> JobRef:
    return JobRef(row["id"], row["callback_token"], row["task_id"])


def job_from_row(row: Row) -> Job:
    if isinstance(row, sqlite3.Row):
        # sqlite3.Row finds a column by name by comparing it with each column's name in turn;
        # a Job reads some forty columns, and a dict made once halves the cost of building it
        # (every callback builds one).
        row = dict(zip(row.keys(), row, strict=True))
    payment = row["payment"]
    return Job(
        id=row["id"],
        kind=JobKind(row["kind"]),
        prompt=row["prompt"],
        options=options_from_row(row, seed=row["seed"]),
        origin=_origin_from_row(row),
        callback_token=row["callback_token"],
        state=JobState(row["state"]),
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        engine=Engine(row["engine"]),
        tool=tool_from_db(row["tool"]),
        task_id=row["task_id"],
        parent_task_id=row["parent_task_id"],
        status_message_id=row["status_message_id"],
        result=_result_from_row(row),
        failure=_failure_from_row(row),
        failure_reported=bool(row["failure_reported"]),
        delivery=_delivery_from_row(row),
        due_at=_optional_time(row["due_at"]),
        checks=row["checks"],
        attempt=row["attempt"],
        submitted_at=_optional_time(row["submitted_at"]),
        cost=row["cost"],
        price_stars=row["price_stars"],
        payment=None if payment is None else PaymentMethod(payment),
        publish_channel_id=row["publish_channel_id"],
        source_id=row["source_id"],
        reference_id=row["reference_id"],
        input_url=row["input_url"],
        reference_url=row["reference_url"],
        note=row["note"],
    )
