"""Serving an emulator's aiohttp app on a host and port for as long as a block runs."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web


@asynccontextmanager
async def serve_app(
    app: web.Application, host: str, port: int, *, shutdown_timeout: float = 60.0
) -> AsyncIterator[str]:
    """Serve `app` until the block exits and yield its base URL; port 0 picks a free port."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=shutdown_timeout)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield f"http://{_url_host(host, bound_host)}:{bound_port}"
    finally:
        await runner.cleanup()


def _url_host(requested: str, bound: str) -> str:
    """The host to put in URLs: the one asked for, or the bound one for a wildcard."""
    wildcard = not requested or ipaddress.ip_address(bound).is_unspecified
    host = bound if wildcard else requested
    return f"[{host}]" if ":" in host else host
