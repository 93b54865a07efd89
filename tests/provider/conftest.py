from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from pydantic import SecretStr

from bot.provider.kie.client import RetryPolicy, RunwayClient
from bot.provider.kie.pacing import GenerationPacer
from tests.provider.fakes import FakeProvider, serve_fake

API_KEY = "test-key-5f2c"
FAST_RETRY = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)

MakeClient = Callable[..., RunwayClient]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def fake() -> AsyncIterator[FakeProvider]:
    async with serve_fake() as fake:
        yield fake


@pytest.fixture
def make_client(session: aiohttp.ClientSession) -> MakeClient:
    def make(
        url: str,
        *,
        key: str = API_KEY,
        retry: RetryPolicy = FAST_RETRY,
        pacer: GenerationPacer | None = None,
        timeout: float = 5.0,
    ) -> RunwayClient:
        return RunwayClient(
            session,
            api_url=url,
            upload_url=url,
            api_key=SecretStr(key),
            retry=retry,
            pacer=pacer,
            timeout=timeout,
        )

    return make


@pytest.fixture
def client(fake: FakeProvider, make_client: MakeClient) -> RunwayClient:
    return make_client(fake.url)
