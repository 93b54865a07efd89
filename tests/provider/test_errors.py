"""Envelope codes become the right errors. Look-ups and uploads are retried on any transient
fault; a submission only where the provider cannot have made the task (429, refused connection)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.domain.errors import (
    FeatureDisabledError,
    GenerationFailedError,
    InsufficientCreditsError,
    OutcomeUnknownError,
    ProviderAuthError,
    ProviderError,
    ProviderRejectedError,
    ProviderUnavailableError,
    TaskNotFoundError,
)
from bot.domain.models import FailureReason, GenerationRequest, JobKind, MediaFile, VideoOptions
from bot.provider.kie.client import RetryPolicy, RunwayClient
from tests.provider.conftest import API_KEY, FAST_RETRY, MakeClient
from tests.provider.fakes import (
    FakeProvider,
    Reply,
    drop,
    envelope,
    json_body,
    ok,
    raw,
    stall,
)
from tests.support import free_port

TEXT = GenerationRequest(JobKind.TEXT, "a red fox in snow", VideoOptions())


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (400, ProviderRejectedError),
        (401, ProviderAuthError),
        (402, InsufficientCreditsError),
        (404, TaskNotFoundError),
        (408, GenerationFailedError),
        (422, ProviderRejectedError),
        (451, ProviderRejectedError),
        (501, GenerationFailedError),
        (505, FeatureDisabledError),
    ],
)
async def test_code_in_a_200_body_maps_to_its_error_without_retry(
    fake: FakeProvider, client: RunwayClient, code: int, error: type[ProviderError]
) -> None:
    fake.answer(envelope(code, f"reason {code}"))
    with pytest.raises(error) as caught:
        await client.credits()
    assert type(caught.value) is error
    assert caught.value.code == code
    assert str(caught.value) == f"reason {code}"
    assert len(fake.seen) == 1


async def test_code_is_read_whatever_the_http_status(
    fake: FakeProvider, client: RunwayClient
) -> None:
    fake.answer(envelope(402, "no credits left", status=403))
    with pytest.raises(InsufficientCreditsError):
        await client.credits()


async def test_rejection_message_is_kept_for_the_user_and_never_retried(
    fake: FakeProvider, client: RunwayClient
) -> None:
    fake.answer(envelope(422, "prompt is too long"), ok({"taskId": "never"}))
    with pytest.raises(ProviderRejectedError, match=r"^prompt is too long$"):
        await client.submit(TEXT, None)
    assert len(fake.seen) == 1


# Replies after which a look-up is simply asked again.
TRANSIENT = [
    pytest.param(envelope(429, "slow down"), id="429"),
    pytest.param(envelope(455, "maintenance"), id="455"),
    pytest.param(envelope(500, "oops"), id="500-in-200"),
    pytest.param(envelope(503, "busy", status=503), id="503"),
    pytest.param(raw("<html>bad gateway</html>", status=502), id="502-html"),
    pytest.param(raw("not json at all"), id="200-not-json"),
    pytest.param(json_body({"error": "gateway"}, status=504), id="504-no-envelope"),
    pytest.param(drop, id="dropped"),
]


@pytest.mark.parametrize("failure", TRANSIENT)
async def test_a_look_up_is_retried_until_success(
    fake: FakeProvider, client: RunwayClient, failure: Reply
) -> None:
    fake.answer(failure, failure, ok(7))
    assert await client.credits() == 7
    assert len(fake.seen) == 3


async def test_an_upload_is_retried_after_a_dropped_connection(
    fake: FakeProvider, client: RunwayClient, tmp_path: Path
) -> None:
    path = tmp_path / "a.png"
    path.write_bytes(b"\x89PNG" + bytes(64))
    fake.answer(drop, ok({"downloadUrl": "http://127.0.0.1:1/a.png"}))
    assert await client.upload(MediaFile(path, "a.png", 68)) == "http://127.0.0.1:1/a.png"
    assert len(fake.seen) == 2


async def test_timeouts_of_a_look_up_are_retried(
    fake: FakeProvider, make_client: MakeClient
) -> None:
    client = make_client(fake.url, timeout=0.2)
    fake.answer(stall(1.0), ok(77))
    assert await client.credits() == 77
    assert len(fake.seen) == 2


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (envelope(429, "slow down"), 429),
        (envelope(455, "maintenance"), 455),
        (envelope(500, "oops", status=500), 500),
        (raw("<html/>"), 500),
    ],
)
async def test_a_look_up_that_keeps_failing_is_unavailable(
    fake: FakeProvider, client: RunwayClient, failure: Reply, code: int
) -> None:
    fake.answer(failure)
    with pytest.raises(ProviderUnavailableError) as caught:
        await client.fetch(JobKind.TEXT, "t-1")
    assert type(caught.value) is ProviderUnavailableError
    assert caught.value.code == code
    assert caught.value.retryable
    assert len(fake.seen) == FAST_RETRY.attempts


# --- submissions: never sent twice unless the provider cannot have made the task -------------


async def test_a_rate_limited_submission_is_retried_until_success(
    fake: FakeProvider, client: RunwayClient
) -> None:
    fake.answer(envelope(429, "slow down"), envelope(429, "slow down"), ok({"taskId": "t-1"}))
    assert await client.submit(TEXT, None) == "t-1"
    assert len(fake.seen) == 3


async def test_a_submission_rate_limited_every_time_is_unavailable(
    fake: FakeProvider, client: RunwayClient
) -> None:
    fake.answer(envelope(429, "slow down"))
    with pytest.raises(ProviderUnavailableError) as caught:
        await client.submit(TEXT, None)
    assert type(caught.value) is ProviderUnavailableError
    assert caught.value.code == 429
    assert caught.value.retryable
    assert len(fake.seen) == FAST_RETRY.attempts


async def test_maintenance_makes_a_submission_unavailable_at_once(
    fake: FakeProvider, client: RunwayClient
) -> None:
    fake.answer(envelope(455, "The service is under maintenance"), ok({"taskId": "t-1"}))
    with pytest.raises(ProviderUnavailableError, match="maintenance") as caught:
        await client.submit(TEXT, None)
    assert type(caught.value) is ProviderUnavailableError  # not OutcomeUnknownError
    assert caught.value.code == 455
    assert caught.value.retryable
    assert len(fake.seen) == 1


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        pytest.param(envelope(500, "oops", status=500), 500, id="http-500"),
        pytest.param(envelope(500, "Server Error"), 500, id="500-in-200"),
        pytest.param(envelope(503, "busy", status=503), 503, id="503"),
        pytest.param(raw("<html>bad gateway</html>", status=502), 500, id="502-html"),
        pytest.param(raw("not json at all"), 500, id="200-not-json"),
        pytest.param(json_body({"error": "gateway"}, status=504), 504, id="504-no-envelope"),
        pytest.param(drop, 0, id="dropped-after-reading"),
    ],
)
async def test_a_submission_that_may_have_worked_is_sent_once(
    fake: FakeProvider, client: RunwayClient, failure: Reply, code: int
) -> None:
    fake.answer(failure, ok({"taskId": "twice"}))
    with pytest.raises(OutcomeUnknownError) as caught:
        await client.submit(TEXT, None)
    assert caught.value.code == code
    assert not caught.value.retryable
    assert caught.value.reason is FailureReason.UNCONFIRMED
    assert len(fake.seen) == 1
    assert fake.seen[0].json()["prompt"] == TEXT.prompt  # the request did arrive in full


async def test_a_submission_answered_too_late_is_sent_once(
    fake: FakeProvider, make_client: MakeClient
) -> None:
    client = make_client(fake.url, timeout=0.2)
    fake.answer(stall(1.0), ok({"taskId": "twice"}))
    with pytest.raises(OutcomeUnknownError):
        await client.submit(TEXT, None)
    assert len(fake.seen) == 1


async def test_a_submission_answered_without_a_task_id_is_sent_once(
    fake: FakeProvider, client: RunwayClient
) -> None:
    # Code 200 says the task was made; without its id the job can only wait for its callback.
    fake.answer(ok({"id": "not-task-id"}), ok({"taskId": "twice"}))
    with pytest.raises(OutcomeUnknownError):
        await client.submit(TEXT, None)
    assert len(fake.seen) == 1


async def test_a_refused_connection_is_retried_then_unavailable(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.provider")
    client = make_client(f"http://127.0.0.1:{free_port()}")  # nobody listens there
    with pytest.raises(ProviderUnavailableError) as caught:
        await client.submit(TEXT, None)
    assert type(caught.value) is ProviderUnavailableError  # nothing was sent: safe to resend
    assert caught.value.retryable
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == FAST_RETRY.attempts - 1


async def test_one_attempt_policy_never_retries(
    fake: FakeProvider, make_client: MakeClient
) -> None:
    client = make_client(fake.url, retry=RetryPolicy(attempts=1))
    fake.answer(envelope(429, "slow down"), ok(1))
    with pytest.raises(ProviderUnavailableError):
        await client.credits()
    assert len(fake.seen) == 1


async def test_a_look_up_without_the_documented_data_is_unavailable(
    fake: FakeProvider, client: RunwayClient
) -> None:
    fake.answer(ok({"unexpected": True}))
    with pytest.raises(ProviderUnavailableError):
        await client.credits()


async def test_every_call_carries_the_bearer_key(fake: FakeProvider, client: RunwayClient) -> None:
    fake.answer(ok(5))
    await client.credits()
    assert fake.seen[0].headers["Authorization"] == f"Bearer {API_KEY}"


async def test_logs_show_task_ids_and_retry_codes_but_no_key_or_url(
    fake: FakeProvider, client: RunwayClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.provider")
    fake.answer(envelope(429, "slow down"), ok({"taskId": "t-logged"}))
    request = GenerationRequest(
        JobKind.IMAGE,
        "wave",
        VideoOptions(aspect_ratio=None),
        image_url=f"{fake.url}/file/bot123:secret/photo.jpg",
    )
    await client.submit(request, f"{fake.url}/callbacks/runway/per-job-secret")
    text = caplog.text
    assert "t-logged" in text
    assert "429" in text
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"]
    for secret in (API_KEY, "http", "secret", "photo.jpg"):
        assert secret not in text
