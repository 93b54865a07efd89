"""The PostgreSQL fixture's last resort: with no server and no binaries the PostgreSQL tests
are skipped with one line saying why, and under CI=true that fails the run instead. Each case
runs pytest in a process of its own (under a second; the cluster case a second or two)."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

import asyncpg
import pytest

import tests.postgres as tests_postgres

REPO = Path(__file__).resolve().parents[2]

CONFTEST = """
import tests.postgres as postgres

if not postgres.os.environ.get("KEEP_BINARIES"):
    postgres._binaries = lambda: None  # as on a machine without PostgreSQL installed
from tests.postgres import (
    postgres_clean,
    postgres_server,
    postgres_url,
    pytest_runtest_makereport,
)
"""

TESTS = """
import asyncpg

async def test_on_postgres(postgres_clean):
    db = await asyncpg.connect(postgres_clean)
    try:
        assert await db.fetchval("SELECT COUNT(*) FROM jobs") == 0
    finally:
        await db.close()

async def test_on_postgres_too(postgres_clean):
    pass

def test_without_postgres():
    pass
"""


async def _pytest(folder: Path, **env: str) -> tuple[int, str]:
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_case.py").write_text(TESTS)
    # only the plugin these tests need: the others' start-up would double the run's time
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        **env,
    }
    if "CI" not in env:
        environment.pop("CI", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-rs",
        "-p",
        "no:cacheprovider",
        "-p",
        "pytest_asyncio.plugin",
        "-o",
        "asyncio_mode=auto",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
        str(folder),
        cwd=folder,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode()


NOWHERE = "postgresql://postgres@127.0.0.1:1/postgres"


async def test_no_server_and_no_binaries_skips_with_the_reason(tmp_path: Path) -> None:
    code, out = await _pytest(tmp_path, TEST_DATABASE_URL=NOWHERE)
    assert code == 0, out
    assert "1 passed, 2 skipped" in out
    [line] = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert line.startswith("SKIPPED [2] tests/postgres.py")
    assert "PostgreSQL tests skipped: no PostgreSQL at TEST_DATABASE_URL" in line
    assert "no initdb/pg_ctl installed" in line


async def test_under_ci_a_skipped_postgres_suite_fails_the_run(tmp_path: Path) -> None:
    code, out = await _pytest(tmp_path, TEST_DATABASE_URL=NOWHERE, CI="true")
    assert code != 0, out
    assert "1 passed" in out and "2 errors" in out
    assert "CI=true: the PostgreSQL tests must run" in out


@pytest.mark.slow("About 2-3 s alone: a pytest process runs initdb and starts a PostgreSQL server.")
@pytest.mark.skipif(tests_postgres._binaries() is None, reason="PostgreSQL is not installed here")
async def test_no_server_but_binaries_starts_a_throwaway_cluster(tmp_path: Path) -> None:
    code, out = await _pytest(tmp_path, TEST_DATABASE_URL=NOWHERE, KEEP_BINARIES="1")
    assert code == 0, out
    assert "3 passed" in out
    left = await asyncio.to_thread(lambda: list(Path(tempfile.gettempdir()).glob("bot-pg-*")))
    assert left == []  # stopped and deleted


def _dead_pid() -> int:
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid += 1


async def test_databases_a_killed_run_left_are_dropped(
    postgres_server: tests_postgres.PostgresServer, postgres_url: str
) -> None:
    abandoned = f"{tests_postgres._PREFIX}{_dead_pid()}_feedface"
    db = await asyncpg.connect(postgres_server.url)
    try:
        await db.execute(f'CREATE DATABASE "{abandoned}"')
        assert abandoned in await postgres_server.drop_abandoned()
        names = {row["datname"] for row in await db.fetch("SELECT datname FROM pg_database")}
    finally:
        await db.close()
    assert abandoned not in names
    assert postgres_url.rsplit("/", 1)[1] in names  # this run's own database stays
