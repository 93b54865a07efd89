"""Start the two emulators as separate processes, so a benchmark measures the bot alone."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

from tests.support import free_port


@asynccontextmanager
async def emulator_process(module: str, *args: str) -> AsyncIterator[str]:
    """Run `python -m <module> --port N ...`; yield its URL once it answers."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        "--port",
        str(port),
        *args,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await _wait_until_up(url)
        yield url
    finally:
        process.terminate()
        await process.wait()


async def _wait_until_up(url: str) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(url + "/_emulator/world") as response:
                    del response
                    return
            except aiohttp.ClientError:
                await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")
