"""Helpers shared by the test suites: free ports and waiting for a condition."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from typing import Any, TypedDict

from telegram.request import HTTPXRequest

from bot.outbound.scheduler import Grant
from bot.telegram.app import bot_api_request

# The Runway emulator's frame_scale for tests that count, time and deliver clips but never look
# at their pixels: a quarter-size frame renders in about a quarter of the time. The tests that
# check sizes and pixels (tests/sandbox_runway) keep full frames.
QUARTER = 0.25


class BotRequests(TypedDict):
    request: HTTPXRequest
    get_updates_request: HTTPXRequest


def bot_requests(**options: Any) -> BotRequests:
    """`Bot(token, **bot_requests())`: PTB's request stack as the bot builds its own, on the
    process's one TLS context (a plain `Bot(token)` loads the CA bundle twice: 60-75 ms of CPU in
    every test that builds one). `options` are HTTPXRequest's for the calls but getUpdates."""
    return BotRequests(request=bot_api_request(**options), get_updates_request=bot_api_request())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def eventually(
    check: Callable[[], Awaitable[bool]] | Callable[[], bool],
    *,
    timeout: float = 30.0,
    interval: float = 0.05,
    what: str = "condition",
) -> None:
    """Wait until `check()` is true, or fail the test after `timeout` seconds. The default
    is generous: it only bounds a failing test, and a clip rendered while five test workers
    share two cores has taken more than 15 s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(interval)


@asynccontextmanager
async def running_task(work: Coroutine[Any, Any, None]) -> AsyncIterator[asyncio.Task[None]]:
    """Run `work` in the background for the duration of the block, then cancel it."""
    task = asyncio.create_task(work)
    try:
        yield task
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


class Grants(logging.Handler):
    """The outbound scheduler's grants in the order it made them (its DEBUG log)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.made: list[Grant] = []

    def emit(self, record: logging.LogRecord) -> None:
        grant = getattr(record, "grant", None)
        if isinstance(grant, Grant):
            self.made.append(grant)


@contextmanager
def grants_made() -> Iterator[Grants]:
    log = logging.getLogger("bot.outbound.scheduler")
    grants, level = Grants(), log.level
    log.addHandler(grants)
    log.setLevel(logging.DEBUG)
    try:
        yield grants
    finally:
        log.removeHandler(grants)
        log.setLevel(level)
