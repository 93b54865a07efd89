"""The budgets' arithmetic, on a clock the test sets: sliding windows, not token buckets."""

from __future__ import annotations

import math

from bot.outbound.budgets import BudgetLimits, GrantLog, MemoryBudgets, Window

GROUP = -100


async def test_a_group_gets_20_in_any_minute_and_the_21st_waits_for_the_first_to_leave() -> None:
    budgets = MemoryBudgets(BudgetLimits(skew=0.5, spacing=0.0))
    for n in range(20):
        assert await budgets.take(GROUP, now=n * 0.1) == 0.0
    assert await budgets.take(GROUP, now=30.0) == 60.5 - 30.0
    assert await budgets.take(GROUP, now=60.5) == 0.0  # the first left, with the skew
    assert await budgets.take(GROUP, now=60.55) > 0  # the second has not


async def test_no_window_ever_holds_more_than_its_count() -> None:
    """A bucket of burst C refilling at r would let C + r * W through in a window W; here any
    30 s of taking as fast as allowed puts at most 20 in any 60 s and 30 in any 1 s."""
    budgets = MemoryBudgets(BudgetLimits(skew=0.0, spacing=0.0))
    granted: list[float] = []
    now = 0.0
    while now < 130.0:
        wait = await budgets.take(GROUP, now)
        if wait == 0:
            granted.append(now)
        now += max(wait, 0.01)
    assert max(sum(1 for t in granted if s <= t < s + 60.0) for s in granted) == 20
    assert len(granted) == 60  # 20 a minute, nothing more


async def test_spacing_spreads_a_burst_and_a_restamp_moves_a_grant() -> None:
    budgets = MemoryBudgets(BudgetLimits(skew=0.0, spacing=0.03))
    assert await budgets.take(1, now=0.0) == 0.0
    assert math.isclose(await budgets.take(2, now=0.0), 0.03)
    log = GrantLog()
    for at in (0.0, 0.2, 0.4):
        log.take(at)
    log.restamp(0.2, 0.9)
    assert list(log.stamps) == [0.0, 0.4, 0.9]
    assert log.wait((Window(3, 1.0),), 1, now=1.0, skew=0.0) == 0.0
    assert math.isclose(log.wait((Window(2, 1.0),), 1, now=1.0, skew=0.0), 0.4)
