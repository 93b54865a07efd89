"""The ledger on a real SQLite file and a real PostgreSQL database: guarded statements hold when
writers race, also from two connections on one file (two processes' worth) and from two pools
on one database (two replicas')."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.ports import Ledger
from storage.connection import open_database
from storage.ledger import SqliteLedger
from storage.ledger_pg import PostgresLedger
from storage.postgres import PostgresJobStore

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
USER = 7


@pytest.fixture(params=["sqlite", "postgres"])
def postgres(request: pytest.FixtureRequest) -> str | None:
    """The database URL for the PostgreSQL round, None for SQLite's."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_clean")
        return url
    return None


@pytest.fixture
async def ledgers(postgres: str | None, tmp_path: Path) -> AsyncIterator[tuple[Ledger, Ledger]]:
    if postgres is not None:
        async with (
            PostgresJobStore.open(postgres, pool_size=5) as one,
            PostgresJobStore.open(postgres, pool_size=5) as two,
        ):
            yield PostgresLedger(one.pool), PostgresLedger(two.pool)
        return
    path = tmp_path / "bot.sqlite3"
    async with open_database(path) as first, open_database(path) as second:
        yield SqliteLedger(first), SqliteLedger(second)


async def test_racing_spends_never_overdraw_the_balance(
    ledgers: tuple[Ledger, Ledger],
) -> None:
    one, two = ledgers
    assert await one.top_up(USER, 50, "charge-1", NOW)
    spends = [(one if n % 2 else two).spend(USER, n, 12, NOW) for n in range(1, 11)]
    won = await asyncio.gather(*spends)
    assert sum(won) == 4  # 4 x 12 <= 50 < 5 x 12
    assert await one.balance(USER) == 2
    assert await two.spent_since(USER, NOW - timedelta(days=1)) == 48


async def test_a_job_is_paid_once_and_refunded_once(
    ledgers: tuple[Ledger, Ledger],
) -> None:
    one, two = ledgers
    assert await one.pay_invoice(USER, 1, 12, "charge-1", NOW)
    assert not await two.pay_invoice(USER, 1, 12, "charge-1", NOW)  # the same charge again
    assert not await two.pay_invoice(USER, 1, 12, "charge-2", NOW)  # the job is paid already
    assert not await one.spend(USER, 1, 0, NOW)
    refunds = await asyncio.gather(*[(one, two)[n % 2].refund(1, NOW) for n in range(6)])
    given = [refund for refund in refunds if refund is not None]
    assert len(given) == 1
    assert given[0].stars == 12 and given[0].charge_id == "charge-1"
    await one.charge_refunded(1, given[0], NOW)
    await two.charge_refunded(1, given[0], NOW)
    assert await one.balance(USER) == 0
    totals = await one.totals(NOW - timedelta(days=1))
    assert (totals.earned, totals.refunded) == (12, 12)


async def test_a_charge_tops_up_once(ledgers: tuple[Ledger, Ledger]) -> None:
    one, two = ledgers
    added = await asyncio.gather(one.top_up(USER, 30, "c", NOW), two.top_up(USER, 30, "c", NOW))
    assert sorted(added) == [False, True]
    assert await one.balance(USER) == 30
    assert await one.refund(99, NOW) is None  # never paid: nothing to give back
