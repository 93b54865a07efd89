"""One store suite, two backends: every test that takes `store` runs on SQLite and on
PostgreSQL, so the two cannot drift apart."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from bot.domain.ports import JobStore
from storage.postgres import PostgresJobStore
from storage.sqlite import SqliteJobStore

BACKENDS = ["sqlite", "postgres"]

Opener = Callable[[], AbstractAsyncContextManager[JobStore]]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def store_opener(backend: str, request: pytest.FixtureRequest, db_path: Path) -> Opener:
    """Opens a store on this test's database: call it again for a second process's view of
    the same data (SQLite without its single-process lock, which would refuse the second)."""
    if backend == "postgres":
        url: str = request.getfixturevalue("postgres_clean")

        @asynccontextmanager
        async def on_postgres() -> AsyncIterator[JobStore]:
            async with PostgresJobStore.open(url, pool_size=4) as store:
                yield store

        return on_postgres

    @asynccontextmanager
    async def on_sqlite() -> AsyncIterator[JobStore]:
        async with SqliteJobStore.open(db_path, exclusive=False) as store:
            yield store

    return on_sqlite


@pytest.fixture
async def store(store_opener: Opener) -> AsyncIterator[JobStore]:
    async with store_opener() as opened:
        yield opened


@pytest.fixture
async def twin(store: JobStore, store_opener: Opener) -> AsyncIterator[JobStore]:
    """A second store on the same data, as a second process (or replica) would open it."""
    async with store_opener() as other:
        yield other
