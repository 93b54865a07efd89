"""A burst of finished jobs against Telegram's flood limits: paced, not refused.

Run: `.venv/bin/python -m bench.flood_pacing`. Starts both emulators (flood limits on) and the
real bot in this process, sends JOBS `/video` commands to a private chat and JOBS to a group at
once, and prints how long until every video was delivered, how many Bot API calls the bot made,
how many the emulator refused with 429, and the busiest second and minute per chat.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from bot.domain.models import JobState
from bot.domain.ports import JobStore
from bot.wiring import running_bot
from sandbox.runway import RunwayKnobs, serve_runway
from sandbox.telegram import GROUP_ID, PRIVATE_CHAT_ID, TelegramEmulatorConfig, serve_telegram
from tests.chat.conftest import bot_settings

JOBS = 6


async def delivered(store: JobStore, count: int) -> None:
    for _ in range(3000):
        if (await store.count_by_state()).get(JobState.DELIVERED, 0) >= count:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError("the videos were not all delivered")


async def main() -> None:
    knobs = RunwayKnobs(latency=0.5, fps=4)
    with tempfile.TemporaryDirectory() as data:
        async with (
            serve_runway(knobs) as runway,
            serve_telegram(TelegramEmulatorConfig()) as telegram,
        ):
            settings = bot_settings(
                telegram, runway, Path(data) / "bot.sqlite3", active_jobs_per_user=2 * JOBS
            )
            async with running_bot(settings) as bot:
                started = time.perf_counter()
                sent_at: list[tuple[int, float]] = []
                for n in range(JOBS):
                    await telegram.client.send_text(PRIVATE_CHAT_ID, f"/video private {n}")
                    await telegram.client.send_text(GROUP_ID, f"/video group {n}")
                await delivered(bot.store, 2 * JOBS)
                elapsed = time.perf_counter() - started
                stats = await telegram.client.stats()
                for chat_id in (PRIVATE_CHAT_ID, GROUP_ID):
                    for message in await telegram.client.messages(chat_id):
                        if message.get("from", {}).get("is_bot"):
                            sent_at.append((chat_id, float(message["date"])))
    calls = sum(stats["requests"].values())
    print(f"jobs: {JOBS} private + {JOBS} group, all delivered in {elapsed:.1f} s")
    print(f"Bot API calls: {calls}; refused with 429: {stats['too_many_requests']}")
    for chat_id, name in ((PRIVATE_CHAT_ID, "private"), (GROUP_ID, "group")):
        seconds = Counter(int(at) for chat, at in sent_at if chat == chat_id)
        minutes = Counter(int(at) // 60 for chat, at in sent_at if chat == chat_id)
        print(
            f"{name}: {sum(seconds.values())} messages; busiest second {max(seconds.values())},"
            f" busiest minute {max(minutes.values())}"
        )


if __name__ == "__main__":
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    asyncio.run(main())
