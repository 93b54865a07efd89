"""The pacer holds a slot from sending until a window after the answer, so the provider, which
counts a request somewhere in between, never sees more than `limit` in any window."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from bot.domain.models import GenerationRequest, JobKind, VideoOptions
from bot.provider.kie.client import RetryPolicy
from bot.provider.kie.pacing import GenerationPacer
from tests.provider.conftest import MakeClient
from tests.provider.fakes import FakeProvider, envelope, late, ok

EPSILON = 0.005
TEXT = GenerationRequest(JobKind.TEXT, "x", VideoOptions())
QUICK_RETRY = RetryPolicy(3, 0.001, 0.001)


def assert_paced(stamps: list[float], limit: int, window: float) -> None:
    """No `window`-second span holds more than `limit` of these moments."""
    stamps = sorted(stamps)
    for first, later in zip(stamps, stamps[limit:], strict=False):
        assert later - first >= window - EPSILON


async def test_a_burst_goes_through_then_waits_for_the_window() -> None:
    pacer = GenerationPacer(limit=3, window=0.25, margin=0.0)
    start = time.monotonic()
    stamps: list[float] = []

    async def one() -> None:
        async with pacer.slot():
            stamps.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(8)))
    assert_paced(stamps, 3, 0.25)
    assert sorted(stamps)[2] - start < 0.05  # the first three do not wait
    assert max(stamps) - start < 0.5 + 0.3  # and nobody waits much longer than needed


async def test_a_slot_is_held_until_a_window_after_the_answer() -> None:
    pacer = GenerationPacer(limit=1, window=0.1, margin=0.05)
    answered_at = 0.0

    async def slow_request() -> None:
        nonlocal answered_at
        async with pacer.slot():
            await asyncio.sleep(0.3)  # the answer takes its time
            answered_at = time.monotonic()

    first = asyncio.create_task(slow_request())
    await asyncio.sleep(0.01)
    async with pacer.slot():
        next_sent_at = time.monotonic()
    await first
    assert next_sent_at - answered_at >= 0.15 - EPSILON


async def test_a_refused_slot_is_given_back_at_once() -> None:
    pacer = GenerationPacer(limit=1, window=5.0)
    async with pacer.slot() as slot:
        slot.refused = True  # a 429: the provider did not count it
    started = time.monotonic()
    async with pacer.slot():
        pass
    assert time.monotonic() - started < 0.05
    with pytest.raises(TimeoutError):  # a counted one keeps its place for the window
        async with asyncio.timeout(0.1), pacer.slot():
            pass


async def test_spaced_out_submissions_do_not_wait() -> None:
    pacer = GenerationPacer(limit=2, window=0.1, margin=0.0)
    for _ in range(2):
        async with pacer.slot():
            pass
    await asyncio.sleep(0.12)
    start = time.monotonic()
    async with pacer.slot():
        pass
    assert time.monotonic() - start < 0.02


@pytest.mark.parametrize(
    ("limit", "window", "margin"), [(0, 10.0, 0.5), (20, 0.0, 0.5), (20, 10.0, -0.1)]
)
def test_pacer_needs_positive_limits(limit: int, window: float, margin: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        GenerationPacer(limit=limit, window=window, margin=margin)


def test_rate_is_the_long_run_pace(fake: FakeProvider, make_client: MakeClient) -> None:
    pacer = GenerationPacer(limit=20, window=10.0, margin=0.5)
    assert pacer.rate == pytest.approx(20 / 10.5)
    assert make_client(fake.url, pacer=pacer).submissions_per_second == pacer.rate


async def test_a_rate_limited_retry_waits_for_the_window_but_not_for_its_own_slot(
    fake: FakeProvider, make_client: MakeClient
) -> None:
    window = 0.4
    pacer = GenerationPacer(limit=1, window=window, margin=0.05)
    client = make_client(fake.url, pacer=pacer, retry=QUICK_RETRY)
    fake.answer(ok({"taskId": "t-1"}), envelope(429, "slow down"), ok({"taskId": "t-2"}))
    assert await client.submit(TEXT, None) == "t-1"
    assert await client.submit(TEXT, None) == "t-2"
    counted, refused, retried = (seen.at for seen in fake.seen)
    assert refused - counted >= window + 0.05  # the window of the first one passed first
    assert retried - refused < window / 2  # the refused one did not take a window of its own


async def test_the_provider_never_counts_more_than_the_limit_in_a_window(
    fake: FakeProvider, make_client: MakeClient
) -> None:
    limit, window = 3, 0.3
    rng = random.Random(11)
    # The provider counts a request at some moment before it answers, and answers late.
    fake.lag = lambda: rng.uniform(0.0, 0.1)
    fake.answer(late(ok({"taskId": "t"}), 0.0, 0.2, rng))
    pacer = GenerationPacer(limit=limit, window=window, margin=0.02)
    client = make_client(fake.url, pacer=pacer, retry=RetryPolicy(attempts=1))
    await asyncio.gather(*(client.submit(TEXT, None) for _ in range(12)))
    assert len(fake.seen) == 12
    assert_paced([seen.at for seen in fake.seen], limit, window)


async def test_a_long_line_moves_at_the_pacers_rate(
    fake: FakeProvider, make_client: MakeClient
) -> None:
    # The provider's 20 per 10 s, scaled down tenfold: 100 submissions make five full windows.
    limit, window, margin = 20, 1.0, 0.05
    fake.answer(ok({"taskId": "t"}))
    client = make_client(fake.url, pacer=GenerationPacer(limit, window, margin))
    started = time.monotonic()
    await asyncio.gather(*(client.submit(TEXT, None) for _ in range(100)))
    elapsed = time.monotonic() - started
    assert len(fake.seen) == 100
    assert_paced([seen.at for seen in fake.seen], limit, window)
    ideal = 4 * (window + margin)  # the last twenty leave after four windows
    assert ideal <= elapsed < ideal + 2.0


async def test_polls_are_not_paced(fake: FakeProvider, make_client: MakeClient) -> None:
    client = make_client(fake.url, pacer=GenerationPacer(limit=1, window=2.0))
    fake.answer(ok(3))
    start = time.monotonic()
    assert [await client.credits() for _ in range(3)] == [3, 3, 3]
    assert time.monotonic() - start < 1.0
