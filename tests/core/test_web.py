"""The web app's edges on the real aiohttp app: the Telegram webhook and its refusals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from pydantic import SecretStr

from bot.domain.policy import ServicePolicy
from bot.domain.service import JobService
from bot.provider.kie.client import RunwayClient
from bot.web.app import create_web_app
from bot.web.keys import WebConfig
from storage.sqlite import SqliteJobStore
from tests.core.conftest import RecordingNotifier

SECRET = "webhook-secret"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
Client = TestClient[Any, Any]


def service_on(store: SqliteJobStore) -> JobService:
    """A service whose provider is never called by the routes under test."""
    provider = RunwayClient(
        None,  # type: ignore[arg-type]
        api_url="http://127.0.0.1:9",
        upload_url="http://127.0.0.1:9",
        api_key=SecretStr("k"),
    )
    return JobService(store, provider, RecordingNotifier(), ServicePolicy())


@pytest.fixture
async def received(aiohttp_client: Any, tmp_path: Path) -> Any:
    """The real web app with an update sink that records what it is given."""
    payloads: list[dict[str, Any]] = []

    async def sink(payload: dict[str, Any]) -> None:
        if payload.get("message") == "unparseable":
            raise TypeError("not a Message")
        payloads.append(payload)

    async with SqliteJobStore.open(tmp_path / "bot.sqlite3") as store:
        app = create_web_app(service_on(store), WebConfig(telegram_secret=SECRET), sink)
        client: Client = await aiohttp_client(app)
        yield client, payloads


async def test_an_update_with_the_secret_is_queued(received: Any) -> None:
    client, payloads = received
    response = await client.post("/telegram", json={"update_id": 1}, headers={HEADER: SECRET})
    assert response.status == 200
    assert payloads == [{"update_id": 1}]


@pytest.mark.parametrize("headers", [{}, {HEADER: "wrong"}, {HEADER: SECRET + "x"}])
async def test_a_missing_or_wrong_secret_is_401(received: Any, headers: dict[str, str]) -> None:
    client, payloads = received
    response = await client.post("/telegram", json={"update_id": 1}, headers=headers)
    assert response.status == 401
    assert payloads == []


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"no": "update_id"}', b'{"update_id": 2, "message": "unparseable"}'],
)
async def test_a_malformed_update_is_400_not_a_crash(received: Any, body: bytes) -> None:
    client, payloads = received
    response = await client.post("/telegram", data=body, headers={HEADER: SECRET})
    assert response.status == 400
    assert payloads == []


async def test_the_webhook_route_exists_only_in_webhook_mode(
    aiohttp_client: Any, tmp_path: Path
) -> None:
    async with SqliteJobStore.open(tmp_path / "bot.sqlite3") as store:
        client: Client = await aiohttp_client(create_web_app(service_on(store), WebConfig()))
        response = await client.post("/telegram", json={"update_id": 1})
        assert response.status in {404, 405}


async def test_metrics_are_prometheus_text_with_every_family(received: Any) -> None:
    client, _ = received
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    text = await response.text()
    for family in ("bot_jobs", "bot_callbacks_accepted_total", "bot_callbacks_rejected_total"):
        assert f"# TYPE {family}" in text
    for family in ("bot_deliveries_total", "bot_provider_errors_total"):
        assert f"# TYPE {family} counter" in text
    assert 'bot_jobs{state="queued"} 0.0' in text


async def test_a_deep_update_is_400_before_it_is_parsed(received: Any) -> None:
    client, payloads = received
    deep = b'{"update_id": 1, "message": ' + b"[" * 40 + b"]" * 40 + b"}"
    response = await client.post("/telegram", data=deep, headers={HEADER: SECRET})
    assert response.status == 400
    assert payloads == []
