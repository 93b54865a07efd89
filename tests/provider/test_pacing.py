"""The pacer keeps generation requests within N per sliding window."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.domain.models import GenerationRequest, JobKind, VideoOptions
from bot.provider.client import RetryPolicy
from bot.provider.pacing import GenerationPacer
from tests.provider.conftest import MakeClient
from tests.provider.fakes import FakeProvider, envelope, ok

EPSILON = 0.005


def assert_paced(stamps: list[float], limit: int, window: float) -> None:
    stamps = sorted(stamps)
    for first, later in zip(stamps, stamps[limit:], strict=False):
        assert later - first >= window - EPSILON


async def test_pacer_lets_a_burst_through_then_waits_for_the_window() -> None:
    pacer = GenerationPacer(limit=3, window=0.25)
    start = time.monotonic()
    stamps: list[float] = []

    async def one() -> None:
        async with pacer:
            stamps.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(8)))
    assert_paced(stamps, 3, 0.25)
    assert sorted(stamps)[2] - start < 0.05  # the first three do not wait
    assert max(stamps) - start < 0.5 + 0.15  # and nobody waits longer than needed


async def test_acquire_spaced_out_calls_do_not_wait() -> None:
    pacer = GenerationPacer(limit=2, window=0.1)
    await pacer.acquire()
    await pacer.acquire()
    await asyncio.sleep(0.12)
    start = time.monotonic()
    await pacer.acquire()
    assert time.monotonic() - start < 0.02


def test_pacer_needs_positive_limits() -> None:
    with pytest.raises(ValueError, match="positive"):
        GenerationPacer(limit=0)


async def test_submit_waits_for_the_pacer_before_every_attempt(
    fake: FakeProvider, make_client: MakeClient
) -> None:
    pacer = GenerationPacer(limit=1, window=0.2)
    client = make_client(fake.url, pacer=pacer, retry=RetryPolicy(3, 0.001, 0.001))
    fake.answer(envelope(429, "slow down"), ok({"taskId": "t-1"}))
    assert await client.submit(GenerationRequest(JobKind.TEXT, "x", VideoOptions()), None) == "t-1"
    first, second = (seen.at for seen in fake.seen)
    assert second - first >= 0.2 - EPSILON


async def test_polls_are_not_paced(fake: FakeProvider, make_client: MakeClient) -> None:
    client = make_client(fake.url, pacer=GenerationPacer(limit=1, window=2.0))
    fake.answer(ok(3))
    start = time.monotonic()
    assert [await client.credits() for _ in range(3)] == [3, 3, 3]
    assert time.monotonic() - start < 1.0
