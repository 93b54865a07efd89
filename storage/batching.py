"""Group commit for SQLite: every write goes through one connection on one thread, and the
writes that arrive while a transaction is being written go together into the next one.

A commit costs more than the statement it commits, and a trip to the database thread costs
more than either; sixteen callbacks arriving at once become one trip and one commit instead of
sixteen of each. Each statement is still the single conditional UPDATE ... RETURNING the store
describes, and each caller is answered only after the transaction holding its statement has
committed, so an update is durable before anyone acts on it.

Point reads are batched the same way on a connection of their own (`begin="BEGIN"`): the reads
waiting together run in one trip, in one snapshot that a commit after it is not hidden from.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.connection import casefold

logger = logging.getLogger(__name__)

Params = Mapping[str, Any]

MAX_BATCH = 256  # statements per transaction: bounds how long one commit keeps the others


@dataclass(frozen=True, slots=True)
class Written:
    """What one statement returned, and how many rows it changed."""

    rows: list[sqlite3.Row]
    count: int


@dataclass(slots=True)
class _Pending:
    sql: str
    params: Params
    answer: asyncio.Future[Written]


class BatchedConnection:
    """Runs statements in batches, each batch one transaction on the connection's thread."""

    def __init__(self, db: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> None:
        self._db = db
        self._begin = begin
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-batch")
        self._pending: list[_Pending] = []
        self._flushing: asyncio.Task[None] | None = None
        self.batches = 0  # transactions committed (or tried), for tests and metrics
        self.statements = 0

    @classmethod
    def connect(
        cls, path: Path, pragmas: tuple[str, ...], begin: str = "BEGIN IMMEDIATE"
    ) -> BatchedConnection:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.row_factory = sqlite3.Row
        db.create_function("casefold", 1, casefold, deterministic=True)
        for pragma in pragmas:
            db.execute(pragma).fetchall()
        return cls(db, begin)

    async def run(self, sql: str, params: Params) -> Written:
        """Run one statement in the next transaction; return once that has committed."""
        answer: asyncio.Future[Written] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(sql, params, answer))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush(), name="sqlite-group-commit")
        return await answer

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                statements = [(item.sql, item.params) for item in batch]
                try:
                    results = await loop.run_in_executor(self._thread, self._apply, statements)
                except BaseException as exc:  # the thread itself failed: nobody's write is known
                    results = [_failure(exc)] * len(batch)
                    if isinstance(exc, asyncio.CancelledError):
                        _answer(batch, results)
                        raise
                _answer(batch, results)
        finally:
            self._flushing = None

    def _apply(self, statements: list[tuple[str, Params]]) -> list[Written | BaseException]:
        """On the writer's thread: the statements in one transaction. A statement that fails
        is rolled back alone (SQLite's statement journal) and its caller gets the error; when
        the failure ends the transaction, nothing in it counts and every caller is told."""
        self.batches += 1
        self.statements += len(statements)
        db = self._db
        try:
            db.execute(self._begin)
        except sqlite3.Error as exc:
            return [exc] * len(statements)
        results: list[Written | BaseException] = []
        for sql, params in statements:
            try:
                cursor = db.execute(sql, params)
                rows = cursor.fetchall()
                results.append(Written(rows, cursor.rowcount))
            except sqlite3.Error as exc:
                results.append(exc)
                if not db.in_transaction:  # SQLite rolled the whole transaction back
                    return [exc] * len(statements)
        try:
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            return [exc] * len(statements)
        return results

    async def close(self) -> None:
        if self._flushing is not None:
            await asyncio.gather(self._flushing, return_exceptions=True)
        await asyncio.get_running_loop().run_in_executor(self._thread, self._db.close)
        self._thread.shutdown(wait=True)


def _failure(exc: BaseException) -> BaseException:
    if isinstance(exc, Exception):
        return exc
    return sqlite3.OperationalError(f"the write was interrupted ({type(exc).__name__})")


def _answer(batch: list[_Pending], results: list[Written | BaseException]) -> None:
    for item, result in zip(batch, results, strict=True):
        if item.answer.done():  # its caller was cancelled; the statement ran all the same
            continue
        if isinstance(result, BaseException):
            item.answer.set_exception(result)
        else:
            item.answer.set_result(result)
