"""Fixtures: a running emulator with small, fast knobs, a session that sends its key, and a
loopback file server for the inputs a user would have sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.pytest_plugin import AiohttpServer

from sandbox.runway_ai import RunningRunwayAi, RunwayAiKnobs, serve_runway_ai
from tests.sandbox_runway_ai.files import FileServer, serve_files
from tests.sandbox_runway_ai.media import Samples, make_samples

KEY = "emulator-test-key"
FAST = RunwayAiKnobs(
    api_key=KEY, seed=3, fps=8, video_short_side=64, image_width=160, image_height=120
)


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Samples:
    return make_samples(tmp_path_factory.mktemp("samples"))


@pytest.fixture
async def emulator() -> AsyncIterator[RunningRunwayAi]:
    async with serve_runway_ai(FAST) as running:
        yield running


@pytest.fixture
async def api(emulator: RunningRunwayAi) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bearer {KEY}"}
    async with aiohttp.ClientSession(base_url=emulator.url, headers=headers) as session:
        yield session


@pytest.fixture
async def files(aiohttp_server: AiohttpServer, tmp_path: Path) -> FileServer:
    (tmp_path / "served").mkdir()
    return await serve_files(aiohttp_server, tmp_path / "served")
