"""The Stars ledger on SQLite: one row per movement, balances as sums, and every write one
guarded statement (kept to SQL that PostgreSQL runs as it is, so the two stores match)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.ports import Refund, StarTotals
from storage.rows import to_db_time

BALANCE = "SELECT COALESCE(SUM(stars), 0) FROM ledger WHERE user_id = :user_id"

SPENT_SINCE = """
SELECT COALESCE(-SUM(stars), 0) FROM ledger
WHERE user_id = :user_id AND kind IN ('spend', 'refund') AND created_at >= :since
"""

TOP_UP = """
INSERT INTO ledger (user_id, kind, stars, charge_id, created_at)
VALUES (:user_id, 'purchase', :stars, :charge_id, :now)
ON CONFLICT DO NOTHING
RETURNING id
"""

# The balance is read and the row written in one statement: of two racing spends, the second
# sees the first one's row, so a balance is never spent twice.
SPEND = """
INSERT INTO ledger (user_id, kind, stars, job_id, created_at)
SELECT :user_id, 'spend', -:stars, :job_id, :now
WHERE (SELECT COALESCE(SUM(stars), 0) FROM ledger WHERE user_id = :user_id) >= :stars
ON CONFLICT DO NOTHING
RETURNING id
"""

# Both rows or neither: the charge is recorded once, the job paid once.
PAY_INVOICE = """
INSERT INTO ledger (user_id, kind, stars, charge_id, job_id, created_at)
VALUES (:user_id, 'invoice', :stars, :charge_id, :job_id, :now),
       (:user_id, 'spend', -:stars, NULL, :job_id, :now)
RETURNING id
"""

REFUND = """
INSERT INTO ledger (user_id, kind, stars, job_id, created_at)
SELECT user_id, 'refund', -stars, job_id, :now FROM ledger
WHERE job_id = :job_id AND kind = 'spend'
ON CONFLICT DO NOTHING
RETURNING user_id, stars
"""

INVOICE_CHARGE = "SELECT charge_id FROM ledger WHERE job_id = :job_id AND kind = 'invoice'"

CHARGE_REFUNDED = """
INSERT INTO ledger (user_id, kind, stars, charge_id, job_id, created_at)
VALUES (:user_id, 'charge_refunded', -:stars, :charge_id, :job_id, :now)
ON CONFLICT DO NOTHING
"""

TOTALS = """
SELECT
    COALESCE(SUM(CASE WHEN kind IN ('purchase', 'invoice') THEN stars ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN kind = 'refund' THEN stars ELSE 0 END), 0)
FROM ledger WHERE created_at >= :since
"""


UNREFUNDED_SINCE = """
SELECT spend.job_id FROM ledger AS spend
WHERE spend.kind = 'spend' AND spend.created_at >= :since
  AND NOT EXISTS (
      SELECT 1 FROM ledger AS back WHERE back.job_id = spend.job_id AND back.kind = 'refund'
  )
ORDER BY spend.job_id
"""


class SqliteLedger:
    """Implements bot.domain.ports.Ledger on the job store's connection (one file, one writer)."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _rows(self, sql: str, params: Mapping[str, Any]) -> list[sqlite3.Row]:
        return list(await self._db.execute_fetchall(sql, params))

    async def _scalar(self, sql: str, params: Mapping[str, Any]) -> int:
        rows = await self._rows(sql, params)
        return int(rows[0][0]) if rows else 0

    async def _inserted(self, sql: str, params: Mapping[str, Any]) -> bool:
        try:
            return bool(await self._rows(sql, params))
        except sqlite3.IntegrityError:
            return False  # a unique index refused a double

    async def balance(self, user_id: int) -> int:
        return await self._scalar(BALANCE, {"user_id": user_id})

    async def spent_since(self, user_id: int, since: datetime) -> int:
        return await self._scalar(SPENT_SINCE, {"user_id": user_id, "since": to_db_time(since)})

    async def top_up(self, user_id: int, stars: int, charge_id: str, now: datetime) -> bool:
        params = {"user_id": user_id, "stars": stars, "charge_id": charge_id}
        return await self._inserted(TOP_UP, {**params, "now": to_db_time(now)})

    async def spend(self, user_id: int, job_id: int, stars: int, now: datetime) -> bool:
        params = {"user_id": user_id, "stars": stars, "job_id": job_id}
        return await self._inserted(SPEND, {**params, "now": to_db_time(now)})

    async def pay_invoice(
        self, user_id: int, job_id: int, stars: int, charge_id: str, now: datetime
    ) -> bool:
        params = {"user_id": user_id, "stars": stars, "charge_id": charge_id, "job_id": job_id}
        return await self._inserted(PAY_INVOICE, {**params, "now": to_db_time(now)})

    async def refund(self, job_id: int, now: datetime) -> Refund | None:
        rows = await self._rows(REFUND, {"job_id": job_id, "now": to_db_time(now)})
        if not rows:
            return None
        charges = await self._rows(INVOICE_CHARGE, {"job_id": job_id})
        charge_id = charges[0][0] if charges else None
        return Refund(int(rows[0]["user_id"]), int(rows[0]["stars"]), charge_id)

    async def charge_refunded(self, job_id: int, refund: Refund, now: datetime) -> None:
        await self._rows(
            CHARGE_REFUNDED,
            {
                "user_id": refund.user_id,
                "stars": refund.stars,
                "charge_id": refund.charge_id,
                "job_id": job_id,
                "now": to_db_time(now),
            },
        )

    async def totals(self, since: datetime) -> StarTotals:
        rows = await self._rows(TOTALS, {"since": to_db_time(since)})
        return StarTotals(int(rows[0][0]), int(rows[0][1])) if rows else StarTotals()

    async def unrefunded_since(self, since: datetime) -> list[int]:
        rows = await self._rows(UNREFUNDED_SINCE, {"since": to_db_time(since)})
        return [int(row[0]) for row in rows]
