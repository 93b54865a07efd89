"""/metrics: a bounded set of series whatever the bot is fed, valid text, and no secrets."""

from __future__ import annotations

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.domain.metrics import DELIVERY_OUTCOMES, PROVIDER_CODES, REJECT_REASONS, Metrics
from tests.security.conftest import (
    API_KEY,
    BOT_TOKEN,
    HMAC_KEY,
    SECRET_HEADER,
    WEBHOOK_SECRET,
    Edge,
    post,
    signed_headers,
    success_body,
)

INJECTION = 'x"} 1\nbot_jobs{state="pwned'


async def scrape(edge: Edge) -> tuple[str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{edge.url}/metrics") as response,
    ):
        assert response.status == 200
        return await response.text(), response.headers["Content-Type"]


def series(text: str, family: str) -> dict[str, float]:
    """Each sample of `family`'s _total series, by its one label value."""
    found: dict[str, float] = {}
    for metric in text_string_to_metric_families(text):
        for sample in metric.samples:
            if sample.name == f"{family}_total":
                found[next(iter(sample.labels.values()), "")] = sample.value
    return found


async def test_labels_stay_in_their_closed_sets_whatever_is_counted(edge: Edge) -> None:
    metrics = edge.service.metrics
    odd = [str(code) for code in range(1000, 2000)] + ["²", "", INJECTION, "402 "]
    for code in odd:
        metrics.inc("provider_errors", code)
        metrics.inc("callbacks_rejected", code)
        metrics.inc("deliveries", code)
    metrics.inc("provider_errors", "402")
    for token in (f"forged-{number}" for number in range(50)):  # and through HTTP
        assert (await post(f"{edge.url}/callbacks/runway/{token}", b"{}"))[0] == 404
    text, _ = await scrape(edge)
    errors = series(text, "bot_provider_errors")
    assert set(errors) == PROVIDER_CODES | {"other"}
    assert errors["other"] == len(odd) and errors["402"] == 1
    rejected = series(text, "bot_callbacks_rejected")
    assert set(rejected) == REJECT_REASONS | {"other"}
    assert rejected["unknown_token"] == 50 and rejected["other"] == len(odd)
    assert set(series(text, "bot_deliveries")) == DELIVERY_OUTCOMES | {"other"}
    assert "pwned" not in text


async def test_the_exposition_keeps_its_names_and_parses(edge: Edge) -> None:
    job = await edge.job()
    assert job.task_id is not None
    status, _ = await post(
        edge.callback_url(job), success_body(job.task_id), signed_headers(job.task_id)
    )
    assert status == 200
    text, content_type = await scrape(edge)
    assert content_type.startswith("text/plain")
    names = {metric.name for metric in text_string_to_metric_families(text)}
    expected = {"bot_callbacks_accepted", "bot_callbacks_rejected", "bot_deliveries"}
    assert {"bot_jobs", "bot_provider_errors", *expected} <= names
    assert series(text, "bot_callbacks_accepted") == {"": 1.0}
    jobs = {
        sample.labels["state"]: sample.value
        for metric in text_string_to_metric_families(text)
        if metric.name == "bot_jobs"
        for sample in metric.samples
    }
    assert sum(jobs.values()) == 1 and jobs["submitting"] == 0


async def test_no_secret_ever_reaches_metrics(edge: Edge) -> None:
    job = await edge.job()
    assert job.task_id is not None
    secrets = [BOT_TOKEN, HMAC_KEY, WEBHOOK_SECRET, API_KEY, job.callback_token]
    for secret in secrets:  # forged requests that carry the secrets wherever they can go
        await post(f"{edge.url}/callbacks/runway/{secret}x", secret.encode())
        await post(f"{edge.url}/telegram", secret.encode(), {SECRET_HEADER: secret + "x"})
        await post(edge.callback_url(job), secret.encode(), {"X-Webhook-Signature": secret})
    text, _ = await scrape(edge)
    for secret in secrets:
        assert secret not in text
    assert "security" not in text  # no part of the keys, tokens or secrets either


def test_two_bots_in_one_process_count_apart() -> None:
    first, second = Metrics(), Metrics()
    first.inc("callbacks_accepted")
    first.inc("deliveries", "sent")
    assert first.value("callbacks_accepted") == 1 and second.value("callbacks_accepted") == 0
    assert b'bot_deliveries_total{outcome="sent"} 0.0' in second.exposition({})
