"""DATABASE_URL chooses the store: PostgreSQL when set, the SQLite file (held by one process)
when empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings
from storage.backends import open_store
from storage.connection import DatabaseInUseError
from storage.postgres import DatabaseUnavailableError, PostgresJobStore, describe
from storage.sqlite import SqliteJobStore
from tests.storage.factories import new_job


async def test_an_empty_url_is_the_sqlite_file_for_one_process(db_path: Path) -> None:
    settings = Settings(_env_file=None, database_path=str(db_path))
    async with open_store(settings) as store:
        assert isinstance(store, SqliteJobStore)
        assert store.backend == "sqlite"
        with pytest.raises(DatabaseInUseError):
            async with open_store(settings):
                pass


async def test_a_url_is_postgresql_for_any_number_of_processes(
    postgres_clean: str, db_path: Path
) -> None:
    settings = Settings(
        _env_file=None,
        database_url=postgres_clean,
        database_pool_size=2,
        database_path=str(db_path),
    )
    async with open_store(settings) as first, open_store(settings) as second:
        assert isinstance(first, PostgresJobStore)
        assert first.backend == "postgres"
        job = await first.create(new_job())
        assert await second.get(job.id) == job
    assert not db_path.exists()  # noqa: ASYNC240 - one stat in a test


def test_a_url_of_another_database_is_refused() -> None:
    with pytest.raises(ValidationError, match="postgresql://"):
        Settings(_env_file=None, database_url="mysql://root@db/bot")


def test_logs_name_the_database_without_credentials() -> None:
    url = "postgresql://bot:s3cret@db.internal:6432/jobs"
    assert describe(url) == "db.internal:6432/jobs"
    assert "s3cret" not in describe(url)


async def test_an_unreachable_server_is_named_without_credentials() -> None:
    url = "postgresql://bot:s3cret@127.0.0.1:1/jobs"
    with pytest.raises(DatabaseUnavailableError, match=r"127\.0\.0\.1:1/jobs") as caught:
        async with PostgresJobStore.open(url):
            pass
    assert "s3cret" not in str(caught.value)
