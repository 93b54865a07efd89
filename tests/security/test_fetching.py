"""Result URLs: fetched only from allowed hosts and addresses, redirects and DNS answers included.

A local "result server" on loopback plays the CDN; a static resolver plays DNS, so host names
can resolve to internal addresses without any real lookup. A tripwire on the event loop fails
the test before any socket connects anywhere but loopback: no packet leaves this machine even
if the fetcher regressed.
"""

from __future__ import annotations

import asyncio
import socket
import tracemalloc
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.config import Settings
from bot.media.downloads import MB, BlockedURLError, TooLargeError, download, remote_size
from bot.media.fetching import FetchPolicy, ResultFetcher, result_policy
from tests.security.conftest import Edge
from tests.support import free_port

VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 990


@dataclass
class StaticResolver(AbstractResolver):
    """DNS from a table; `asked` counts look-ups by host."""

    table: dict[str, list[str]]
    asked: Counter[str] = field(default_factory=Counter)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked[host] += 1
        if host not in self.table:
            raise OSError(f"{host}: no such host in the test table")
        return [_answer(host, port, address) for address in self.table[host]]

    async def close(self) -> None:
        return None


def _answer(host: str, port: int, address: str) -> ResolveResult:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return {
        "hostname": host,
        "host": address,
        "port": port,
        "family": family,
        "proto": 0,
        "flags": 0,
    }


@pytest.fixture(autouse=True)
async def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connect to an address outside 127.0.0.0/8 fails the test before it is attempted."""
    loop = asyncio.get_running_loop()
    connect = loop.sock_connect

    async def guarded(sock: socket.socket, address: Any) -> None:
        assert str(address[0]).startswith("127."), f"tried to connect to {address[0]}"
        await connect(sock, address)

    monkeypatch.setattr(loop, "sock_connect", guarded)


@dataclass
class ResultServer:
    port: int
    hits: Counter[str]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


def _result_app(hits: Counter[str]) -> web.Application:
    async def video(request: web.Request) -> web.Response:
        hits[request.path] += 1
        return web.Response(body=VIDEO, content_type="video/mp4")

    async def secret(request: web.Request) -> web.Response:
        hits[request.path] += 1
        return web.Response(text="internal-secret")

    async def to(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["where"])

    async def chain(request: web.Request) -> web.Response:
        left = int(request.match_info["left"])
        if left == 0:
            return await video(request)
        raise web.HTTPFound(f"/chain/{left - 1}")

    async def big(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(int(request.match_info["mb"]) * 4):
            await response.write(b"\x00" * (MB // 4))
        await response.write_eof()
        return response

    async def stall(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        await asyncio.sleep(30)
        return response

    @web.middleware
    async def close_each(request: web.Request, handler: Any) -> web.StreamResponse:
        response: web.StreamResponse = await handler(request)
        response.force_close()  # a new connection, and so a new look-up, for every request
        return response

    app = web.Application(middlewares=[close_each])
    app.router.add_get("/video.mp4", video)
    app.router.add_get("/secret", secret)
    app.router.add_get("/to", to)
    app.router.add_get("/chain/{left}", chain)
    app.router.add_get("/big/{mb}", big)
    app.router.add_get("/stall", stall)
    return app


@pytest.fixture
async def server() -> AsyncIterator[ResultServer]:
    hits: Counter[str] = Counter()
    runner = web.AppRunner(_result_app(hits), access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield ResultServer(port, hits)
    await runner.cleanup()


def granted(server: ResultServer) -> FetchPolicy:
    """The emulator set-up: RESULT_HOSTS=127.0.0.1:<port>."""
    return FetchPolicy.for_results([], [f"127.0.0.1:{server.port}"])


def cdn(server: ResultServer, *others: str, **knobs: Any) -> FetchPolicy:
    """cdn.test stands in for a CDN (resolved to loopback by the test table); `others` are
    listed hosts with no loopback grant."""
    entries = {("cdn.test", server.port), *((host, None) for host in others)}
    return FetchPolicy(frozenset(entries), frozenset({("cdn.test", server.port)}), **knobs)


TABLE = {
    "cdn.test": ["127.0.0.1"],
    "evil.test": ["127.0.0.1"],
    "meta.test": ["169.254.169.254"],
    "lan.test": ["10.1.2.3"],
    "mixed.test": ["10.0.0.1", "192.168.0.1", "127.0.0.1"],
    "six.test": ["::1"],
    "mapped.test": ["::ffff:127.0.0.1"],
}


async def test_an_allowed_result_is_fetched(server: ResultServer, tmp_path: Path) -> None:
    async with ResultFetcher.open(granted(server)) as fetcher:
        url = server.url("/video.mp4")
        assert await remote_size(fetcher, url) == len(VIDEO)
        assert await download(fetcher, url, tmp_path / "v.mp4", 10 * MB) == len(VIDEO)
    assert (tmp_path / "v.mp4").read_bytes() == VIDEO


async def test_loopback_is_refused_without_an_explicit_grant(
    server: ResultServer, tmp_path: Path
) -> None:
    provider_on_loopback = FetchPolicy.for_results([server.url("")], [])
    async with ResultFetcher.open(provider_on_loopback) as fetcher:
        with pytest.raises(BlockedURLError):
            await remote_size(fetcher, server.url("/secret"))
        with pytest.raises(BlockedURLError):
            await download(fetcher, server.url("/secret"), tmp_path / "s", MB)
    assert server.hits["/secret"] == 0


async def test_the_bots_own_metrics_are_never_fetched(
    edge: Edge, server: ResultServer, tmp_path: Path
) -> None:
    metrics = f"{edge.url}/metrics"
    defaults = result_policy(Settings(_env_file=None))
    for policy in (defaults, granted(server)):  # production, and the emulator's grant
        async with ResultFetcher.open(policy) as fetcher:
            with pytest.raises(BlockedURLError):
                await download(fetcher, metrics, tmp_path / "m", MB)


@pytest.mark.parametrize(
    "host",
    [
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - a URL host to refuse, not a bind address
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:10.0.0.1]",
        "[fe80::1]",
        "[fc00::1]",
        "[ff02::1]",
        "[::]",
        "127.0.0.2",
        "2130706433",  # 127.0.0.1 in the legacy numeric forms getaddrinfo still reads
        "127.1",
        "0x7f.0.0.1",
        "017700000001",
    ],
)
async def test_internal_addresses_are_refused_even_when_listed(host: str, tmp_path: Path) -> None:
    url = f"http://{host}:8080/latest/meta-data/"
    listed = FetchPolicy.for_results([url], [])  # the host is on the list; its address is not
    async with ResultFetcher.open(listed) as fetcher:
        with pytest.raises(BlockedURLError):
            await download(fetcher, url, tmp_path / "x", MB)


@pytest.mark.parametrize("host", ["evil.test", "meta.test", "lan.test", "mixed.test"])
async def test_a_listed_name_that_resolves_inside_is_refused(
    server: ResultServer, host: str, tmp_path: Path
) -> None:
    resolver = StaticResolver(TABLE)
    async with ResultFetcher.open(cdn(server, host), resolver) as fetcher:
        with pytest.raises(BlockedURLError):
            await download(fetcher, server.url("/secret", host), tmp_path / "x", MB)
    assert resolver.asked[host] == 1  # refused at the look-up the connection would have used
    assert server.hits["/secret"] == 0


@pytest.mark.parametrize("host", ["six.test", "mapped.test"])
async def test_names_resolving_to_ipv6_loopback_are_refused(
    server: ResultServer, host: str, tmp_path: Path
) -> None:
    async with ResultFetcher.open(cdn(server, host), StaticResolver(TABLE)) as fetcher:
        with pytest.raises(BlockedURLError):
            await download(fetcher, server.url("/secret", host), tmp_path / "x", MB)


@pytest.mark.parametrize(
    "where",
    [
        "http://127.0.0.1:{port}/secret",
        "http://localhost:{port}/secret",
        "http://evil.test:{port}/secret",
        "http://10.0.0.1/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/secret",
        "file:///etc/passwd",
    ],
)
async def test_a_redirect_from_an_allowed_host_inside_is_refused(
    server: ResultServer, where: str, tmp_path: Path
) -> None:
    target = where.format(port=server.port)
    url = server.url(f"/to?where={target}", "cdn.test")
    async with ResultFetcher.open(cdn(server, "evil.test"), StaticResolver(TABLE)) as fetcher:
        with pytest.raises(BlockedURLError):
            await remote_size(fetcher, url)
        with pytest.raises(BlockedURLError):
            await download(fetcher, url, tmp_path / "x", MB)
    assert server.hits["/secret"] == 0


async def test_a_redirect_within_allowed_hosts_is_followed(
    server: ResultServer, tmp_path: Path
) -> None:
    url = server.url(f"/to?where={server.url('/video.mp4', 'cdn.test')}", "cdn.test")
    async with ResultFetcher.open(cdn(server), StaticResolver(TABLE)) as fetcher:
        assert await download(fetcher, url, tmp_path / "v", MB) == len(VIDEO)


async def test_redirects_are_capped(server: ResultServer, tmp_path: Path) -> None:
    async with ResultFetcher.open(cdn(server), StaticResolver(TABLE)) as fetcher:
        ok = server.url("/chain/3", "cdn.test")
        assert await download(fetcher, ok, tmp_path / "v", MB) == len(VIDEO)
        with pytest.raises(BlockedURLError, match="redirects"):
            await download(fetcher, server.url("/chain/4", "cdn.test"), tmp_path / "w", MB)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://cdn.test/x.mp4",
        "gopher://cdn.test:70/",
        "http://user:password@cdn.test:{port}/video.mp4",
        "http:///video.mp4",
        "not a url at all",
        "",
        "http://elsewhere.test:{port}/video.mp4",
        "http://cdn.test:1/video.mp4",  # a listed host, but not on its listed port
    ],
)
async def test_urls_outside_the_policy_are_refused(
    server: ResultServer, url: str, tmp_path: Path
) -> None:
    async with ResultFetcher.open(cdn(server), StaticResolver(TABLE)) as fetcher:
        with pytest.raises(BlockedURLError):
            await download(fetcher, url.format(port=server.port), tmp_path / "x", MB)


async def test_a_dns_rebind_after_the_first_fetch_is_refused(
    server: ResultServer, tmp_path: Path
) -> None:
    resolver = StaticResolver({"cdn.test": ["127.0.0.1"]})
    url = server.url("/video.mp4", "cdn.test")
    async with ResultFetcher.open(cdn(server), resolver) as fetcher:
        assert await download(fetcher, url, tmp_path / "v", MB) == len(VIDEO)
        resolver.table["cdn.test"] = ["10.0.0.1"]  # the name now points inside
        with pytest.raises(BlockedURLError):
            await download(fetcher, url, tmp_path / "w", MB)
    # One look-up per connection, and it is the one checked: no second answer to differ.
    assert resolver.asked["cdn.test"] == 2
    assert server.hits["/video.mp4"] == 1


async def test_a_result_over_the_limit_stops_at_the_limit(
    server: ResultServer, tmp_path: Path
) -> None:
    async with ResultFetcher.open(granted(server)) as fetcher:
        with pytest.raises(TooLargeError):  # declared too large: nothing is read
            await download(fetcher, server.url("/video.mp4"), tmp_path / "v", 100)
        with pytest.raises(TooLargeError):  # chunked, no length: stopped at the limit
            await download(fetcher, server.url("/big/8"), tmp_path / "b", 5 * MB)
    assert (tmp_path / "b").stat().st_size <= 5 * MB


async def test_memory_stays_flat_while_50_mb_stream_to_disk(
    server: ResultServer, tmp_path: Path
) -> None:
    async with ResultFetcher.open(granted(server)) as fetcher:
        tracemalloc.start()
        try:
            size = await download(fetcher, server.url("/big/50"), tmp_path / "big", 50 * MB)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert size == 50 * MB == (tmp_path / "big").stat().st_size
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB"  # the server's side is in this process too


async def test_a_result_that_stalls_times_out(server: ResultServer, tmp_path: Path) -> None:
    policy = FetchPolicy.for_results([], [f"127.0.0.1:{server.port}"])
    quick = FetchPolicy(policy.hosts, policy.loopback_hosts, read_timeout=0.5)
    async with ResultFetcher.open(quick) as fetcher:
        with pytest.raises(TimeoutError):
            await download(fetcher, server.url("/stall"), tmp_path / "s", MB)
