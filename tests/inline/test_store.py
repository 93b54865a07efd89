"""The store's query behind inline mode, on a real SQLite file: only the user's own delivered
videos with a Telegram file, every word found in the prompt whatever its case, newest first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.models import (
    Delivery,
    Job,
    JobKind,
    JobState,
    Origin,
    Result,
    ResultKind,
    VideoOptions,
)
from bot.domain.ports import NewJob
from storage.sqlite import SqliteJobStore

ME, SOMEONE = 7, 8
VIDEO = Result(ResultKind.VIDEO, url="http://127.0.0.1/v.mp4")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteJobStore]:
    async with SqliteJobStore.open(tmp_path / "bot.sqlite3") as opened:
        yield opened


async def finished(
    store: SqliteJobStore,
    prompt: str,
    *,
    user_id: int = ME,
    result: Result = VIDEO,
    file_id: str | None = "file-1",
    deliver: bool = True,
) -> Job:
    now = datetime.now(UTC)
    new = NewJob(
        kind=JobKind.TEXT,
        prompt=prompt,
        options=VideoOptions(),
        origin=Origin(chat_id=-100, user_id=user_id, request_message_id=None),
        callback_token=f"{prompt}-{user_id}-{now.timestamp()}",
        created_at=now,
        state=JobState.QUEUED,
    )
    job = await store.create(new)
    moved = await store.advance(job.id, JobState.SUCCEEDED, now, result=result)
    assert moved is not None
    if not deliver:
        return moved
    done = await store.mark_delivered(job.id, Delivery(-100, 1, file_id), now)
    assert done is not None
    return done


async def test_only_own_delivered_videos_with_a_file(store: SqliteJobStore) -> None:
    mine = await finished(store, "a cat")
    await finished(store, "a cat", user_id=SOMEONE)
    await finished(store, "a cat", deliver=False)  # not in the chat yet
    await finished(store, "a cat", file_id=None)  # sent as a link: no file to share
    await finished(store, "a cat", result=Result(ResultKind.PHOTO, url="http://127.0.0.1/p.jpg"))
    found = await store.delivered_videos(ME, [], 10)
    assert [job.id for job in found] == [mine.id]


async def test_every_word_in_any_case_newest_first_and_paged(store: SqliteJobStore) -> None:
    moon = await finished(store, "Кот на Луне")
    sun = await finished(store, "КОТ на солнце")
    await finished(store, "собака на луне")
    assert [j.id for j in await store.delivered_videos(ME, ["луне", "кот"], 10)] == [moon.id]
    cats = await store.delivered_videos(ME, ["кот"], 10)
    assert [j.id for j in cats] == [sun.id, moon.id]
    older = await store.delivered_videos(ME, ["кот"], 10, before_id=sun.id)
    assert [j.id for j in older] == [moon.id]
    assert len(await store.delivered_videos(ME, [], 2)) == 2
    assert await store.delivered_videos(ME, ["100%_"], 10) == []  # no pattern characters
