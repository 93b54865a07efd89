"""Real replicas for the tests: `python -m bot run` processes on one PostgreSQL database, and a
small round-robin load balancer in front of them (what Caddy does in deploy/)."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from yarl import URL

from sandbox.runway import RunningRunway
from sandbox.telegram.server import RunningTelegram
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "1000:sandbox"
WEBHOOK_SECRET = "replicas-webhook-secret"
HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "host", "content-length"})


class Balancer:
    """Round-robin over the replicas' HTTP servers; a replica that refuses the connection (it
    is dead) is skipped and the request goes to the next one, as Caddy's lb_try_duration."""

    def __init__(self, upstreams: Iterable[str]) -> None:
        self.upstreams = list(upstreams)
        self.served: Counter[str] = Counter()
        self._turn = itertools.count()
        self._session: aiohttp.ClientSession | None = None

    async def forward(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        first = next(self._turn)
        for n in range(len(self.upstreams) * 3):
            upstream = self.upstreams[(first + n) % len(self.upstreams)]
            try:
                async with self._session.request(
                    request.method, upstream + request.path_qs, data=body, headers=headers
                ) as answer:
                    payload = await answer.read()
                    self.served[upstream] += 1
                    return web.Response(
                        status=answer.status, body=payload, content_type=answer.content_type
                    )
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
        return web.Response(status=502)

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[str]:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.forward)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        port = free_port()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            self._session = session
            site = web.TCPSite(runner, "127.0.0.1", port)
            await site.start()
            try:
                yield f"http://127.0.0.1:{port}"
            finally:
                await runner.cleanup()


@dataclass
class Replica:
    """One `python -m bot run` process; its output goes to `log`."""

    name: str
    port: int
    env: dict[str, str]
    log: Path
    process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=ROOT, env=self.env, stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip

    def kill(self) -> None:
        """kill -9: no clean-up of any kind, as when a machine dies."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    async def health(self) -> dict[str, Any] | None:
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"{self.url}/healthz", timeout=aiohttp.ClientTimeout(total=2)) as r,
            ):
                body: dict[str, Any] = await r.json()
                return body if r.status == 200 else None
        except (aiohttp.ClientError, TimeoutError):
            return None

    async def metric(self, name: str) -> float:
        """A sample of this replica's /metrics, e.g. 'bot_deliveries_total{outcome="sent"}'."""
        async with aiohttp.ClientSession() as session, session.get(f"{self.url}/metrics") as r:
            text = await r.text()
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        return 0.0

    async def wait_healthy(self, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while (body := await self.health()) is None:
            assert self.process is not None
            assert self.process.returncode is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"{self.name} never got healthy"
            await asyncio.sleep(0.1)
        return body


@dataclass
class Cluster:
    replicas: list[Replica]
    balancer: Balancer
    public_url: str
    telegram: RunningTelegram
    runway: RunningRunway
    database_url: str
    logs: list[Path] = field(default_factory=list)

    def output(self) -> str:
        return "\n".join(r.log.read_text(errors="replace")[-4000:] for r in self.replicas)


def replica_env(
    *,
    telegram: RunningTelegram,
    runway: RunningRunway,
    database_url: str,
    public_url: str,
    port: int,
    data: Path,
    webhook: bool,
    claim_seconds: float,
    **extra: str,
) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PTB_TIMEDELTA": "1",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": telegram.url,
        "RUNWAY_API_KEY": "sandbox-key",
        "RUNWAY_API_URL": runway.url,
        "RUNWAY_UPLOAD_URL": runway.url,
        "RESULT_HOSTS": URL(runway.url).authority,
        "PUBLIC_URL": public_url,
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
        "DATABASE_URL": database_url,
        "DATABASE_PATH": str(data / "bot.sqlite3"),  # only its folder is used: tool results
        "POLL_INTERVAL_SECONDS": "0.5",
        "CLAIM_SECONDS": str(claim_seconds),
        "ACTIVE_JOBS_PER_USER": "1000",
        "DAILY_JOBS_PER_USER": "1000",
        "RUNWAY_RATE_LIMIT": "1000",
        "DRAIN_SECONDS": "1",
        "LOG_LEVEL": "INFO",
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET if webhook else "",
    }
    return env | extra


@asynccontextmanager
async def cluster(
    tmp_path: Path,
    telegram: RunningTelegram,
    runway: RunningRunway,
    database_url: str,
    *,
    replicas: int = 2,
    webhook: bool = True,
    claim_seconds: float = 10.0,
) -> AsyncIterator[Cluster]:
    """Start the balancer and `replicas` bot processes behind it; wait until all are healthy."""
    ports = [free_port() for _ in range(replicas)]
    balancer = Balancer(f"http://127.0.0.1:{port}" for port in ports)
    async with AsyncExitStack() as stack:
        public_url = await stack.enter_async_context(balancer.serving())
        started = []
        for n, port in enumerate(ports):
            data = tmp_path / f"replica-{n}"
            data.mkdir(parents=True, exist_ok=True)
            env = replica_env(
                telegram=telegram, runway=runway, database_url=database_url,
                public_url=public_url, port=port, data=data, webhook=webhook,
                claim_seconds=claim_seconds,
            )  # fmt: skip
            replica = Replica(f"replica-{n}", port, env, data / "bot.log")
            await replica.start()
            stack.push_async_callback(replica.stop)
            started.append(replica)
        for replica in started:
            await replica.wait_healthy()
        yield Cluster(started, balancer, public_url, telegram, runway, database_url)
        for replica in started:
            with suppress(ProcessLookupError):
                await replica.stop()
