"""Chat settings, channel bindings, and everything surviving a close and re-open."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.domain.models import AspectRatio, Delivery, JobState, Quality, VideoOptions
from storage.migrate import load_migrations
from storage.sqlite import SqliteJobStore
from tests.storage.factories import at, job_in, must


async def test_chat_options_are_upserted_per_chat(store: SqliteJobStore) -> None:
    assert await store.chat_options(1) is None
    first = VideoOptions(AspectRatio.SQUARE, 10, Quality.HD, "")
    second = VideoOptions(None, 5, Quality.FULL_HD, "© studio «ночь» 🎥")
    await store.save_chat_options(1, first)
    await store.save_chat_options(2, first)
    await store.save_chat_options(1, second)
    assert await store.chat_options(1) == second
    assert await store.chat_options(2) == first


async def test_channel_binding_is_upserted_per_chat(store: SqliteJobStore) -> None:
    assert await store.bound_channel(1) is None
    await store.bind_channel(1, -1001, "Old name")
    await store.bind_channel(2, -1002, "Other")
    await store.bind_channel(1, -1003, "New name")
    assert await store.bound_channel(1) == (-1003, "New name")
    assert await store.bound_channel(2) == (-1002, "Other")


async def test_everything_survives_a_restart(db_path: Path) -> None:
    async with SqliteJobStore.open(db_path) as store:
        delivered = await job_in(store, JobState.DELIVERED)
        waiting = await job_in(store, JobState.QUEUED)
        await store.schedule_poll(waiting.id, at(5), 2)
        waiting = must(await store.get(waiting.id))
        await store.save_chat_options(100, VideoOptions(AspectRatio.TALL))
        await store.bind_channel(100, -1001, "Channel")
    async with SqliteJobStore.open(db_path) as store:
        await store.ping()
        assert await store.get(delivered.id) == delivered
        assert await store.by_delivery(100, must(delivered.delivery).message_id) == delivered
        assert await store.due_for_poll(at(5), 10) == [waiting]
        assert await store.chat_options(100) == VideoOptions(AspectRatio.TALL)
        assert await store.bound_channel(100) == (-1001, "Channel")
        moved = await store.mark_delivered(waiting.id, Delivery(100, 1), at(6))
        assert moved is None


async def test_open_creates_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "bot.sqlite3"
    async with SqliteJobStore.open(str(path)) as store:
        await store.ping()
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(load_migrations()),)
