"""Callbacks in every documented shape, and their signatures."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.domain.models import Failure, FailureReason, Result, ResultKind
from bot.domain.updates import TaskFailed, TaskSucceeded, TaskUpdate
from bot.provider.kie.callbacks import CallbackError, parse_callback, sign, verify_signature

KEY = "hmac-key"
NOW = 1_760_000_000.0


def body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def video(url: str, poster: str | None = None) -> TaskSucceeded:
    return TaskSucceeded(Result(ResultKind.VIDEO, url, poster))


def update_of(payload: Any) -> TaskUpdate:
    return parse_callback(body(payload))[1]


def test_runway_success() -> None:
    payload = {
        "code": 200,
        "msg": "All generated successfully.",
        "data": {
            "task_id": "ee60",
            "video_id": "485d",
            "video_url": "https://cdn.example/x.mp4",
            "image_url": "https://cdn.example/x.png",
        },
    }
    assert parse_callback(body(payload)) == (
        "ee60",
        video("https://cdn.example/x.mp4", "https://cdn.example/x.png"),
    )


def test_runway_failure_keeps_code_and_message() -> None:
    payload = {
        "code": 400,
        "msg": "Inappropriate content detected. Please replace the image or video.",
        "data": {"task_id": "ee61", "video_id": "", "video_url": "", "image_url": ""},
    }
    message = "Inappropriate content detected. Please replace the image or video."
    assert parse_callback(body(payload)) == (
        "ee61",
        TaskFailed(Failure(FailureReason.MODERATION, message, "400"), temporary=False),
    )


def test_aleph_shape_with_task_id_at_the_top() -> None:
    payload = {
        "code": 200,
        "msg": "success",
        "taskId": "al-1",
        "data": {"result_video_url": "https://cdn.example/a.mp4", "result_image_url": ""},
    }
    assert parse_callback(body(payload)) == (
        "al-1",
        video("https://cdn.example/a.mp4"),
    )


def test_aleph_failure() -> None:
    payload = {"code": 500, "msg": "internal error", "task_id": "al-2", "data": None}
    failure = Failure(FailureReason.PROVIDER_DOWN, "internal error", "500")
    assert parse_callback(body(payload)) == ("al-2", TaskFailed(failure, temporary=True))


def test_camel_case_task_id_in_data() -> None:
    payload = {"code": 200, "msg": "ok", "data": {"taskId": "t-3", "video_url": "https://v/3"}}
    assert parse_callback(body(payload)) == ("t-3", video("https://v/3"))


def test_code_as_a_string_is_accepted() -> None:
    payload = {"code": "200", "data": {"task_id": "t-4", "video_url": "https://v/4"}}
    assert parse_callback(body(payload)) == ("t-4", video("https://v/4"))
    payload = {"code": "400", "msg": "nsfw", "data": {"task_id": "t-5"}}
    failure = Failure(FailureReason.MODERATION, "nsfw", "400")
    assert parse_callback(body(payload)) == ("t-5", TaskFailed(failure))


def test_success_without_a_video_is_a_failure() -> None:
    payload = {"code": 200, "msg": "done", "data": {"task_id": "t-6", "video_url": ""}}
    failure = Failure(
        FailureReason.NO_RESULT, "the provider reported success but sent no video", "no_video"
    )
    assert parse_callback(body(payload)) == ("t-6", TaskFailed(failure))


def test_unknown_fields_are_ignored() -> None:
    payload = {
        "code": 200,
        "msg": "ok",
        "extra": [1, 2],
        "data": {"task_id": "t-7", "video_url": "https://v/7", "duration": 5, "nested": {}},
    }
    assert parse_callback(body(payload)) == ("t-7", video("https://v/7"))


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (500, "Generation failed due to network reasons, please try again later."),
        (400, "Too many concurrent generations, please wait for earlier tasks to finish."),
        ("455", "The service is under maintenance."),
        (503, "Server is busy"),
        ("429", ""),
    ],
)
def test_the_providers_own_trouble_is_temporary(code: int | str, message: str) -> None:
    update = update_of({"code": code, "msg": message, "data": {"task_id": "t-9"}})
    assert update == TaskFailed(Failure(FailureReason.PROVIDER_DOWN, message, str(code)), True)


@pytest.mark.parametrize(
    ("code", "message", "reason"),
    [
        (400, "Your prompt was caught by our AI moderator. Please try again!", "moderation"),
        (400, "NSFW content detected", "moderation"),
        (500, "The image violates our content policy", "moderation"),
        (400, "Failed to get image info, please check the image format", "bad_input"),
        (400, "Image width or height is too small", "bad_input"),
        (422, "The video could not be decoded", "bad_input"),
        (422, "the video of task t-0 has expired", "expired"),
        (400, "prompt is too long", "refused"),
        (402, "Insufficient credits", "no_credits"),
        (501, "Generation failed", "generation_failed"),
    ],
)
def test_moderation_bad_input_and_refusals_are_final(code: int, message: str, reason: str) -> None:
    update = update_of({"code": code, "msg": message, "data": {"task_id": "t-10"}})
    assert update == TaskFailed(Failure(FailureReason(reason), message, str(code)), False)


@pytest.mark.parametrize("code", [" 400 ", "0400", 400.0])
def test_odd_codes_are_normalised(code: object) -> None:
    update = update_of({"code": code, "msg": "prompt is too long", "data": {"task_id": "t-11"}})
    assert update == TaskFailed(Failure(FailureReason.REFUSED, "prompt is too long", "400"))


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'"text"',
        body({"code": 200, "data": {"video_url": "https://v/1"}}),
        body({"code": 200, "data": "t-8"}),
        body({"code": 200, "taskId": "", "data": {"task_id": ""}}),
        body({"code": 200, "taskId": 12, "data": None}),
    ],
)
def test_malformed_or_anonymous_callbacks_are_refused(raw: bytes) -> None:
    with pytest.raises(CallbackError):
        parse_callback(raw)


def test_good_signature() -> None:
    stamp = str(int(NOW))
    assert verify_signature(KEY, "t-1", stamp, sign(KEY, "t-1", stamp), now=NOW + 10)


def test_known_signature_value() -> None:
    # base64(HMAC-SHA256("hmac-key", "t-1.1760000000")), computed independently.
    import base64
    import hashlib
    import hmac

    digest = hmac.new(b"hmac-key", b"t-1.1760000000", hashlib.sha256).digest()
    assert sign(KEY, "t-1", "1760000000") == base64.b64encode(digest).decode()


@pytest.mark.parametrize(
    ("task_id", "stamp", "signature_of", "now"),
    [
        pytest.param("t-2", "1760000000", ("t-1", "1760000000"), NOW, id="other-task"),
        pytest.param("t-1", "1760000001", ("t-1", "1760000000"), NOW, id="other-timestamp"),
        pytest.param("t-1", "1760000000", ("t-1", "1760000000"), NOW + 301, id="stale"),
        pytest.param("t-1", "1760000000", ("t-1", "1760000000"), NOW - 301, id="future"),
    ],
)
def test_bad_or_stale_signature(
    task_id: str, stamp: str, signature_of: tuple[str, str], now: float
) -> None:
    signature = sign(KEY, *signature_of)
    assert not verify_signature(KEY, task_id, stamp, signature, now=now)


def test_wrong_key() -> None:
    stamp = str(int(NOW))
    assert not verify_signature(KEY, "t-1", stamp, sign("other", "t-1", stamp), now=NOW)


@pytest.mark.parametrize(
    ("stamp", "signature"),
    [
        (None, "c2ln"),
        ("1760000000", None),
        ("", "c2ln"),
        ("1760000000", ""),
        ("soon", "c2ln"),
        ("nan", "c2ln"),
        ("1760000000", "ünïcode"),
    ],
)
def test_missing_or_garbled_headers(stamp: str | None, signature: str | None) -> None:
    assert not verify_signature(KEY, "t-1", stamp, signature, now=NOW)


def test_window_is_configurable() -> None:
    stamp = str(int(NOW))
    signature = sign(KEY, "t-1", stamp)
    assert verify_signature(KEY, "t-1", stamp, signature, now=NOW + 500, window=600)
    assert not verify_signature(KEY, "t-1", stamp, signature, now=NOW + 500)
