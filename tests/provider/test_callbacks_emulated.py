"""Callbacks the emulator really sends parse, in both shapes, and their signatures verify."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from bot.domain.models import AspectRatio, FailureReason, GenerationRequest, JobKind, VideoOptions
from bot.domain.updates import TaskFailed, TaskSucceeded
from bot.provider.kie.callbacks import parse_callback, verify_signature
from bot.provider.kie.client import RunwayClient
from sandbox.runway import RunningRunway, RunwayKnobs, serve_runway
from tests.provider.conftest import API_KEY, MakeClient
from tests.provider.emulated import drained, finished, first_post
from tests.provider.fakes import FakeProvider, Seen
from tests.support import QUARTER

HMAC_KEY = "callback-signing-key"


@pytest.fixture
async def emu() -> AsyncIterator[RunningRunway]:
    knobs = RunwayKnobs(
        api_key=API_KEY, webhook_hmac_key=HMAC_KEY, latency=0.2, fps=4, seed=3, frame_scale=QUARTER
    )
    async with serve_runway(knobs) as emu:
        yield emu
        await drained(emu)


@pytest.fixture
def runway(emu: RunningRunway, make_client: MakeClient) -> RunwayClient:
    return make_client(emu.url)


def signed(seen: Seen, task_id: str, key: str = HMAC_KEY, now: float | None = None) -> bool:
    return verify_signature(
        key,
        task_id,
        seen.headers.get("X-Webhook-Timestamp"),
        seen.headers.get("X-Webhook-Signature"),
        now=time.time() if now is None else now,
    )


async def test_generate_callback_parses_and_verifies(
    runway: RunwayClient, fake: FakeProvider
) -> None:
    request = GenerationRequest(JobKind.TEXT, "a fox", VideoOptions())
    task_id = await runway.submit(request, f"{fake.url}/callbacks/runway/tok")
    seen = await first_post(fake)
    assert seen.path == "/callbacks/runway/tok"
    assert seen.json()["data"]["task_id"] == task_id  # the snake_case Runway shape
    got_id, update = parse_callback(seen.body)
    assert got_id == task_id
    assert isinstance(update, TaskSucceeded)
    assert update == (await finished(runway, JobKind.TEXT, task_id))[-1]
    assert signed(seen, task_id)
    assert not signed(seen, task_id, key="other-key")
    assert not signed(seen, "other-task")
    assert not signed(seen, task_id, now=time.time() + 600)


async def test_failure_callback_parses(runway: RunwayClient, fake: FakeProvider) -> None:
    request = GenerationRequest(JobKind.TEXT, "a fox [[nsfw]]", VideoOptions())
    task_id = await runway.submit(request, f"{fake.url}/cb")
    got_id, update = parse_callback((await first_post(fake)).body)
    assert got_id == task_id
    assert isinstance(update, TaskFailed)
    assert update.failure.code == "400"
    assert update.failure.detail
    assert update.failure.reason is FailureReason.MODERATION
    assert not update.temporary
    assert update == (await finished(runway, JobKind.TEXT, task_id))[-1]


async def test_aleph_callback_parses_and_verifies(runway: RunwayClient, fake: FakeProvider) -> None:
    parent = await runway.submit(GenerationRequest(JobKind.TEXT, "a fox", VideoOptions()), None)
    done = (await finished(runway, JobKind.TEXT, parent))[-1]
    assert isinstance(done, TaskSucceeded)
    options = VideoOptions(aspect_ratio=AspectRatio.SQUARE)
    request = GenerationRequest(JobKind.ALEPH, "ink wash", options, video_url=done.result.url)
    task_id = await runway.submit(request, f"{fake.url}/cb")
    seen = await first_post(fake)
    assert seen.json()["taskId"] == task_id  # the Aleph shape: the id at the top
    got_id, update = parse_callback(seen.body)
    assert got_id == task_id
    assert isinstance(update, TaskSucceeded)
    assert update.result.url is not None
    assert update.result.url.endswith(".mp4")
    assert update == (await finished(runway, JobKind.ALEPH, task_id))[-1]
    assert signed(seen, task_id)
