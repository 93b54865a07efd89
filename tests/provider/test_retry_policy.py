from __future__ import annotations

from bot.provider.kie.client import RetryPolicy


def test_full_jitter_stays_under_an_exponential_cap() -> None:
    policy = RetryPolicy(attempts=6, base_delay=0.5, max_delay=3.0)
    for attempt, cap in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (5, 3.0)]:
        delays = [policy.delay(attempt) for _ in range(200)]
        assert all(0.0 <= d <= cap for d in delays)
        assert max(delays) > cap / 2  # jitter spreads over the whole range
        assert min(delays) < cap / 2


def test_defaults() -> None:
    assert RetryPolicy() == RetryPolicy(attempts=4, base_delay=0.5, max_delay=8.0)
