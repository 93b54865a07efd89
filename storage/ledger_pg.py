"""The Stars ledger on PostgreSQL: the same rows and guarded statements as storage/ledger.py.
One difference matters: PostgreSQL runs writers side by side, so a spend, which reads the
balance and writes a row, first takes an advisory lock on the user for its transaction, and
two replicas never spend one balance twice."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import asyncpg

from bot.domain.ports import Refund, StarTotals
from storage.queries_pg import Query, compile_query

# The first key of pg_advisory_xact_lock(int, int) for "a user's balance"; the second is the
# user's id folded to 32 bits (two users sharing a fold only wait for each other).
BALANCE_LOCK = 0x5354  # "ST"

BALANCE = compile_query("SELECT COALESCE(SUM(stars), 0) FROM ledger WHERE user_id = :user_id")

SPENT_SINCE = compile_query("""
SELECT COALESCE(-SUM(stars), 0) FROM ledger
WHERE user_id = :user_id AND kind IN ('spend', 'refund') AND created_at >= :since
""")

TOP_UP = compile_query("""
INSERT INTO ledger (user_id, kind, stars, charge_id, created_at)
VALUES (:user_id, 'purchase', :stars, :charge_id, :now)
ON CONFLICT DO NOTHING
RETURNING id
""")

LOCK_BALANCE = compile_query(
    "SELECT pg_advisory_xact_lock(:lock, hashtext(:user_id::bigint::text))"
)

# Run after LOCK_BALANCE in the same transaction: it sees every spend committed before it.
SPEND = compile_query("""
INSERT INTO ledger (user_id, kind, stars, job_id, created_at)
SELECT :user_id::bigint, 'spend', -:stars::integer, :job_id::bigint, :now::timestamptz
WHERE (SELECT COALESCE(SUM(stars), 0) FROM ledger WHERE user_id = :user_id) >= :stars
ON CONFLICT DO NOTHING
RETURNING id
""")

# Both rows or neither: the charge is recorded once, the job paid once.
PAY_INVOICE = compile_query("""
INSERT INTO ledger (user_id, kind, stars, charge_id, job_id, created_at)
VALUES (:user_id, 'invoice', :stars::integer, :charge_id, :job_id, :now),
       (:user_id, 'spend', -:stars::integer, NULL, :job_id, :now)
RETURNING id
""")

REFUND = compile_query("""
INSERT INTO ledger (user_id, kind, stars, job_id, created_at)
SELECT user_id, 'refund', -stars, job_id, :now::timestamptz FROM ledger
WHERE job_id = :job_id AND kind = 'spend'
ON CONFLICT DO NOTHING
RETURNING user_id, stars
""")

INVOICE_CHARGE = compile_query(
    "SELECT charge_id FROM ledger WHERE job_id = :job_id AND kind = 'invoice'"
)

CHARGE_REFUNDED = compile_query("""
INSERT INTO ledger (user_id, kind, stars, charge_id, job_id, created_at)
VALUES (:user_id, 'charge_refunded', -:stars::integer, :charge_id, :job_id, :now)
ON CONFLICT DO NOTHING
""")

TOTALS = compile_query("""
SELECT
    COALESCE(SUM(CASE WHEN kind IN ('purchase', 'invoice') THEN stars ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN kind = 'refund' THEN stars ELSE 0 END), 0)
FROM ledger WHERE created_at >= :since
""")

UNREFUNDED_SINCE = compile_query("""
SELECT spend.job_id FROM ledger AS spend
WHERE spend.kind = 'spend' AND spend.created_at >= :since
  AND NOT EXISTS (
      SELECT 1 FROM ledger AS back WHERE back.job_id = spend.job_id AND back.kind = 'refund'
  )
ORDER BY spend.job_id
""")


def _args(query: Query, params: Mapping[str, Any]) -> list[Any]:
    return [params[name] for name in query.names]


class PostgresLedger:
    """Implements bot.domain.ports.Ledger on the job store's pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def _scalar(self, query: Query, params: Mapping[str, Any]) -> int:
        return int(await self._pool.fetchval(query.sql, *_args(query, params)) or 0)

    async def _inserted(self, query: Query, params: Mapping[str, Any]) -> bool:
        try:
            return bool(await self._pool.fetch(query.sql, *_args(query, params)))
        except asyncpg.UniqueViolationError:
            return False  # a unique index refused a double

    async def balance(self, user_id: int) -> int:
        return await self._scalar(BALANCE, {"user_id": user_id})

    async def spent_since(self, user_id: int, since: datetime) -> int:
        return await self._scalar(SPENT_SINCE, {"user_id": user_id, "since": since})

    async def top_up(self, user_id: int, stars: int, charge_id: str, now: datetime) -> bool:
        params = {"user_id": user_id, "stars": stars, "charge_id": charge_id, "now": now}
        return await self._inserted(TOP_UP, params)

    async def spend(self, user_id: int, job_id: int, stars: int, now: datetime) -> bool:
        params = {"user_id": user_id, "stars": stars, "job_id": job_id, "now": now}
        lock = {"lock": BALANCE_LOCK, "user_id": user_id}
        async with self._pool.acquire() as db, db.transaction():
            await db.execute(LOCK_BALANCE.sql, *_args(LOCK_BALANCE, lock))
            try:
                return bool(await db.fetch(SPEND.sql, *_args(SPEND, params)))
            except asyncpg.UniqueViolationError:
                return False

    async def pay_invoice(
        self, user_id: int, job_id: int, stars: int, charge_id: str, now: datetime
    ) -> bool:
        params = {
            "user_id": user_id,
            "stars": stars,
            "charge_id": charge_id,
            "job_id": job_id,
            "now": now,
        }
        return await self._inserted(PAY_INVOICE, params)

    async def refund(self, job_id: int, now: datetime) -> Refund | None:
        rows = await self._pool.fetch(REFUND.sql, *_args(REFUND, {"job_id": job_id, "now": now}))
        if not rows:
            return None
        charge_id = await self._pool.fetchval(INVOICE_CHARGE.sql, job_id)
        return Refund(int(rows[0]["user_id"]), int(rows[0]["stars"]), charge_id)

    async def charge_refunded(self, job_id: int, refund: Refund, now: datetime) -> None:
        params = {
            "user_id": refund.user_id,
            "stars": refund.stars,
            "charge_id": refund.charge_id,
            "job_id": job_id,
            "now": now,
        }
        await self._pool.execute(CHARGE_REFUNDED.sql, *_args(CHARGE_REFUNDED, params))

    async def totals(self, since: datetime) -> StarTotals:
        row = await self._pool.fetchrow(TOTALS.sql, since)
        return StarTotals(int(row[0]), int(row[1])) if row else StarTotals()

    async def unrefunded_since(self, since: datetime) -> list[int]:
        rows = await self._pool.fetch(UNREFUNDED_SINCE.sql, since)
        return [int(row[0]) for row in rows]
