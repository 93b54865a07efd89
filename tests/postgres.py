"""A real PostgreSQL for the tests, found or started, with a fresh database per test run.

TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres) names a server and a
database to connect to for administration. When nothing answers there and PostgreSQL's
binaries are installed (initdb and pg_ctl on PATH or under /usr/lib/postgresql/*/bin), a
throwaway cluster is started in a temporary folder for the run. With neither, the PostgreSQL
tests are skipped with one line saying why; under CI=true that is a failure instead, so a CI
run can never pass without having run them.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from storage.migrate_pg import migrate
from tests.support import free_port

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SKIPPED = "PostgreSQL tests skipped"
# Every table the store writes: emptied between tests (cheaper than a new database each time).
TABLES = ("jobs", "chat_settings", "channel_bindings", "prompts", "heartbeat", "ledger")

T = TypeVar("T")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def run_async(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to the end on a loop of its own, in a thread of its own, so a
    session-wide fixture never touches the loops pytest-asyncio gives each test."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(work())
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, name="postgres-admin")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


def with_database(url: str, name: str) -> str:
    """The same server and user, another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def _answers(url: str) -> str | None:
    """None when the server answers; else why not, in a few words."""
    try:
        db = await asyncpg.connect(url, timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    await db.close()
    return None


def _binaries() -> Path | None:
    """The folder that holds initdb and pg_ctl, if PostgreSQL is installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


@contextmanager
def throwaway_cluster(binaries: Path) -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder on a free loopback port, trust auth, stopped
    and deleted afterwards. PostgreSQL refuses to run as root, so as root it runs as nobody."""
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="bot-pg-"))
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "nobody", "--"]
        shutil.chown(folder, "nobody")
    data = folder / "data"
    port = free_port()
    initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
    pg_ctl = str(binaries / "pg_ctl")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        subprocess.run(  # noqa: S603 - our own command line
            [*as_user, *initdb, "-E", "UTF8", "--no-sync"], check=True, capture_output=True
        )
        start = [pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w"]
        subprocess.run([*as_user, *start, "start"], check=True, capture_output=True)  # noqa: S603
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            stop = [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"]
            subprocess.run(stop, check=False, capture_output=True)  # noqa: S603
        shutil.rmtree(folder, ignore_errors=True)


# bot_test_<host>_<pid>_<random>: which machine and process made a database, so a run can tell
# the ones a killed run left behind (PostgreSQL allows 63 characters).
_HOST = "".join(c for c in socket.gethostname().lower() if c.isalnum())[:20] or "host"
_PREFIX = f"bot_test_{_HOST}_"


def _alive(name: str) -> bool:
    pid = name.removeprefix(_PREFIX).split("_")[0]
    if not pid.isdigit():
        return True  # not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True, slots=True)
class PostgresServer:
    """A server the tests may create databases on: `url` is its administration database."""

    url: str

    def database_url(self, name: str) -> str:
        return with_database(self.url, name)

    async def create_database(self) -> str:
        """A new empty database with a unique name; its URL."""
        name = f"{_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:8]}"
        db = await asyncpg.connect(self.url)
        try:
            await db.execute(f'CREATE DATABASE "{name}"')
        finally:
            await db.close()
        return self.database_url(name)

    async def drop_database(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        db = await asyncpg.connect(self.url)
        try:
            await db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await db.close()

    async def drop_abandoned(self) -> list[str]:
        """Drop the databases test runs on this machine left when they were killed (their
        process is gone); another machine's, and a live run's, are left alone."""
        db = await asyncpg.connect(self.url)
        try:
            rows = await db.fetch(
                "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", _PREFIX
            )
            abandoned = [row["datname"] for row in rows if not _alive(row["datname"])]
            for name in abandoned:
                await db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await db.close()
        return abandoned

    @asynccontextmanager
    async def fresh_database(self) -> AsyncIterator[str]:
        url = await self.create_database()
        try:
            yield url
        finally:
            await self.drop_database(url)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Every PostgreSQL test skipped for want of a server is reported at one place, so the
    summary folds them into one line: "SKIPPED [n] tests/postgres.py: PostgreSQL tests ..."."""
    report = yield
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and SKIPPED in str(longrepr[2]):
        report.longrepr = ("tests/postgres.py", 0, longrepr[2])
    return report


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server of this run (see the module's docstring), or a skip, or under
    CI=true a failure."""
    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_URL
    why = run_async(lambda: _answers(url))
    if why is None:
        server = PostgresServer(url)
        run_async(server.drop_abandoned)
        yield server
        return
    binaries = _binaries()
    if binaries is None:
        reason = f"no PostgreSQL at TEST_DATABASE_URL ({why}) and no initdb/pg_ctl installed"
        if in_ci():
            pytest.fail(f"CI=true: the PostgreSQL tests must run, but {reason}", pytrace=False)
        pytest.skip(f"{SKIPPED}: {reason}")
    with throwaway_cluster(binaries) as started:
        yield PostgresServer(started)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A database of its own for this test run, migrated, dropped at the end."""
    url = run_async(postgres_server.create_database)

    async def prepare() -> None:
        db = await asyncpg.connect(url)
        try:
            await migrate(db)
        finally:
            await db.close()

    try:
        run_async(prepare)
        yield url
    finally:
        run_async(lambda: postgres_server.drop_database(url))


async def empty_tables(url: str) -> None:
    """DELETE rather than TRUNCATE: on tables this small it takes a tenth of the time."""
    deletes = "; ".join(f"DELETE FROM {table}" for table in TABLES)  # noqa: S608 - constants
    db = await asyncpg.connect(url)
    try:
        restart = (
            "ALTER TABLE jobs ALTER COLUMN id RESTART; ALTER TABLE ledger ALTER COLUMN id RESTART"
        )
        await db.execute(f"{deletes}; {restart}")
    finally:
        await db.close()


@pytest.fixture
async def postgres_clean(postgres_url: str) -> str:
    """The run's database with every table empty (and ids from 1 again)."""
    await empty_tables(postgres_url)
    return postgres_url


@pytest.fixture
async def postgres_fresh(postgres_server: PostgresServer) -> AsyncIterator[str]:
    """A brand-new empty database (no schema at all) for this test alone; dropped after."""
    async with postgres_server.fresh_database() as url:
        yield url
