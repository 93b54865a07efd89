"""How fast the Runway API emulator renders a clip, per quality and duration.

Run: `.venv/bin/python -m bench.render_speed`. Submits one text-to-video task per case to an
emulator on loopback (latency 0) and prints the seconds until record-detail says success, and
the file size. The demo and the end-to-end tests depend on this staying around a second.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp
from pydantic import SecretStr

from bot.domain.models import GenerationRequest, JobKind, Quality, VideoOptions
from bot.domain.updates import TaskSucceeded
from bot.provider.kie.client import RunwayClient
from sandbox.runway import RunwayKnobs, serve_runway

CASES = [(5, Quality.HD), (10, Quality.HD), (5, Quality.FULL_HD)]


async def seconds_to_render(runway: RunwayClient, options: VideoOptions) -> tuple[float, str]:
    started = time.perf_counter()
    task_id = await runway.submit(GenerationRequest(JobKind.TEXT, "a timing run", options), None)
    for _ in range(600):
        update = await runway.fetch(JobKind.TEXT, task_id)
        if isinstance(update, TaskSucceeded) and update.result.url:
            return time.perf_counter() - started, update.result.url
        await asyncio.sleep(0.02)
    raise RuntimeError("the render did not finish")


async def main() -> None:
    async with serve_runway(RunwayKnobs(latency=0.0)) as emulator, aiohttp.ClientSession() as s:
        runway = RunwayClient(
            s, api_url=emulator.url, upload_url=emulator.url, api_key=SecretStr("k")
        )
        print(f"{'clip':>12} {'seconds':>8} {'bytes':>10}")
        for duration, quality in CASES:
            elapsed, url = await seconds_to_render(
                runway, VideoOptions(duration=duration, quality=quality)
            )
            async with s.head(url) as response:
                size = response.content_length or 0
            print(f"{duration:>3} s {quality.value:>6} {elapsed:>8.2f} {size:>10}")


if __name__ == "__main__":
    asyncio.run(main())
