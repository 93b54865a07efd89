"""/healthz says what this replica is and answers 503 unless it can take work: start-up
recovery done and the database taking a real write."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.domain.service import JobService
from bot.web.app import create_web_app
from bot.web.health import ReplicaHealth
from bot.web.keys import WebConfig
from storage.sqlite import SqliteJobStore
from tests.core.conftest import PipelineFactory, RecordingNotifier


async def health(url: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(f"{url}/healthz") as response:
        return response.status, await response.json()


async def test_a_running_bot_on_sqlite_is_healthy_and_polls_nothing(
    pipelines: PipelineFactory,
) -> None:
    async with pipelines.start() as bot:
        await bot.bot.timers.ready.wait()
        status, body = await health(bot.url)
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{bot.url}/metrics") as response,
        ):
            text = await response.text()
    assert "bot_poller_lease 0.0" in text
    assert 'bot_jobs_claimed_total{by="timers"}' in text
    assert status == 200
    assert body["status"] == "ok"
    assert body["backend"] == "sqlite"
    assert body["database"] == "ok"
    assert body["poller"] is False  # no Telegram in this bot: nothing polls
    assert body["ready"] is True


async def test_not_ready_until_start_up_recovery_is_done(tmp_path: Path) -> None:
    ready = asyncio.Event()
    async with SqliteJobStore.open(tmp_path / "bot.sqlite3") as store:
        service = JobService(store, None, RecordingNotifier(), None)  # type: ignore[arg-type]
        app = create_web_app(service, WebConfig(), health=ReplicaHealth(ready=ready))
        async with TestClient(TestServer(app)) as client:
            response = await client.get("/healthz")
            assert response.status == 503
            assert (await response.json())["status"] == "starting"
            ready.set()
            response = await client.get("/healthz")
            assert response.status == 200


async def test_a_deleted_database_file_is_unhealthy(pipelines: PipelineFactory) -> None:
    async with pipelines.start() as bot:
        await bot.bot.timers.ready.wait()
        pipelines.db_path.unlink()
        status, body = await health(bot.url)
    assert status == 503
    assert body["database"] == "unwritable"
    assert body["status"] == "error"


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """The file refuses writes even to root (chattr +i): SQLite opens it read-only."""
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("chattr is not installed: no way to make a file read-only for root")
    done = subprocess.run([chattr, "+i", str(path)], capture_output=True, check=False)  # noqa: S603
    if done.returncode != 0:
        pytest.skip(f"chattr +i is refused here: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)  # noqa: S603


async def test_a_read_only_database_file_is_unhealthy(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    async with SqliteJobStore.open(path) as store:
        await store.ping()
    with immutable(path):
        async with SqliteJobStore.open(path) as store:
            assert await store.count_by_state()  # reads still work...
            service = JobService(store, None, RecordingNotifier(), None)  # type: ignore[arg-type]
            app = create_web_app(service, WebConfig(), health=ReplicaHealth())
            async with TestClient(TestServer(app)) as client:
                response = await client.get("/healthz")
                body = await response.json()
    assert response.status == 503  # ...but not a write, which every callback needs
    assert body["database"] == "unwritable"
