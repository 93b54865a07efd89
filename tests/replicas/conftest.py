"""Fixtures of the replica tests: PostgreSQL from tests/postgres.py (a brand-new database per
test: `postgres_fresh`), and the core tests' pipelines for the SQLite health checks."""

from __future__ import annotations

import pytest

from tests.core.conftest import emulator, pipelines


@pytest.fixture
def database_url(postgres_fresh: str) -> str:
    return postgres_fresh


__all__ = ["emulator", "pipelines"]
