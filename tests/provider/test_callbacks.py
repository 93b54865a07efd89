"""Callbacks in every documented shape, and their signatures."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.domain.updates import TaskFailed, TaskSucceeded
from bot.provider.callbacks import CallbackError, parse_callback, sign, verify_signature

KEY = "hmac-key"
NOW = 1_760_000_000.0


def body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


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
        TaskSucceeded("https://cdn.example/x.mp4", "https://cdn.example/x.png"),
    )


def test_runway_failure_keeps_code_and_message() -> None:
    payload = {
        "code": 400,
        "msg": "Inappropriate content detected. Please replace the image or video.",
        "data": {"task_id": "ee61", "video_id": "", "video_url": "", "image_url": ""},
    }
    assert parse_callback(body(payload)) == (
        "ee61",
        TaskFailed("400", "Inappropriate content detected. Please replace the image or video."),
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
        TaskSucceeded("https://cdn.example/a.mp4", None),
    )


def test_aleph_failure() -> None:
    payload = {"code": 500, "msg": "internal error", "task_id": "al-2", "data": None}
    assert parse_callback(body(payload)) == ("al-2", TaskFailed("500", "internal error"))


def test_camel_case_task_id_in_data() -> None:
    payload = {"code": 200, "msg": "ok", "data": {"taskId": "t-3", "video_url": "https://v/3"}}
    assert parse_callback(body(payload)) == ("t-3", TaskSucceeded("https://v/3", None))


def test_code_as_a_string_is_accepted() -> None:
    payload = {"code": "200", "data": {"task_id": "t-4", "video_url": "https://v/4"}}
    assert parse_callback(body(payload)) == ("t-4", TaskSucceeded("https://v/4", None))
    payload = {"code": "400", "msg": "nsfw", "data": {"task_id": "t-5"}}
    assert parse_callback(body(payload)) == ("t-5", TaskFailed("400", "nsfw"))


def test_success_without_a_video_is_a_failure() -> None:
    payload = {"code": 200, "msg": "done", "data": {"task_id": "t-6", "video_url": ""}}
    assert parse_callback(body(payload)) == ("t-6", TaskFailed("no_video", "done"))


def test_unknown_fields_are_ignored() -> None:
    payload = {
        "code": 200,
        "msg": "ok",
        "extra": [1, 2],
        "data": {"task_id": "t-7", "video_url": "https://v/7", "duration": 5, "nested": {}},
    }
    assert parse_callback(body(payload)) == ("t-7", TaskSucceeded("https://v/7", None))


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
