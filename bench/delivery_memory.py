"""Memory while delivering videos of growing size: it must stay flat, whatever the file size.

Run: `.venv/bin/python -m bench.delivery_memory`. The emulators run as separate processes; this
process is only the bot's notifier, which downloads each video in chunks to a temporary file and
uploads it to the Telegram emulator streaming from disk (files over 20 MB cannot go by URL).
Prints, per size, the wall time, the peak of Python allocations (tracemalloc) and the peak growth
of the process's resident memory (VmRSS sampled every 5 ms).
"""

from __future__ import annotations

import asyncio
import os
import time
import tracemalloc
from datetime import UTC, datetime

import aiohttp
from pydantic import SecretStr
from yarl import URL

from bench.emulators import emulator_process
from bot.config import Settings
from bot.domain.models import (
    GenerationRequest,
    Job,
    JobKind,
    JobState,
    Origin,
    Result,
    ResultKind,
    VideoOptions,
)
from bot.domain.updates import TaskSucceeded
from bot.media.fetching import FetchPolicy, ResultFetcher
from bot.outbound.notifier import TelegramNotifier
from bot.provider.kie.client import RunwayClient
from bot.telegram.app import build_bot

MB = 1024 * 1024
SIZES_MB = (1, 10, 25, 49)
YOU = 1001


def rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


async def render(runway: RunwayClient, session: aiohttp.ClientSession, url: str, size: int) -> str:
    async with session.post(f"{url}/_emulator/knobs", json={"min_video_bytes": size}):
        pass
    request = GenerationRequest(JobKind.TEXT, f"a {size // MB} MB clip", VideoOptions())
    task_id = await runway.submit(request, None)
    for _ in range(300):
        update = await runway.fetch(JobKind.TEXT, task_id)
        if isinstance(update, TaskSucceeded) and update.result.url:
            return update.result.url
        await asyncio.sleep(0.2)
    raise RuntimeError(f"task {task_id} did not finish")


def job_for(video_url: str, number: int) -> Job:
    now = datetime.now(UTC)
    return Job(
        id=number,
        kind=JobKind.TEXT,
        prompt="bench",
        options=VideoOptions(),
        origin=Origin(chat_id=YOU, user_id=YOU, request_message_id=None),
        callback_token="bench",
        state=JobState.SUCCEEDED,
        created_at=now,
        updated_at=now,
        task_id=f"task-{number}",
        result=Result(ResultKind.VIDEO, video_url),
    )


async def measure(notifier: TelegramNotifier, job: Job) -> tuple[float, int, int]:
    baseline, peak = rss_bytes(), 0
    done = asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_bytes() - baseline)
            await asyncio.sleep(0.005)

    sampler = asyncio.create_task(sample())
    tracemalloc.start()
    started = time.perf_counter()
    await notifier.deliver(job)
    elapsed = time.perf_counter() - started
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    done.set()
    await sampler
    return elapsed, python_peak, peak


async def main() -> None:
    async with (
        emulator_process("sandbox.runway", "--latency", "0.2", "--fps", "4") as runway_url,
        emulator_process("sandbox.telegram", "--no-flood-limits") as telegram_url,
        aiohttp.ClientSession() as session,
    ):
        settings = Settings(
            _env_file=None,
            telegram_bot_token=SecretStr("1000:sandbox"),
            telegram_api_url=telegram_url,
        )
        runway = RunwayClient(
            session, api_url=runway_url, upload_url=runway_url, api_key=SecretStr("k")
        )
        policy = FetchPolicy.for_results([runway_url], [URL(runway_url).authority])  # loopback
        async with build_bot(settings) as bot, ResultFetcher.open(policy) as fetcher:
            notifier = TelegramNotifier(bot, fetcher)
            print(f"{'video':>8} {'seconds':>8} {'python peak':>12} {'RSS growth':>11}")
            for number, size_mb in enumerate(SIZES_MB, start=1):
                url = await render(runway, session, runway_url, size_mb * MB)
                elapsed, python_peak, rss_growth = await measure(notifier, job_for(url, number))
                print(
                    f"{size_mb:>6} MB {elapsed:>8.2f} {python_peak / MB:>9.2f} MB"
                    f" {rss_growth / MB:>8.2f} MB"
                )


if __name__ == "__main__":
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    asyncio.run(main())
