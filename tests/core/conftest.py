"""The core pipeline on real parts: the bot's own wiring (store, provider client, web server,
line and timers) with the Runway API emulator over HTTP, a real SQLite file, and a recording
notifier at the Telegram seam."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.domain.errors import RecipientGoneError
from bot.domain.models import Delivery, Job
from bot.domain.policy import Timing
from bot.domain.ports import JobStore
from bot.domain.service import JobService, Place
from bot.wiring import RunningBot, running_bot
from sandbox.runway import RunningRunway, RunwayKnobs, serve_runway
from tests.support import QUARTER, free_port

API_KEY = "test-key"


@dataclass
class RecordingNotifier:
    """Stands in for Telegram: records every status, delivery and failure report."""

    statuses: list[Job] = field(default_factory=list)
    deliveries: list[Job] = field(default_factory=list)
    failures: list[Job] = field(default_factory=list)
    gone_chats: set[int] = field(default_factory=set)
    broken_chats: set[int] = field(default_factory=set)  # deliveries there fail, not for good
    unreportable_chats: set[int] = field(default_factory=set)  # telling them fails too
    attempts: int = 0
    next_message_id: int = 1000

    async def show_status(self, job: Job, place: Place | None = None) -> int | None:
        self.statuses.append(job)
        if job.status_message_id is not None:
            return None
        self.next_message_id += 1
        return self.next_message_id

    async def deliver(self, job: Job, file: Path | None = None) -> Delivery:
        self.attempts += 1
        if job.origin.chat_id in self.broken_chats:
            raise ConnectionError("Telegram answered 502")
        if job.origin.chat_id in self.gone_chats:
            raise RecipientGoneError("bot was blocked by the user")
        self.deliveries.append(job)
        self.next_message_id += 1
        return Delivery(job.origin.chat_id, self.next_message_id, f"file-{job.id}")

    async def report_failure(self, job: Job) -> None:
        if job.origin.chat_id in self.unreportable_chats:
            raise ConnectionError("Telegram answered 502")
        self.failures.append(job)


@dataclass
class Pipeline:
    service: JobService
    notifier: RecordingNotifier
    store: JobStore
    url: str
    bot: RunningBot


def fast_timing(poll_interval: float, job_timeout: float) -> Timing:
    """The bot's timers, quick enough for tests."""
    return Timing(
        poll_interval=poll_interval,
        job_timeout=job_timeout,
        tick=0.05,
        delivery_backoff=0.05,
        resubmit_backoff=0.1,
        # Longer than a late callback can take, restarts and the provider's callback retries
        # included, on a loaded machine; the test of the wait's end sets its own.
        unconfirmed_wait=20.0,
        place_refresh=0.5,
    )


@dataclass
class PipelineFactory:
    """Starts the bot through its real wiring, with a recording notifier instead of Telegram;
    several in a row make a restart."""

    emulator_url: str
    db_path: Path
    port: int = field(default_factory=free_port)  # one address across restarts, as deployed

    @asynccontextmanager
    async def start(
        self,
        *,
        callbacks: bool = True,
        hmac_key: str = "",
        poll_interval: float = 0.3,
        job_timeout: float = 60.0,
        notifier: RecordingNotifier | None = None,
        timing: Timing | None = None,
        **settings: Any,
    ) -> AsyncIterator[Pipeline]:
        port = self.port
        url = f"http://127.0.0.1:{port}"
        values: dict[str, Any] = {
            "runway_api_key": SecretStr(API_KEY),
            "runway_api_url": self.emulator_url,
            "runway_upload_url": self.emulator_url,
            "runway_webhook_hmac_key": SecretStr(hmac_key),
            "public_url": url if callbacks else "",
            "http_host": "127.0.0.1",
            "http_port": port,
            "database_path": str(self.db_path),
            "poll_interval_seconds": poll_interval,
            "drain_seconds": 2.0,
            **settings,
        }
        notifier = notifier or RecordingNotifier()
        timing = timing or fast_timing(poll_interval, job_timeout)
        async with running_bot(
            Settings(_env_file=None, **values), notifier=notifier, timing=timing
        ) as bot:
            yield Pipeline(bot.service, notifier, bot.store, url, bot)


@pytest.fixture
async def emulator() -> AsyncIterator[RunningRunway]:
    async with serve_runway(
        RunwayKnobs(api_key=API_KEY, latency=0.3, seed=7, fps=4, frame_scale=QUARTER)
    ) as running:
        yield running


@pytest.fixture
def pipelines(emulator: RunningRunway, tmp_path: Path) -> PipelineFactory:
    return PipelineFactory(emulator.url, tmp_path / "bot.sqlite3")
