"""Task look-ups in every shape the provider has documented, read through `client.fetch`."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.models import Failure, FailureReason, JobKind, Result, ResultKind
from bot.domain.updates import TaskFailed, TaskRunning, TaskSucceeded
from bot.provider.kie.client import RunwayClient
from bot.provider.kie.schemas import RecordDetail
from tests.provider.fakes import FakeProvider, ok

VIDEO = "https://cdn.example/v.mp4"
POSTER = "https://cdn.example/v.png"
SUCCEEDED = TaskSucceeded(Result(ResultKind.VIDEO, VIDEO, POSTER))
MODERATED = "Inappropriate content detected. Please replace the image or video."
BUSY = "Generation failed due to network reasons, please try again later."


def success(**ids: str) -> dict[str, Any]:
    return {
        **ids,
        "state": "success",
        "generateTime": "2026-03-01 10:00:00",
        "videoInfo": {"videoId": "v-1", "videoUrl": VIDEO, "imageUrl": POSTER},
        "expireFlag": 0,
    }


@pytest.mark.parametrize(
    "ids",
    [
        pytest.param({"taskId": "t-2", "parentTaskId": "t-1"}, id="taskId-parentTaskId"),
        pytest.param({"id": "t-2", "parentId": "t-1"}, id="id-parentId"),
        pytest.param({}, id="no-ids"),
    ],
)
async def test_record_detail_in_either_shape(
    fake: FakeProvider, client: RunwayClient, ids: dict[str, str]
) -> None:
    fake.answer(ok(success(**ids)))
    assert await client.fetch(JobKind.EXTEND, "t-2") == SUCCEEDED
    assert fake.seen[0].path == "/api/v1/runway/record-detail"
    assert fake.seen[0].query == {"taskId": "t-2"}
    record = RecordDetail.model_validate(success(**ids))
    assert (record.task_id, record.parent_task_id) == (("t-2", "t-1") if ids else (None, None))


@pytest.mark.parametrize(
    ("code", "as_kept"), [(400, "400"), ("400", "400"), (" 400 ", "400"), ("", "unknown")]
)
async def test_fail_code_as_a_number_a_string_or_nothing(
    fake: FakeProvider, client: RunwayClient, code: int | str, as_kept: str
) -> None:
    fake.answer(ok({"taskId": "t-3", "state": "fail", "failCode": code, "failMsg": MODERATED}))
    update = await client.fetch(JobKind.TEXT, "t-3")
    assert update == TaskFailed(Failure(FailureReason.MODERATION, MODERATED, as_kept), False)


@pytest.mark.parametrize(
    ("code", "message", "reason", "temporary"),
    [
        (500, BUSY, FailureReason.PROVIDER_DOWN, True),
        ("", "Too many concurrent generations", FailureReason.PROVIDER_DOWN, True),
        (400, MODERATED, FailureReason.MODERATION, False),
        ("400", "Failed to get image info", FailureReason.BAD_INPUT, False),
        (None, "", FailureReason.GENERATION_FAILED, False),
    ],
)
async def test_a_failed_record_says_whether_to_try_again(
    fake: FakeProvider,
    client: RunwayClient,
    code: int | str | None,
    message: str,
    reason: FailureReason,
    temporary: bool,
) -> None:
    fake.answer(ok({"taskId": "t-4", "state": "fail", "failCode": code, "failMsg": message}))
    update = await client.fetch(JobKind.TEXT, "t-4")
    assert isinstance(update, TaskFailed)
    assert (update.failure.reason, update.temporary) == (reason, temporary)
    assert update.failure.detail == message


@pytest.mark.parametrize("flag", [0, "0", False, None])
async def test_a_video_still_kept_is_a_success(
    fake: FakeProvider, client: RunwayClient, flag: object
) -> None:
    fake.answer(ok({**success(taskId="t-5"), "expireFlag": flag}))
    assert await client.fetch(JobKind.TEXT, "t-5") == SUCCEEDED


@pytest.mark.parametrize("flag", [1, "1", True, "true"])
async def test_an_expired_video_is_not_a_success(
    fake: FakeProvider, client: RunwayClient, flag: object
) -> None:
    fake.answer(ok({**success(taskId="t-6"), "expireFlag": flag}))
    update = await client.fetch(JobKind.TEXT, "t-6")
    assert isinstance(update, TaskFailed)
    assert update.failure.reason is FailureReason.EXPIRED
    assert not update.temporary


@pytest.mark.parametrize("state", ["wait", "queueing", "WAIT", "something-new"])
async def test_a_record_not_started_is_queued(
    fake: FakeProvider, client: RunwayClient, state: str
) -> None:
    fake.answer(ok({"taskId": "t-7", "state": state}))
    assert await client.fetch(JobKind.TEXT, "t-7") == TaskRunning("queued")


def aleph(flag: object, **fields: Any) -> dict[str, Any]:
    return {"taskId": "al-1", "successFlag": flag, **fields}


@pytest.mark.parametrize("flag", [1, "1"])
async def test_aleph_success_flag_as_a_number_or_a_string(
    fake: FakeProvider, client: RunwayClient, flag: object
) -> None:
    response = {"taskId": "al-1", "resultVideoUrl": VIDEO, "resultImageUrl": POSTER}
    fake.answer(ok(aleph(flag, response=response, errorCode=0, errorMessage="")))
    assert await client.fetch(JobKind.ALEPH, "al-1") == SUCCEEDED
    assert fake.seen[0].path == "/api/v1/aleph/record-info"


@pytest.mark.parametrize(
    ("fields", "update"),
    [
        ({"errorCode": 0, "errorMessage": ""}, TaskRunning("generating")),
        ({"errorCode": "0", "errorMessage": None}, TaskRunning("generating")),
        (
            {"errorCode": "400", "errorMessage": "NSFW content"},
            TaskFailed(Failure(FailureReason.MODERATION, "NSFW content", "400")),
        ),
        (
            {"errorCode": 500, "errorMessage": BUSY},
            TaskFailed(Failure(FailureReason.PROVIDER_DOWN, BUSY, "500"), temporary=True),
        ),
    ],
)
async def test_aleph_running_or_failed(
    fake: FakeProvider, client: RunwayClient, fields: dict[str, Any], update: object
) -> None:
    fake.answer(ok(aleph("0", response=None, **fields)))
    assert await client.fetch(JobKind.ALEPH, "al-1") == update


async def test_aleph_done_without_a_video_is_a_failure(
    fake: FakeProvider, client: RunwayClient
) -> None:
    fake.answer(ok(aleph("1", response=None, errorCode=0, errorMessage="")))
    update = await client.fetch(JobKind.ALEPH, "al-1")
    assert isinstance(update, TaskFailed)
    assert update.failure.reason is FailureReason.NO_RESULT
