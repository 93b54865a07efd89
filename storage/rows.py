"""Translation between rows of the `jobs` table and the domain models."""

from __future__ import annotations

from datetime import UTC, datetime
from sqlite3 import Row
from typing import Any

from bot.domain.models import (
    AspectRatio,
    Delivery,
    Job,
    JobKind,
    JobState,
    Origin,
    Quality,
    VideoOptions,
)
from bot.domain.ports import NewJob


def to_db_time(moment: datetime) -> str:
    """ISO-8601 UTC with microseconds always present, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: the store keeps aware UTC times only")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db_time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _optional_time(text: str | None) -> datetime | None:
    return None if text is None else from_db_time(text)


def options_params(options: VideoOptions) -> dict[str, Any]:
    return {
        "aspect_ratio": None if options.aspect_ratio is None else options.aspect_ratio.value,
        "duration": options.duration,
        "quality": options.quality.value,
        "watermark": options.watermark,
    }


def options_from_row(row: Row) -> VideoOptions:
    ratio = row["aspect_ratio"]
    return VideoOptions(
        aspect_ratio=None if ratio is None else AspectRatio(ratio),
        duration=int(row["duration"]),
        quality=Quality(row["quality"]),
        watermark=row["watermark"],
    )


def new_job_params(new: NewJob) -> dict[str, Any]:
    created = to_db_time(new.created_at)
    origin = new.origin
    return {
        **options_params(new.options),
        "kind": new.kind.value,
        "prompt": new.prompt,
        "chat_id": origin.chat_id,
        "thread_id": origin.thread_id,
        "user_id": origin.user_id,
        "request_message_id": origin.request_message_id,
        "language": origin.language,
        "parent_task_id": new.parent_task_id,
        "callback_token": new.callback_token,
        "state": JobState.SUBMITTING.value,
        "cost": new.cost,
        "publish_channel_id": new.publish_channel_id,
        "source_id": new.source_id,
        "created_at": created,
        "updated_at": created,
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
    if row["delivered_message_id"] is None:
        return None
    return Delivery(
        chat_id=row["delivered_chat_id"],
        message_id=row["delivered_message_id"],
        file_id=row["delivered_file_id"],
    )


def job_from_row(row: Row) -> Job:
    return Job(
        id=row["id"],
        kind=JobKind(row["kind"]),
        prompt=row["prompt"],
        options=options_from_row(row),
        origin=_origin_from_row(row),
        callback_token=row["callback_token"],
        state=JobState(row["state"]),
        created_at=from_db_time(row["created_at"]),
        updated_at=from_db_time(row["updated_at"]),
        task_id=row["task_id"],
        parent_task_id=row["parent_task_id"],
        status_message_id=row["status_message_id"],
        video_url=row["video_url"],
        image_url=row["image_url"],
        failure_code=row["failure_code"],
        failure_message=row["failure_message"],
        failure_reported=bool(row["failure_reported"]),
        delivery=_delivery_from_row(row),
        next_poll_at=_optional_time(row["next_poll_at"]),
        poll_count=row["poll_count"],
        cost=row["cost"],
        publish_channel_id=row["publish_channel_id"],
        source_id=row["source_id"],
    )
