"""Provider callbacks per second: the bot's web app against a bare aiohttp handler.

Run: `.venv/bin/python -m bench.callbacks [--jobs 100000] [--connections 16]`.

Each server runs in its own process and the load in another (wrk when installed, else a small
aiohttp client here), so neither shares the server's event loop:

- bare: an aiohttp handler on the same route that reads the body, parses the same JSON and
  answers as the bot does, nothing more;
- floor: the least a durable callback can cost on each store, so the bot's rows can be read
  against what is possible here: the bare handler's work plus the signature check and one
  conditional UPDATE of the job the token names, answered after it committed (SQLite through
  the store's own group-committing writer, fsync per group; PostgreSQL through an asyncpg pool
  of the store's size). Nothing is read first and nothing is delivered. "of floor" is a bot
  row's rate against the floor on its own store, from the same run;
- SQLite: the bot through its real wiring (`running_bot`), a SQLite file holding `--jobs`
  distinct pending jobs (queued at the provider, their status message shown), the callback
  signature checked, and a notifier standing in for Telegram. "paced": it confirms deliveries
  at Telegram's 30 a second for the whole bot, so a burst of callbacks leaves thousands of
  deliveries waiting, as in a real chat; "instant": at once, so every callback also costs its
  delivery's writes (the store's worst case);
- PostgreSQL: the same on PostgreSQL (`--postgres URL`, default the local server; a scratch
  database per row is made and dropped; `--postgres ""` skips it);
- two replicas: two such processes on one PostgreSQL database (sharing the 30/s) behind Caddy
  round-robin, as deploy/ runs them; skipped with a line saying so where Caddy is missing. On
  two cores the replicas, Caddy, PostgreSQL and wrk share the same two CPUs: this row shows
  the cost of the extra hop, not the gain of a second machine.

Every request is a valid signed success callback for a different job, at `--connections`
connections. Printed per server: callbacks/s, p99 latency, and both as ratios to the bare
handler measured in the same run; for the bot, how many jobs the store holds as finished
afterwards (each 200 must have left one, durable before it was answered; a few more than the
200s counted are the requests in flight when wrk stopped).

Figures from this 2-core machine are in the README; they vary by a fifth from run to run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import SecretStr

from bot.domain.models import Delivery, Job, JobKind, JobState, Origin, VideoOptions
from bot.domain.ports import NewJob
from bot.domain.service import Place
from bot.provider.kie.callbacks import sign
from storage import queries
from storage.rows import new_job_params, to_db_time
from tests.support import free_port

HMAC_KEY = "bench-hmac-key"
ROUTE = "/callbacks/runway/{token}"
READY = "READY"
FINISHED = ("succeeded", "delivered")
TELEGRAM_RATE = 30.0  # messages a second Telegram lets a bot send, overall


def token_of(number: int) -> str:
    return f"bt{number:08d}"


def task_of(number: int) -> str:
    return f"bench-task-{number}"


def callback_body(number: int) -> str:
    data = {
        "task_id": task_of(number),
        "video_id": f"v{number}",
        "video_url": f"https://cdn.example/{number}.mp4",
        "image_url": f"https://cdn.example/{number}.jpg",
    }
    return json.dumps({"code": 200, "msg": "success", "data": data})


# -- the servers (each in its own process) -----------------------------------------------------


async def serve_bare(port: int) -> None:
    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        json.loads(body)
        return web.json_response({"code": 200, "msg": "ok"})

    app = web.Application()
    app.router.add_post(ROUTE, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await _until_stopped()
    finally:
        await runner.cleanup()


# The least a durable callback can cost: what the bare handler does, plus the signature check
# and one conditional UPDATE of the job its token names, answered after the commit. No job is
# read, nothing is delivered: the bot cannot go faster than this on the same store.
FLOOR_UPDATE = (
    "UPDATE jobs SET state = 'succeeded', result_url = {url}, updated_at = {now}"
    " WHERE callback_token = {token} AND task_id = {task} AND state IN ('queued', 'generating')"
    " RETURNING id"
)


async def serve_floor(port: int, database: Path, jobs: int, postgres_url: str = "") -> None:
    from bot.provider.kie.callbacks import verify_signature
    from storage.batching import BatchedConnection
    from storage.connection import PRAGMAS, open_database
    from storage.postgres import PostgresJobStore

    async with contextlib.AsyncExitStack() as stack:
        if postgres_url:
            store = await stack.enter_async_context(PostgresJobStore.open(postgres_url))
            await seed_postgres(postgres_url, jobs)
            sql = FLOOR_UPDATE.format(url="$1", now="$2", token="$3", task="$4")

            async def update(url: str, token: str, task: str) -> bool:
                now = datetime.now(UTC)
                return await store.pool.fetchval(sql, url, now, token, task) is not None
        else:
            database.parent.mkdir(parents=True, exist_ok=True)
            async with open_database(database):  # the bot's schema, migrated
                pass
            await asyncio.to_thread(seed_sqlite, database, jobs)
            writer = BatchedConnection.connect(database, (*PRAGMAS, "PRAGMA synchronous = FULL"))
            stack.push_async_callback(writer.close)
            sql = FLOOR_UPDATE.format(url=":url", now=":now", token=":token", task=":task")

            async def update(url: str, token: str, task: str) -> bool:
                now = to_db_time(datetime.now(UTC))
                params = {"url": url, "now": now, "token": token, "task": task}
                return bool((await writer.run(sql, params)).rows)

        async def handler(request: web.Request) -> web.Response:
            body = await request.read()
            data = json.loads(body)["data"]
            signed = verify_signature(
                HMAC_KEY,
                data["task_id"],
                request.headers.get("X-Webhook-Timestamp"),
                request.headers.get("X-Webhook-Signature"),
                now=time.time(),
                window=300,
            )
            if not signed:
                return web.Response(status=401)
            if not await update(data["video_url"], request.match_info["token"], data["task_id"]):
                return web.Response(status=404)
            return web.json_response({"code": 200, "msg": "ok"})

        app = web.Application()
        app.router.add_post(ROUTE, handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, "127.0.0.1", port).start()
        await _until_stopped()


class QuietNotifier:
    """Telegram at no cost: statuses are already shown, and a delivery is confirmed at once
    (`per_second` 0) or as Telegram lets a bot send at best, `per_second` overall; a burst
    of callbacks then leaves deliveries waiting their turn, as it does in a real chat."""

    def __init__(self, per_second: float = 0.0) -> None:
        self._gap = 1 / per_second if per_second else 0.0
        self._next = 0.0

    async def show_status(self, job: Job, place: Place | None = None) -> int | None:
        return None

    async def deliver(self, job: Job, file: Path | None = None) -> Delivery:
        if self._gap:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._gap
            await asyncio.sleep(slot - now)
        return Delivery(job.origin.chat_id, 10_000 + job.id, f"file-{job.id}")

    async def report_failure(self, job: Job) -> None:
        return None


async def serve_bot(
    port: int,
    database: Path,
    jobs: int,
    postgres_url: str = "",
    *,
    per_second: float = 0.0,
    seed: bool = True,
) -> None:
    from bot.config import Settings
    from bot.web.keys import WebConfig
    from bot.wiring import running_bot, settle_collector

    settings = Settings(
        _env_file=None,
        runway_api_key=SecretStr("bench"),
        runway_api_url="http://127.0.0.1:9",  # nothing is submitted or polled during the run
        runway_upload_url="http://127.0.0.1:9",
        runway_webhook_hmac_key=SecretStr(HMAC_KEY),
        public_url=f"http://127.0.0.1:{port}",
        http_host="127.0.0.1",
        http_port=port,
        database_path=str(database),
        database_url=postgres_url,
        poll_interval_seconds=60,
        drain_seconds=5.0,
    )
    async with running_bot(
        settings,
        notifier=QuietNotifier(per_second),
        web=WebConfig(callback_hmac_key=HMAC_KEY),
    ) as bot:
        await bot.timers.ready.wait()
        if seed and postgres_url:
            await seed_postgres(postgres_url, jobs)
        elif seed:
            await asyncio.to_thread(seed_sqlite, database, jobs)
        writer = getattr(bot.store, "writer", None)  # SQLite: its group-committing writer
        before = (writer.batches, writer.statements) if writer else (0, 0)
        settle_collector()  # as `python -m bot run` does once started
        await _until_stopped()
        if writer is not None:
            batches, statements = writer.batches - before[0], writer.statements - before[1]
            stats = {"transactions": batches, "statements": statements}
            database.with_suffix(".stats").write_text(json.dumps(stats))


def pending_jobs(count: int, now: datetime) -> Iterator[dict[str, Any]]:
    """Rows for `count` jobs queued at the provider, their next poll an hour away."""
    for number in range(count):
        new = NewJob(
            kind=JobKind.TEXT,
            prompt=f"bench clip {number}",
            options=VideoOptions(),
            origin=Origin(1_000 + number % 500, number % 500 + 1, request_message_id=number),
            callback_token=token_of(number),
            created_at=now,
            state=JobState.QUEUED,
            due_at=now + timedelta(hours=1),
        )
        yield new_job_params(new)


def seed_sqlite(database: Path, count: int) -> None:
    """Insert the pending jobs beside the running bot (WAL lets a second connection write)."""
    insert = queries.INSERT_JOB.replace("RETURNING *", "")
    with sqlite3.connect(database, timeout=30) as db:
        db.executemany(insert, pending_jobs(count, datetime.now(UTC)))
        db.execute(
            "UPDATE jobs SET task_id = 'bench-task-' || CAST(substr(callback_token, 3) AS INTEGER),"
            " status_message_id = id, submitted_at = created_at"
            " WHERE callback_token LIKE 'bt%'"
        )
    db.close()


_PG_COLUMNS = (
    "kind", "engine", "prompt", "duration", "quality", "watermark", "chat_id", "user_id",
    "request_message_id", "language", "callback_token", "task_id", "status_message_id",
    "state", "due_at", "submitted_at", "created_at", "updated_at",
)  # fmt: skip


async def seed_postgres(url: str, count: int) -> None:
    """The same pending jobs, by COPY."""
    import asyncpg

    now = datetime.now(UTC)
    records = [
        ("text", "kie", f"bench clip {number}", 5, "720p", "", 1_000 + number % 500,
         number % 500 + 1, number, "en", token_of(number), task_of(number), number + 1,
         "queued", now + timedelta(hours=1), now, now, now)
        for number in range(count)
    ]  # fmt: skip
    connection = await asyncpg.connect(url)
    try:
        await connection.copy_records_to_table("jobs", records=records, columns=_PG_COLUMNS)
    finally:
        await connection.close()


def postgres_database(base: str, name: str, *, drop: bool = False) -> str:
    """Create (or drop) database `name` on the server at `base`; its URL."""
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(base)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            if not drop:
                await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(run())
    return base.rsplit("/", 1)[0] + "/" + name


def finished_on_postgres(url: str) -> int:
    import asyncpg

    async def run() -> int:
        connection = await asyncpg.connect(url)
        try:
            query = "SELECT COUNT(*) FROM jobs WHERE state = ANY($1::text[])"
            return int(await connection.fetchval(query, list(FINISHED)))
        finally:
            await connection.close()

    return asyncio.run(run())


def finished_jobs(database: Path) -> int:
    with sqlite3.connect(database) as db:
        marks = ",".join("?" * len(FINISHED))
        row = db.execute(f"SELECT COUNT(*) FROM jobs WHERE state IN ({marks})", FINISHED).fetchone()  # noqa: S608
    db.close()
    return int(row[0])


async def _until_stopped() -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stopped.set)
    loop.add_signal_handler(signal.SIGINT, stopped.set)
    print(READY, flush=True)
    await stopped.wait()


# -- the load (in its own process) -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Load:
    requests: int
    ok: int
    seconds: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def write_requests(path: Path, count: int, distinct: int) -> None:
    """One line per request: path, timestamp, signature, body (tab-separated), signed now."""
    stamp = str(int(time.time()))
    with path.open("w") as out:
        for index in range(count):
            number = index % distinct
            signature = sign(HMAC_KEY, task_of(number), stamp)
            route = ROUTE.format(token=token_of(number))
            out.write(f"{route}\t{stamp}\t{signature}\t{callback_body(number)}\n")


# Each wrk thread takes every `threads`-th request of the file, in order (wrk runs for a fixed
# time: the file holds more requests than it can send); `done` adds up the threads' 200s
# through the list setup() kept.
WRK_SCRIPT = """
local started = {}
function setup(thread)
  thread:set("id", #started)
  started[#started + 1] = thread
end
function init(args)
  local threads = tonumber(args[2])
  mine = {}
  local index = 0
  for line in io.lines(args[1]) do
    if index % threads == id then
      local path, stamp, signature, body = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)\t(.*)")
      local headers = {}
      headers["Content-Type"] = "application/json"
      headers["X-Webhook-Timestamp"] = stamp
      headers["X-Webhook-Signature"] = signature
      mine[#mine + 1] = wrk.format("POST", path, headers, body)
    end
    index = index + 1
  end
  sent = 0
  answered = 0
  ok = 0
end
function request()
  sent = sent + 1
  return mine[(sent - 1) % #mine + 1]
end
function response(status, headers, body)
  answered = answered + 1
  if status == 200 then ok = ok + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(started) do total = total + thread:get("ok") end
  io.write(string.format("RESULT %d %d %d %d\\n", summary.requests, total,
    summary.duration, latency:percentile(99)))
end
"""


def run_wrk(url: str, requests_file: Path, connections: int, seconds: float) -> Load:
    threads = 2
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "callbacks.lua"
        script.write_text(WRK_SCRIPT)
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:.0f}s"]
        command += ["--timeout", "10s", "-s", str(script), url, "--"]
        command += [str(requests_file), str(threads)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            requests, ok, micros, p99 = (int(part) for part in line.split()[1:])
            return Load(requests, ok, micros / 1e6, p99 / 1000)
    raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")


async def python_load(url: str, requests_file: Path, connections: int, seconds: float) -> Load:
    """The fallback generator: `connections` workers on one keep-alive pool, for `seconds`."""
    lines = [line.rstrip("\n").split("\t", 3) for line in requests_file.open()]
    latencies: list[float] = []
    ok = 0
    position = 0
    began = time.perf_counter()
    deadline = began + seconds
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(url, connector=connector) as session:

        async def worker() -> None:
            nonlocal ok, position
            while position < len(lines) and time.perf_counter() < deadline:
                path, stamp, signature, body = lines[position]
                position += 1
                headers = {
                    "Content-Type": "application/json",
                    "X-Webhook-Timestamp": stamp,
                    "X-Webhook-Signature": signature,
                }
                sent = time.perf_counter()
                async with session.post(path, data=body, headers=headers) as response:
                    await response.read()
                    ok += response.status == 200
                latencies.append(time.perf_counter() - sent)

        await asyncio.gather(*(worker() for _ in range(connections)))
    took = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000 if latencies else 0.0
    return Load(len(latencies), ok, took, p99)


def run_load(url: str, requests_file: Path, connections: int, seconds: float, tool: str) -> Load:
    if tool == "wrk":
        return run_wrk(url, requests_file, connections, seconds)
    command = [sys.executable, "-m", "bench.callbacks", "load", url, str(requests_file)]
    command += [str(connections), str(seconds)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return Load(**json.loads(done.stdout.strip().splitlines()[-1]))


# -- the run --------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def start_server(log: Path, *args: str) -> Server:
    port = free_port()
    with log.open("w") as errors:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "bench.callbacks", "serve", str(port), *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env={**os.environ, "PTB_TIMEDELTA": "1"},
        )
    assert process.stdout is not None
    line = process.stdout.readline()
    if line.strip() != READY:
        process.kill()
        raise RuntimeError(f"server {args} did not start:\n{log.read_text()[-3000:]}")
    return Server(process, f"http://127.0.0.1:{port}")


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    load: Load
    stored: int | None = None
    floor: Load | None = None  # for the bot's rows: the floor on the same store, this run


def bot_args(database: Path, jobs: int, *, postgres: str = "", per_second: float = 0.0,
             seed: bool = True) -> list[str]:  # fmt: skip
    return ["bot", str(database), str(jobs), postgres, str(per_second), "1" if seed else "0"]


def measure(
    jobs: int, connections: int, seconds: float, tool: str, postgres: str = ""
) -> tuple[list[Row], list[str]]:
    """The rows, and a line for each row that could not be measured here."""
    rows, missing = [], []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        requests_file = folder / "requests.tsv"
        write_requests(requests_file, jobs, jobs)

        def load_on(server: Server, warm_up: bool = False) -> Load:
            try:
                if warm_up:
                    run_load(server.url, requests_file, connections, 1, tool)
                return run_load(server.url, requests_file, connections, seconds, tool)
            finally:
                server.stop()

        bare = load_on(start_server(folder / "bare.log", "bare"), warm_up=True)
        rows.append(Row("bare aiohttp", bare))
        database = folder / "floor-sqlite" / "bot.sqlite3"
        load = load_on(
            start_server(folder / "floor-sqlite.log", "floor", str(database), str(jobs), "")
        )
        rows.append(Row("floor, SQLite", load, finished_jobs(database)))
        sqlite_floor = load
        for per_second, how in ((TELEGRAM_RATE, "paced"), (0.0, "instant")):
            database = folder / f"sqlite-{how}" / "bot.sqlite3"
            args = bot_args(database, jobs, per_second=per_second)
            load = load_on(start_server(folder / f"sqlite-{how}.log", *args))
            rows.append(Row(f"SQLite, {how}", load, finished_jobs(database), sqlite_floor))
        if not postgres:
            return rows, ["PostgreSQL: skipped (--postgres is empty)"]
        with scratch_postgres(postgres, "floor") as url:
            args = ["floor", str(folder / "pg" / "x.sqlite3"), str(jobs), url]
            load = load_on(start_server(folder / "floor-postgres.log", *args))
            rows.append(Row("floor, PostgreSQL", load, finished_on_postgres(url)))
            postgres_floor = load
        for per_second, how in ((TELEGRAM_RATE, "paced"), (0.0, "instant")):
            with scratch_postgres(postgres, how) as url:
                args = bot_args(folder / "pg" / "x.sqlite3", jobs, postgres=url,
                                per_second=per_second)  # fmt: skip
                load = load_on(start_server(folder / f"postgres-{how}.log", *args))
                rows.append(
                    Row(f"PostgreSQL, {how}", load, finished_on_postgres(url), postgres_floor)
                )
        proxy = shutil.which("caddy")
        if proxy is None:
            missing.append(
                "two replicas: skipped, Caddy (the deployment's proxy) is not installed; "
                "Debian: apt-get install caddy"
            )
            return rows, missing
        with scratch_postgres(postgres, "replicas") as url:
            row = measure_replicas(proxy, url, folder, requests_file, jobs, load_on)
            rows.append(replace(row, floor=postgres_floor))
    return rows, missing


def measure_replicas(
    caddy: str,
    url: str,
    folder: Path,
    requests_file: Path,
    jobs: int,
    load_on: Callable[[Server], Load],
) -> Row:
    """Two bot processes on one database, Telegram's 30/s shared between them, behind Caddy
    round-robin as in deploy/Caddyfile."""
    replicas = []
    try:
        for n in range(2):
            args = bot_args(folder / f"r{n}" / "x.sqlite3", jobs, postgres=url,
                            per_second=TELEGRAM_RATE / 2, seed=False)  # fmt: skip
            replicas.append(start_server(folder / f"replica-{n}.log", *args))
        # Seeded once both run: a replica starting later would take the jobs for ones an
        # earlier process left in flight, and poll each at start-up.
        asyncio.run(seed_postgres(url, jobs))
        port = free_port()
        upstreams = " ".join(server.url.removeprefix("http://") for server in replicas)
        config = folder / "Caddyfile"
        config.write_text(
            "{\n\tadmin off\n\tauto_https off\n}\n"
            f"http://127.0.0.1:{port} {{\n\treverse_proxy {upstreams} {{\n"
            "\t\tlb_policy round_robin\n\t}\n}\n"
        )
        with (folder / "caddy.log").open("w") as log:
            proxy = subprocess.Popen(  # noqa: S603
                [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
                stdout=subprocess.DEVNULL,
                stderr=log,
                text=True,
            )
        try:
            wait_for_port(port)
            load = load_on(Server(proxy, f"http://127.0.0.1:{port}"))
        finally:
            if proxy.poll() is None:
                proxy.kill()
                proxy.wait()
    finally:
        for server in replicas:
            if server.process.poll() is None:
                server.stop()
    return Row("2 replicas, paced", load, finished_on_postgres(url))


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


@contextlib.contextmanager
def scratch_postgres(base: str, tag: str) -> Iterator[str]:
    """A database of its own on the server at `base` for one row, dropped after it."""
    name = f"bench_callbacks_{os.getpid()}_{tag}"
    url = postgres_database(base, name)
    try:
        yield url
    finally:
        postgres_database(base, name, drop=True)


def report(rows: list[Row], missing: list[str], jobs: int, connections: int, tool: str) -> str:
    bare = rows[0].load
    lines = [
        f"{jobs} distinct pending jobs, {connections} connections, load by {tool}; deliveries"
        f" paced at Telegram's {TELEGRAM_RATE:.0f}/s for the bot, or instant",
        f"{'server':<20}{'callbacks/s':>12}{'p99 ms':>9}{'rate ratio':>12}{'p99 ratio':>11}"
        f"{'answered 200':>14}{'stored':>8}{'of floor':>10}",
    ]
    for row in rows:
        load = row.load
        stored = "" if row.stored is None else str(row.stored)
        of_floor = "" if row.floor is None else f"{load.rate / row.floor.rate:.2f}"
        lines.append(
            f"{row.name:<20}{load.rate:>12.0f}{load.p99_ms:>9.1f}"
            f"{load.rate / bare.rate:>12.2f}{load.p99_ms / bare.p99_ms:>11.1f}"
            f"{load.ok:>14}{stored:>8}{of_floor:>10}"
        )
    return "\n".join([*lines, *missing])


def serve(argv: list[str]) -> None:
    port, what, rest = int(argv[0]), argv[1], argv[2:]
    if what == "bare":
        asyncio.run(serve_bare(port))
        return
    if what == "floor":
        database, jobs, postgres = rest
        asyncio.run(serve_floor(port, Path(database), int(jobs), postgres))
        return
    database, jobs, postgres, per_second, seed = rest
    asyncio.run(
        serve_bot(port, Path(database), int(jobs), postgres,
                  per_second=float(per_second), seed=seed == "1")
    )  # fmt: skip


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(sys.argv[2:])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "load":
        url, requests_file, connections = sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
        load = asyncio.run(python_load(url, requests_file, connections, float(sys.argv[5])))
        print(json.dumps(asdict(load)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=100_000, help="more than can be sent")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--load", choices=("wrk", "python"), default=None)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a server to make scratch databases on; empty to skip PostgreSQL and replicas",
    )
    args = parser.parse_args()
    tool = args.load or ("wrk" if shutil.which("wrk") else "python")
    rows, missing = measure(args.jobs, args.connections, args.seconds, tool, args.postgres)
    print(report(rows, missing, args.jobs, args.connections, tool))


if __name__ == "__main__":
    main()
