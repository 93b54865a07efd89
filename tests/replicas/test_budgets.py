"""Flood budgets shared through PostgreSQL: two replicas draw on one set of buckets."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest

from bot.outbound.budgets import BudgetLimits, Window
from storage.flood_budgets import PgBudgets

PRIVATE, GROUP = 1001, -1002


@pytest.fixture
async def replicas(database_url: str) -> AsyncIterator[tuple[PgBudgets, PgBudgets]]:
    async with (
        asyncpg.create_pool(database_url, min_size=1, max_size=2) as one,
        asyncpg.create_pool(database_url, min_size=1, max_size=2) as two,
    ):
        yield await PgBudgets.create(one), await PgBudgets.create(two)


async def test_a_private_chat_budget_holds_across_replicas(
    replicas: tuple[PgBudgets, PgBudgets],
) -> None:
    a, b = replicas
    now = time.monotonic()
    assert await a.take(PRIVATE, now) == 0
    await asyncio.sleep(0.05)  # the bot's grants are spaced
    assert await b.take(PRIVATE, now) == 0  # the burst of two, one through each replica
    await asyncio.sleep(0.05)
    wait = await a.take(PRIVATE, now)
    assert 0.5 < wait <= 1.3
    assert await b.take(PRIVATE + 1, now) == 0  # another chat is not held up


async def test_the_overall_budget_is_the_bots_not_each_replicas(database_url: str) -> None:
    limits = BudgetLimits(overall=(Window(4, 60.0),), spacing=0.0)
    async with asyncpg.create_pool(database_url, min_size=1, max_size=2) as pool:
        a = await PgBudgets.create(pool, limits)
        b = await PgBudgets.create(pool, limits)
        now = time.monotonic()
        granted = [await (a if i % 2 else b).take(PRIVATE + i, now) == 0 for i in range(8)]
    assert granted == [True] * 4 + [False] * 4


async def test_a_spare_keeps_tokens_back_and_a_hold_stops_a_chat(
    replicas: tuple[PgBudgets, PgBudgets],
) -> None:
    a, b = replicas
    now = time.monotonic()
    for _ in range(10):  # 10 of the group's 18 a minute, through one replica
        assert await a.take(GROUP, now) == 0
        await asyncio.sleep(0.05)  # the bot's grants are spaced
    assert await b.take(GROUP, now, spare=8) > 0  # 8 left: none to spare for a ninth
    assert await b.take(GROUP, now, spare=7) == 0  # the 11th leaves the 7 it must
    await asyncio.sleep(0.05)
    await a.hold(GROUP, time.monotonic() + 2)
    assert 1.5 < await b.take(GROUP, now) <= 2.0
    await b.hold(None, time.monotonic() + 1)
    assert 0.5 < await a.take(PRIVATE, now) <= 1.0  # held for every chat


async def test_no_token_is_granted_while_the_database_is_away(database_url: str) -> None:
    pool = asyncpg.create_pool(database_url, min_size=1, max_size=1)
    await pool
    budgets = await PgBudgets.create(pool)
    await pool.close()
    assert await budgets.take(PRIVATE, time.monotonic()) > 0
