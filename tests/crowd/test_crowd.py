"""A crowd whose jobs finish at once, through both emulators with Telegram's flood limits on:
no 429 in the whole run, each video exactly once (in groups as a reply to its own request),
videos ahead of status edits, and one chat's flood wait holding up no other chat.

"Ahead" is judged by the scheduler's own record of its grants (its DEBUG log), not by the
times Telegram saw: how soon a result gets in line after its callback depends on how busy the
machine is (five test workers on two cores), and while no video waits, a status may go.
What must never happen, however busy, is a status let out while a video waits.

Smaller crowds than `python -m bench.crowd`, same properties; each test runs for a few
seconds because Telegram's 30 messages a second sets the pace (a comment says by how much).
"""

from __future__ import annotations

import time
from collections import Counter

import aiohttp
import pytest

from bench.crowd import (
    Crowd,
    World,
    build_world,
    delivered,
    finish,
    idle,
    make_jobs,
    render_one,
    scheduler_of,
    until,
)
from bot.outbound.scheduler import Grant
from bot.outbound.sending import Priority
from sandbox.telegram.summaries import TimelineEntry
from tests.chat.conftest import Sandbox, StartSandbox
from tests.support import grants_made

SENDS = ("message", "media", "edit")


async def crowd_finishing(sandbox: Sandbox, crowd: Crowd) -> tuple[World, float]:
    """The crowd's jobs with their statuses shown, then all finished at once; returns when
    every video is delivered and the last status edit is out."""
    async with aiohttp.ClientSession() as session:
        url = await render_one(session, sandbox.runway.url)
    world = await build_world(sandbox.client, crowd)
    await make_jobs(sandbox.bot, world)
    finished = await finish(sandbox.bot, world, url, None)
    await until(lambda: delivered(sandbox.bot, len(world.jobs)), what="every video", seconds=60)
    await until(lambda: idle(scheduler_of(sandbox.bot)), what="the status edits", seconds=60)
    return world, finished


def videos_of(timeline: list[TimelineEntry]) -> list[TimelineEntry]:
    return [e for e in timeline if e.kind == "media"]


def let_out_past_a_video(grants: list[Grant]) -> list[Grant]:
    """Statuses and edits let out while a video was in line, not yet let out itself."""
    past = []
    for n, grant in enumerate(grants):
        if grant.priority is Priority.DELIVERY:
            continue
        later = (g for g in grants[n + 1 :] if g.priority is Priority.DELIVERY)
        if any(g.entered < grant.at for g in later):
            past.append(grant)
    return past


@pytest.mark.slow(
    "About 5 s: 40 private chats and a supergroup's 10 jobs at 30 messages a second, statuses "
    "first, then videos, then the statuses' last edits."
)
async def test_a_crowd_finishing_at_once_gets_each_video_once_and_draws_no_429(
    start_sandbox: StartSandbox,
) -> None:
    """40 private chats and 10 jobs in one supergroup finishing together, each video once."""
    async with start_sandbox() as sandbox:
        with grants_made() as grants:
            world, finished = await crowd_finishing(sandbox, Crowd("test", private=40, group=10))
        timeline = await sandbox.client.timeline()
        assert await sandbox.too_many_requests() == 0  # the whole run, statuses included

    videos = videos_of(timeline)
    private = Counter(e.chat_id for e in videos if e.chat_id > 0)
    assert private == Counter({o.chat_id: 1 for o in world.origins if o.chat_id > 0})
    replies = Counter(e.reply_to_message_id for e in videos if e.chat_id < 0)
    requests = [o.request_message_id for o in world.origins if o.chat_id < 0]
    assert replies == Counter(requests)  # each group video once, replying to its own request
    edited = [g for g in grants.made if g.endpoint == "editMessageText" and g.at >= finished]
    assert edited and let_out_past_a_video(grants.made) == []  # no status edit before a video
    edits = [e for e in timeline if e.kind == "edit" and e.t >= finished]
    shown = Counter((e.chat_id, e.message_id, e.content) for e in edits)
    assert max(shown.values()) == 1  # no two identical edits of one message


async def test_videos_overtake_the_status_messages_still_waiting(
    start_sandbox: StartSandbox,
) -> None:
    """60 private chats ask; while their 60 status messages are still in line (they take 2 s),
    the 30 jobs asked last finish: their videos overtake the statuses of the 30 still
    generating, and the statuses of the finished ones are dropped, not sent late. About 3 s."""
    with grants_made() as grants:
        async with start_sandbox() as sandbox:
            async with aiohttp.ClientSession() as session:
                url = await render_one(session, sandbox.runway.url)
            world = await build_world(sandbox.client, Crowd("test", private=60))
            await make_jobs(sandbox.bot, world, shown=False)
            for job in world.jobs:
                sandbox.bot.service.refresh_status(job)
            finishing = World(world.origins[30:], world.jobs[30:])
            await finish(sandbox.bot, finishing, url, None)
            await until(lambda: delivered(sandbox.bot, 30), what="the videos", seconds=30)
            await until(lambda: idle(scheduler_of(sandbox.bot)), what="the statuses", seconds=30)
            timeline = await sandbox.client.timeline()
            assert await sandbox.too_many_requests() == 0

    videos = videos_of(timeline)
    assert Counter(e.chat_id for e in videos) == Counter(o.chat_id for o in finishing.origins)
    made = grants.made
    assert let_out_past_a_video(made) == []  # once a video is in line, no status goes first
    in_line = {g.chat: g.entered for g in made if g.endpoint == "sendVideo"}
    last_video = max(n for n, g in enumerate(made) if g.endpoint == "sendVideo")
    statuses = [g for g in made if g.endpoint == "sendMessage"]
    waiting = {o.chat_id for o in world.origins[:30]}
    assert waiting <= {e.chat_id for e in timeline if e.kind == "message"}  # theirs came after
    overtaken = {g.chat for g in made[last_video + 1 :] if g.endpoint == "sendMessage"}
    assert overtaken & waiting  # some of theirs were still in line when the videos came
    late = [g for g in statuses if g.chat in in_line and g.at > in_line[g.chat]]
    assert late == []  # a finished job's status is dropped once its video is on the way


@pytest.mark.slow("About 4 s: the 3 s flood wait Telegram sets on one chat, waited out.")
async def test_a_flood_wait_in_one_chat_holds_up_no_other(start_sandbox: StartSandbox) -> None:
    """Telegram makes one private chat wait 3 s: the other 20 get their videos at once, the
    held one after its wait, and no video goes twice."""
    with grants_made() as grants:
        async with start_sandbox() as sandbox:
            async with aiohttp.ClientSession() as session:
                url = await render_one(session, sandbox.runway.url)
            world = await build_world(sandbox.client, Crowd("test", private=21))
            await make_jobs(sandbox.bot, world)
            held = world.origins[0].chat_id
            await sandbox.client.inject_flood_wait(
                3, methods=["sendVideo"], chat_ids=[held], retry_after=3
            )
            start = time.monotonic()
            await finish(sandbox.bot, world, url, None)
            await until(lambda: delivered(sandbox.bot, 21), what="every video", seconds=30)
            timeline = await sandbox.client.timeline()
            stats = await sandbox.client.stats()

    videos = videos_of(timeline)
    assert Counter(e.chat_id for e in videos) == Counter({o.chat_id: 1 for o in world.origins})
    (late,) = [e.t - start for e in videos if e.chat_id == held]
    assert late >= 2.9
    assert stats["refusals_by_chat"]["429"] == {str(held): 1}  # refused once, then waited
    let_out = [g for g in grants.made if g.endpoint == "sendVideo"]
    refused, again = [g.at for g in let_out if g.chat == held]
    assert again - refused >= 2.9  # the held chat waited out its 3 s
    # ... and none of the other 20 waited with it (at 27 a second they take 0.75 s).
    assert max(g.at for g in let_out if g.chat != held) < again
