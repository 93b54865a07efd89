"""The core pipeline on real parts: the Runway API emulator over HTTP, a real SQLite file, the
bot's own web server, and a recording notifier at the Telegram seam."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.domain.errors import RecipientGoneError
from bot.domain.models import Delivery, Job
from bot.domain.policy import AccessPolicy, ServicePolicy, Timing
from bot.domain.service import JobService, keep_working
from bot.provider.client import RetryPolicy, RunwayClient
from bot.web.app import create_web_app
from bot.web.keys import WebConfig
from sandbox.runway import RunningRunway, RunwayKnobs, serve_runway
from storage.sqlite import SqliteJobStore
from tests.support import free_port, running_task

API_KEY = "test-key"


@dataclass
class RecordingNotifier:
    """Stands in for Telegram: records every status, delivery and failure report."""

    statuses: list[Job] = field(default_factory=list)
    deliveries: list[Job] = field(default_factory=list)
    failures: list[Job] = field(default_factory=list)
    gone_chats: set[int] = field(default_factory=set)
    broken_chats: set[int] = field(default_factory=set)  # deliveries there fail, not for good
    attempts: int = 0
    next_message_id: int = 1000

    async def show_status(self, job: Job) -> int | None:
        self.statuses.append(job)
        if job.status_message_id is not None:
            return None
        self.next_message_id += 1
        return self.next_message_id

    async def deliver(self, job: Job) -> Delivery:
        self.attempts += 1
        if job.origin.chat_id in self.broken_chats:
            raise ConnectionError("Telegram answered 502")
        if job.origin.chat_id in self.gone_chats:
            raise RecipientGoneError("bot was blocked by the user")
        self.deliveries.append(job)
        self.next_message_id += 1
        return Delivery(job.origin.chat_id, self.next_message_id, f"file-{job.id}")

    async def report_failure(self, job: Job) -> None:
        self.failures.append(job)


@dataclass
class Pipeline:
    service: JobService
    notifier: RecordingNotifier
    store: SqliteJobStore
    url: str


@dataclass
class PipelineFactory:
    """Starts the bot's core against an emulator; several in a row make a restart."""

    emulator_url: str
    db_path: Path

    @asynccontextmanager
    async def start(
        self,
        *,
        callbacks: bool = True,
        hmac_key: str = "",
        poll_interval: float = 0.3,
        job_timeout: float = 60.0,
        notifier: RecordingNotifier | None = None,
        access: AccessPolicy | None = None,
    ) -> AsyncIterator[Pipeline]:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        policy = ServicePolicy(
            callback_base_url=url if callbacks else "",
            timing=Timing(
                poll_interval=poll_interval, job_timeout=job_timeout, delivery_backoff=0.05
            ),
            access=access or AccessPolicy(),
        )
        notifier = notifier or RecordingNotifier()
        async with AsyncExitStack() as stack:
            session = await stack.enter_async_context(aiohttp.ClientSession())
            store = await stack.enter_async_context(SqliteJobStore.open(self.db_path))
            provider = RunwayClient(
                session,
                api_url=self.emulator_url,
                upload_url=self.emulator_url,
                api_key=SecretStr(API_KEY),
                retry=RetryPolicy(attempts=3, base_delay=0.05, max_delay=0.2),
            )
            service = JobService(store, provider, notifier, policy)
            stack.push_async_callback(service.background.drain, 5.0)
            runner = web.AppRunner(create_web_app(service, WebConfig(callback_hmac_key=hmac_key)))
            await runner.setup()
            stack.push_async_callback(runner.cleanup)
            await web.TCPSite(runner, "127.0.0.1", port).start()
            await service.recover()
            await stack.enter_async_context(running_task(keep_working(service, 0.05, 0.5)))
            yield Pipeline(service, notifier, store, url)


@pytest.fixture
async def emulator() -> AsyncIterator[RunningRunway]:
    async with serve_runway(RunwayKnobs(api_key=API_KEY, latency=0.3, seed=7)) as running:
        yield running


@pytest.fixture
def pipelines(emulator: RunningRunway, tmp_path: Path) -> PipelineFactory:
    return PipelineFactory(emulator.url, tmp_path / "bot.sqlite3")
