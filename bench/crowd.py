"""A crowd whose jobs finish at once, against Telegram's flood limits: how soon is the last
video delivered, against the soonest Telegram's limits allow?

Run: `.venv/bin/python -m bench.crowd [group|private|backlog|mix|all]` (default all).

Each scenario starts both emulators as their own processes (flood limits on: 30 messages in any
second overall, 20 in any minute per group, about 1 a second per private chat) and the real bot
in this one. The Runway emulator renders one real video; the crowd's jobs are made in the bot's
store as generating at the provider, each with its status shown through the bot's notifier
(private chats: a status message each; groups: a shared board). Then every job finishes at once
through the service's one door (`record_update` with the provider's result, that video's URL),
or, for the backlog, at a steady rate faster than Telegram takes videos. From there it is all
the bot's outbound path: each delivery asks the Runway emulator for the file's size, sends the
video by URL through the scheduler, the Telegram emulator fetches it, and the job's status gets
its final edit.

The floor is the soonest the last video could land if, from the moment the jobs finished, the
bot sent only the videos, given what it had already sent (a group's window remembers a minute):
30 group videos need a minute, since 20 fit in any minute; 1,000 private ones need 1000/30 s.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

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
from bot.domain.ports import NewJob
from bot.domain.updates import TaskSucceeded
from bot.outbound.scheduler import OutboundScheduler
from bot.provider.kie.client import RunwayClient
from bot.wiring import RunningBot, running_bot
from sandbox.telegram.client import SandboxClient
from sandbox.telegram.summaries import TimelineEntry
from tests.support import free_port

TOKEN = "1000:sandbox"
FLOOD_KINDS = ("message", "media", "edit")
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20


@dataclass(frozen=True)
class Crowd:
    """Who asks: private chats with one job each, jobs in one supergroup and in one forum
    topic; `finish_rate` jobs a second finish (None: all at once)."""

    name: str
    private: int = 0
    group: int = 0
    topic: int = 0
    finish_rate: float | None = None


SCENARIOS = {
    "group": Crowd("group", group=30),
    "private": Crowd("private", private=1000),
    "backlog": Crowd("backlog", private=600, finish_rate=60.0),
    "mix": Crowd("mix", private=50, group=20, topic=5),
}


@dataclass
class World:
    """The crowd as the Telegram emulator has it, and the jobs the bot holds for it."""

    origins: list[Origin] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    group_id: int | None = None
    forum_id: int | None = None


@dataclass(frozen=True)
class Figures:
    crowd: Crowd
    videos: int
    duplicates: int
    wrong_replies: int
    last_after: float  # seconds from the jobs finishing to the last video
    floor: float
    private_last_after: float | None  # the mix: the private chats' own last video
    private_floor: float | None
    drain_rate: float  # videos a second from the first to the last
    per_video: float  # messages and edits sent in the whole run, per video
    status_before_last_video: int  # status edits that went out while a video still waited
    too_many: int  # 429s in the whole run
    action_share: float  # chat actions among the bot's sends, edits and actions
    calls: int


# -- the emulators and the bot ---------------------------------------------------------------


@asynccontextmanager
async def emulators() -> AsyncIterator[tuple[str, str]]:
    async with (
        emulator_process("sandbox.telegram") as telegram,
        emulator_process(
            "sandbox.runway", "--latency", "0", "--fps", "4", "--log-level", "WARNING"
        ) as runway,
    ):
        yield telegram, runway


def settings_for(telegram: str, runway: str, data: Path, jobs: int) -> Settings:
    port = free_port()
    values: dict[str, Any] = dict(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_url=telegram,
        runway_api_key=SecretStr("sandbox-key"),
        runway_api_url=runway,
        runway_upload_url=runway,
        public_url=f"http://127.0.0.1:{port}",
        http_host="127.0.0.1",
        http_port=port,
        database_path=str(data / "bot.sqlite3"),
        poll_interval_seconds=3600.0,
        result_hosts=frozenset({URL(runway).authority}),
        active_jobs_per_user=jobs,
        daily_jobs_per_user=jobs,
        log_level="WARNING",
    )
    return Settings(_env_file=None, **values)


async def render_one(session: aiohttp.ClientSession, runway: str) -> str:
    """One real video from the Runway emulator; every job of the crowd gets its URL."""
    client = RunwayClient(session, api_url=runway, upload_url=runway, api_key=SecretStr("k"))
    request = GenerationRequest(JobKind.TEXT, "a crowd of foxes", VideoOptions())
    task_id = await client.submit(request, None)
    for _ in range(600):
        update = await client.fetch(JobKind.TEXT, task_id)
        if isinstance(update, TaskSucceeded) and update.result.url:
            return update.result.url
        await asyncio.sleep(0.05)
    raise RuntimeError("the Runway emulator did not render the video")


# -- the crowd -------------------------------------------------------------------------------


async def build_world(client: SandboxClient, crowd: Crowd) -> World:
    """People, their chats, and in the groups a request message each (plain text, which the
    bot in privacy mode does not see: the job replies to it all the same)."""
    world = World()
    people = await client.create_users(max(crowd.private, crowd.group + crowd.topic, 1))
    ids = [int(person["id"]) for person in people]
    world.origins += [Origin(uid, uid, None) for uid in ids[: crowd.private]]
    if crowd.group:
        chat = await client.create_chat("supergroup", "Busy group", members=ids[: crowd.group])
        world.group_id = int(chat["id"])
        world.origins += await requests(client, world.group_id, ids[: crowd.group], None)
    if crowd.topic:
        members = ids[crowd.group : crowd.group + crowd.topic] or ids[: crowd.topic]
        forum = await client.create_chat("supergroup", "Forum", members=members, is_forum=True)
        world.forum_id = int(forum["id"])
        topic = await client.create_topic(world.forum_id, "Videos")
        thread = int(topic["message_thread_id"])
        world.origins += await requests(client, world.forum_id, members, thread)
    return world


async def requests(
    client: SandboxClient, chat_id: int, members: list[int], thread: int | None
) -> list[Origin]:
    posts = [
        {
            "chat_id": chat_id,
            "user_id": uid,
            "text": f"a fox number {n}, please",
            "thread_id": thread,
        }
        for n, uid in enumerate(members)
    ]
    posted = await client.post_many(posts)
    assert all(p.update_id is None for p in posted), "the bot must not see plain requests"
    return [
        Origin(chat_id, uid, p.message_id, thread) for uid, p in zip(members, posted, strict=True)
    ]


async def make_jobs(bot: RunningBot, world: World, *, shown: bool = True) -> None:
    """Jobs generating at the provider, each with its status shown as the bot shows it: the
    first job of a group opens its board, the others join it (`shown`: else none shown)."""
    now = datetime.now(UTC)
    for n, origin in enumerate(world.origins):
        new = NewJob(
            JobKind.TEXT,
            f"a fox number {n}",
            VideoOptions(),
            origin,
            f"crowd-{n}",
            now,
            state=JobState.GENERATING,
            due_at=now + timedelta(hours=1),  # no poll: the provider's answer comes from us
        )
        world.jobs.append(await bot.store.create(new))
    if not shown:
        return
    firsts = {}
    for job in world.jobs:
        key = (job.origin.chat_id, job.origin.thread_id)
        if job.origin.chat_id < 0 and key not in firsts:
            firsts[key] = job
            bot.service.refresh_status(job)
            await until(partial(statuses_shown, bot, [job]), what="a board")
    for job in world.jobs:
        if job not in firsts.values():
            bot.service.refresh_status(job)
    await until(lambda: statuses_shown(bot, world.jobs), what="every status")
    await until(lambda: idle(scheduler_of(bot)), what="the outbound line to empty")


async def statuses_shown(bot: RunningBot, jobs: list[Job]) -> bool:
    for job in jobs:
        stored = await bot.store.get(job.id)
        if stored is None or stored.status_message_id is None:
            return False
    return True


def scheduler_of(bot: RunningBot) -> OutboundScheduler:
    limiter = bot.application.bot.rate_limiter
    assert isinstance(limiter, OutboundScheduler)
    return limiter


async def idle(scheduler: OutboundScheduler) -> bool:
    stats = scheduler.stats()
    return not stats.waiting and stats.in_flight == 0


async def until(check: Callable[[], Awaitable[bool]], *, what: str, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what}")
        await asyncio.sleep(0.05)


async def finish(bot: RunningBot, world: World, url: str, rate: float | None) -> float:
    """Every job's result arrives (at once, or `rate` a second); returns when they had."""
    result = TaskSucceeded(Result(ResultKind.VIDEO, url))
    started = time.monotonic()
    arrivals = []
    for n, job in enumerate(world.jobs):
        if rate is not None:
            await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
        arrivals.append(asyncio.create_task(bot.service.record_update(job, result)))
    await asyncio.gather(*arrivals)
    return time.monotonic() if rate is not None else started


async def delivered(bot: RunningBot, count: int) -> bool:
    return (await bot.store.count_by_state()).get(JobState.DELIVERED, 0) >= count


# -- the figures -----------------------------------------------------------------------------


def floor(history: list[TimelineEntry], videos: list[int], start: float) -> float:
    """The soonest the last of `videos` (their chat ids) could go from `start`, sending only
    them, given the bot's `history` of sends before `start`: 30 in any second overall, 20 in
    any minute per group; a private chat's one video never waits for its own chat."""
    overall = deque(e.t for e in history if e.t > start - 1.0)
    groups: dict[int, deque[float]] = {}
    for entry in history:
        if entry.chat_id < 0 and entry.t > start - 60.0:
            groups.setdefault(entry.chat_id, deque()).append(entry.t)
    pending = Counter(videos)
    now, last = start, start
    while pending:
        for chat in list(pending):
            if not _fits(overall, now, 1.0, OVERALL_PER_SECOND):
                break
            window = groups.setdefault(chat, deque()) if chat < 0 else None
            if window is not None and not _fits(window, now, 60.0, GROUP_PER_MINUTE):
                continue
            overall.append(now)
            if window is not None:
                window.append(now)
            pending[chat] -= 1
            if not pending[chat]:
                del pending[chat]
            last = now
        if pending:
            now = _next_free(overall, groups, pending, now)
    return last - start


def _fits(window: deque[float], now: float, seconds: float, limit: int) -> bool:
    while window and window[0] <= now - seconds:
        window.popleft()
    return len(window) < limit


def _next_free(
    overall: deque[float], groups: dict[int, deque[float]], pending: Counter[int], now: float
) -> float:
    frees = [overall[0] + 1.0] if len(overall) >= OVERALL_PER_SECOND else []
    frees += [
        groups[c][0] + 60.0 for c in pending if c < 0 and len(groups.get(c, ())) >= GROUP_PER_MINUTE
    ]
    return max(now + 1e-6, min(frees, default=now + 1e-3))


def figures(
    crowd: Crowd,
    world: World,
    timeline: list[TimelineEntry],
    stats: dict[str, Any],
    finished: float,
) -> Figures:
    sends = [e for e in timeline if e.kind in FLOOD_KINDS]
    videos = [e for e in sends if e.kind == "media"]
    before = [e for e in sends if e.t < finished]
    chats = [o.chat_id for o in world.origins]
    last = max(e.t for e in videos)
    late_edits = [e for e in sends if e.kind == "edit" and finished <= e.t < last]
    private = [e.t for e in videos if e.chat_id > 0]
    mixed = crowd.private and (crowd.group or crowd.topic)
    requests = {(o.chat_id, o.request_message_id) for o in world.origins if o.request_message_id}
    wrong = sum(
        1 for e in videos if e.chat_id < 0 and (e.chat_id, e.reply_to_message_id) not in requests
    )
    per_request = Counter(
        (e.chat_id, e.reply_to_message_id if e.chat_id < 0 else 0) for e in videos
    )
    actions = sum(1 for e in timeline if e.kind == "chat_action")
    return Figures(
        crowd=crowd,
        videos=len(videos),
        duplicates=sum(n - 1 for n in per_request.values() if n > 1),
        wrong_replies=wrong,
        last_after=last - finished,
        floor=floor(before, chats, finished),
        private_last_after=max(private) - finished if mixed and private else None,
        private_floor=floor(before, [c for c in chats if c > 0], finished) if mixed else None,
        drain_rate=(len(videos) - 1) / max(1e-9, last - min(e.t for e in videos)),
        per_video=len(sends) / max(1, len(videos)),
        status_before_last_video=len(late_edits),
        too_many=int(stats["too_many_requests"]),
        action_share=actions / max(1, len(sends) + actions),
        calls=sum(int(n) for n in stats["requests"].values()),
    )


# -- a scenario ------------------------------------------------------------------------------


async def run(crowd: Crowd) -> Figures:
    jobs = crowd.private + crowd.group + crowd.topic
    async with AsyncExitStack() as stack:
        data = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="crowd-")))
        telegram, runway = await stack.enter_async_context(emulators())
        session = await stack.enter_async_context(aiohttp.ClientSession())
        client = SandboxClient(telegram, session)
        url = await render_one(session, runway)
        world = await build_world(client, crowd)
        bot = await stack.enter_async_context(
            running_bot(settings_for(telegram, runway, data, jobs))
        )
        await make_jobs(bot, world)
        finished = await finish(bot, world, url, crowd.finish_rate)
        await until(lambda: delivered(bot, jobs), what="every video")
        await until(lambda: idle(scheduler_of(bot)), what="the last status edits")
        timeline = await client.timeline()
        stats = await client.stats()
    if crowd.finish_rate is not None:  # the backlog: measured from the first result on
        finished -= (jobs - 1) / crowd.finish_rate
    return figures(crowd, world, timeline, stats, finished)


HEADER = (
    "| scenario | videos | dup | wrong reply | last video after finish | floor | ratio"
    " | private last / floor | videos/s | msgs per video | edits before last video"
    " | 429s | chat actions |"
)


def row(f: Figures) -> str:
    private = (
        f"{f.private_last_after:.1f} s / {f.private_floor:.1f} s"
        if f.private_last_after is not None and f.private_floor is not None
        else "-"
    )
    return (
        f"| {f.crowd.name} | {f.videos} | {f.duplicates} | {f.wrong_replies}"
        f" | {f.last_after:.1f} s | {f.floor:.1f} s"
        f" | {f.last_after / max(f.floor, 1e-9):.2f} | {private} | {f.drain_rate:.1f}"
        f" | {f.per_video:.2f} | {f.status_before_last_video} | {f.too_many}"
        f" | {f.action_share:.1%} |"
    )


async def main(names: list[str]) -> None:
    print(HEADER)
    print("|" + " --- |" * HEADER.count(" | ") + " --- |")
    for name in names:
        print(row(await run(SCENARIOS[name])), flush=True)


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["all"]
    asyncio.run(main(list(SCENARIOS) if chosen == ["all"] else chosen))
