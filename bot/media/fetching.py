"""Fetching provider results safely: only from allowed hosts, never from inside the network.

A result URL comes from a callback or a poll, so whoever can send one chooses what the bot
fetches and then posts into a chat. The fetcher therefore checks every hop of a request:

- the URL: http or https, no credentials, a host on the allowlist (the provider's API and
  upload hosts plus RESULT_HOSTS), and, when the host is an IP literal, an allowed address;
- the addresses a host name resolves to, in the resolver the connector itself uses. Only the
  addresses that pass are handed to the connector, so the address checked is the address
  connected to: there is no second lookup for a DNS rebind to answer differently. The
  connector's DNS cache is off, so every new connection goes through the check again;
- redirects are followed by hand, at most `max_redirects` of them, each hop checked as above.

Private, loopback, link-local, multicast, reserved and unspecified addresses are refused. The
one exception is loopback for an entry of RESULT_HOSTS that is itself a loopback literal or
`localhost`, best with its port (`127.0.0.1:8089`): that is how the demo and the tests let
their emulator serve results without opening every other loopback port (the bot's own /metrics
among them) to a forged URL.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.config import Settings

logger = logging.getLogger(__name__)

REDIRECTS = frozenset({301, 302, 303, 307, 308})
LOOPBACK_NAMES = frozenset({"localhost"})
_NUMBER = re.compile(r"0x[0-9a-f]*|[0-9]+")


class FetchError(aiohttp.ClientError):
    """A result could not be fetched for a reason of ours, not the network's. A ClientError,
    so code that already handles a failed fetch handles these too."""


class BlockedURLError(FetchError):
    """The URL, a redirect, or an address its host resolves to is not one results come from.
    Permanent: fetching it again will not help."""


Entry = tuple[str, int | None]  # a host, and its port when only that port is allowed


def normal_host(host: str) -> str:
    return host.strip().lower().rstrip(".").removeprefix("[").removesuffix("]")


def parse_entry(text: str) -> Entry:
    """`host`, `host:port` or `[v6]:port`, as RESULT_HOSTS lists them."""
    return _entry_of(_parse(f"//{text.strip()}"))


def _entry_of(url: URL) -> Entry:
    return normal_host(url.raw_host or ""), url.explicit_port


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return address


def _numeric(host: str) -> bool:
    """Whether a host reads as a number to getaddrinfo: no top-level domain is numeric."""
    last = normal_host(host).rsplit(".", 1)[-1]
    return bool(_NUMBER.fullmatch(last))


def _is_loopback_entry(entry: Entry) -> bool:
    address = _address(entry[0])
    return entry[0] in LOOPBACK_NAMES or (address is not None and address.is_loopback)


def _listed(entries: frozenset[Entry], host: str, port: int | None) -> bool:
    host = normal_host(host)
    for name, only in entries:
        if only is not None and only != port:
            continue
        if name == host or (name.startswith("*.") and host.endswith(name[1:])):
            return True
    return False


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Where results may come from. `hosts` are exact names or `*.domain` wildcards, each with
    a port or None for any; `loopback_hosts` are those whose loopback addresses are allowed."""

    hosts: frozenset[Entry]
    loopback_hosts: frozenset[Entry] = frozenset()
    max_redirects: int = 3
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # between two chunks
    total_timeout: float = 600.0  # a whole download

    @classmethod
    def for_results(cls, provider_urls: Iterable[str], result_hosts: Iterable[str]) -> FetchPolicy:
        """The provider's own hosts plus RESULT_HOSTS; loopback only where RESULT_HOSTS names it."""
        listed = {parse_entry(text) for text in result_hosts if text.strip()}
        own = {_entry_of(_parse(url)) for url in provider_urls if url}
        return cls(
            hosts=frozenset(entry for entry in own | listed if entry[0]),
            loopback_hosts=frozenset(entry for entry in listed if _is_loopback_entry(entry)),
        )

    def admits_host(self, host: str, port: int | None) -> bool:
        return _listed(self.hosts, host, port)

    def admits_address(self, host: str, port: int | None, address: str) -> bool:
        """Whether `host` may be reached at `address` on `port`."""
        ip = _address(address)
        if ip is None:
            return False
        if ip.is_loopback:
            return _listed(self.loopback_hosts, host, port)
        blocked = ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved
        return ip.is_global and not blocked and not ip.is_unspecified

    def check_url(self, url: URL) -> None:
        """Raise BlockedURLError unless one hop to `url` is allowed before any lookup."""
        if url.scheme not in ("http", "https") or not url.host:
            raise BlockedURLError("only http and https URLs with a host are fetched")
        if url.user is not None or url.password is not None:
            raise BlockedURLError("URLs with credentials are not fetched")
        if not self.admits_host(url.host, url.port):
            raise BlockedURLError(f"{url.host}:{url.port} is not where results come from")
        if _numeric(url.host) and _address(url.host) is None:
            raise BlockedURLError(f"{url.host} is not a canonical address")  # 127.1, 2130706433
        if _address(url.host) is not None and not self.admits_address(url.host, url.port, url.host):
            raise BlockedURLError(f"{url.host} is not an address results come from")


def result_policy(settings: Settings) -> FetchPolicy:
    """The policy for provider results under these settings."""
    provider = [settings.runway_api_url, settings.runway_upload_url]
    if settings.runway_ai_enabled:  # the second provider keeps its results on its API host
        provider.append(settings.runway_ai_api_url)
    return FetchPolicy.for_results(provider, settings.result_hosts)


class GuardedResolver(AbstractResolver):
    """Resolves with `inner`, then keeps only the addresses the policy allows for that host."""

    def __init__(self, policy: FetchPolicy, inner: AbstractResolver | None = None) -> None:
        self.policy = policy
        self.inner = inner or aiohttp.DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if not self.policy.admits_host(host, port):
            raise BlockedURLError(f"{host}:{port} is not where results come from")
        answers = await self.inner.resolve(host, port, family)
        allowed = [a for a in answers if self.policy.admits_address(host, port, a["host"])]
        if not allowed:
            logger.info("%s resolves only to addresses results never come from", host)
            raise BlockedURLError(f"{host} resolves only to addresses results never come from")
        return allowed

    async def close(self) -> None:
        await self.inner.close()


class ResultFetcher:
    """HTTP requests for provider results under a FetchPolicy. Build it with `open`."""

    def __init__(self, session: aiohttp.ClientSession, policy: FetchPolicy) -> None:
        self._session = session
        self.policy = policy

    @classmethod
    @asynccontextmanager
    async def open(
        cls, policy: FetchPolicy, resolver: AbstractResolver | None = None
    ) -> AsyncIterator[ResultFetcher]:
        """A fetcher with its own session; `resolver` replaces DNS (the tests use this)."""
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(policy, resolver), use_dns_cache=False
        )
        timeout = aiohttp.ClientTimeout(
            total=policy.total_timeout,
            sock_connect=policy.connect_timeout,
            sock_read=policy.read_timeout,
        )
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            yield cls(session, policy)

    @asynccontextmanager
    async def request(self, method: str, url: str) -> AsyncIterator[aiohttp.ClientResponse]:
        """The response at the end of `url`'s redirects, each hop checked before it is made."""
        target = _parse(url)
        for _ in range(self.policy.max_redirects + 1):
            self.policy.check_url(target)
            async with self._session.request(method, target, allow_redirects=False) as response:
                location = _redirect_of(response)
                if location is None:
                    yield response
                    return
            target = target.join(_parse(location))
        raise BlockedURLError(f"more than {self.policy.max_redirects} redirects")


def _redirect_of(response: aiohttp.ClientResponse) -> str | None:
    return response.headers.get("Location") if response.status in REDIRECTS else None


def _parse(url: str) -> URL:
    try:
        return URL(url)
    except (ValueError, TypeError) as exc:
        raise BlockedURLError("not a URL") from exc
