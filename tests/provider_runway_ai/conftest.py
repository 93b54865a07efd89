"""Fixtures: the Runway AI emulator with fast knobs, a client on it, a scripted fake for exact
faults, and a loopback file server standing in for the bot's /media/{token} route."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp.pytest_plugin import AiohttpServer
from pydantic import SecretStr

from bot.provider.kie.client import RetryPolicy
from bot.provider.runway_ai.client import RunwayAiClient
from sandbox.runway_ai import RunningRunwayAi, RunwayAiKnobs, serve_runway_ai
from tests.provider.fakes import FakeProvider, serve_fake
from tests.sandbox_runway_ai.files import FileServer, serve_files
from tests.sandbox_runway_ai.media import Samples, make_samples

KEY = "runway-ai-client-key-7c1e"
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)
KNOBS = RunwayAiKnobs(
    api_key=KEY, seed=5, fps=8, video_short_side=64, image_width=160, image_height=120
)

MakeClient = Callable[..., RunwayAiClient]


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Samples:
    return make_samples(tmp_path_factory.mktemp("samples"))


@pytest.fixture
async def emulator() -> AsyncIterator[RunningRunwayAi]:
    async with serve_runway_ai(KNOBS) as running:
        yield running


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def make_client(session: aiohttp.ClientSession) -> MakeClient:
    def make(
        url: str,
        *,
        key: str = KEY,
        timeout: float = 10.0,
        render_timeout: float = 30.0,
        retry: RetryPolicy = FAST_RETRY,
    ) -> RunwayAiClient:
        return RunwayAiClient(
            session,
            api_url=url,
            api_key=SecretStr(key),
            timeout=timeout,
            render_timeout=render_timeout,
            retry=retry,
        )

    return make


@pytest.fixture
def client(emulator: RunningRunwayAi, make_client: MakeClient) -> RunwayAiClient:
    return make_client(emulator.url)


@pytest.fixture
async def fake() -> AsyncIterator[FakeProvider]:
    async with serve_fake() as fake:
        yield fake


@pytest.fixture
async def files(aiohttp_server: AiohttpServer, tmp_path: Path) -> FileServer:
    (tmp_path / "served").mkdir()
    return await serve_files(aiohttp_server, tmp_path / "served")
