"""Aleph: video to video, its own record-info shape and its own callback shape."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp
import pytest

from tests.sandbox_runway.conftest import Receiver
from tests.sandbox_runway.helpers import (
    TEXT_BODY,
    download,
    envelope,
    probe,
    submit,
    wait_aleph,
    wait_runway,
    wait_until,
)

ALEPH = "/api/v1/aleph/generate"
INFO = "/api/v1/aleph/record-info"


@pytest.fixture
async def source_video(api: aiohttp.ClientSession) -> str:
    data = await wait_runway(api, await submit(api, "/api/v1/runway/generate", TEXT_BODY))
    url: str = data["videoInfo"]["videoUrl"]
    return url


@pytest.mark.slow(
    "About 3 s alone, 6 s beside the other workers: a full-size clip rendered, then restyled "
    "with ffmpeg at 21:9 and its frames read back."
)
async def test_aleph_restyles_five_seconds_and_reports_in_its_own_shape(
    api: aiohttp.ClientSession, source_video: str, receiver: Receiver, tmp_path: Path
) -> None:
    body = {
        "prompt": "make it a comic",
        "videoUrl": source_video,
        "aspectRatio": "21:9",
        "callBackUrl": receiver.url,
    }
    task_id = await submit(api, ALEPH, body)
    running = (await envelope(api, "GET", INFO, params={"taskId": task_id}))["data"]

    data = await wait_aleph(api, task_id)
    await wait_until(lambda: len(receiver.received) == 1)

    assert (running["response"], running["successFlag"], running["errorMessage"]) == (None, 0, "")
    assert running["completeTime"] is None
    assert set(data) == {
        "taskId", "paramJson", "response", "completeTime", "createTime",
        "successFlag", "errorCode", "errorMessage",
    }  # fmt: skip
    assert json.loads(data["paramJson"]) == body
    assert (data["successFlag"], data["errorCode"], data["errorMessage"]) == (1, 0, "")
    response = data["response"]
    assert set(response) == {"taskId", "resultVideoUrl", "resultImageUrl"}
    assert receiver.received[0][1] == {
        "code": 200,
        "msg": "success",
        "taskId": task_id,
        "data": {
            "result_video_url": response["resultVideoUrl"],
            "result_image_url": response["resultImageUrl"],
        },
    }
    info = await probe(await download(api, response["resultVideoUrl"], tmp_path / "a.mp4"))
    assert (info.codec, info.pixel_format, info.width, info.height, info.duration) == (
        "h264", "yuv420p", 1680, 720, 5.0
    )  # fmt: skip


async def test_failed_aleph_task_and_its_callback(
    api: aiohttp.ClientSession, source_video: str, receiver: Receiver
) -> None:
    body = {"prompt": "nope [[nsfw]]", "videoUrl": source_video, "callBackUrl": receiver.url}
    task_id = await submit(api, ALEPH, body)

    data = await wait_aleph(api, task_id)
    await wait_until(lambda: len(receiver.received) == 1)

    assert (data["successFlag"], data["errorCode"], data["response"]) == (0, 400, None)
    assert "NSFW" in data["errorMessage"]
    payload = receiver.received[0][1]
    assert payload["code"] == 400 and payload["taskId"] == task_id
    assert payload["data"] == {"result_video_url": "", "result_image_url": ""}


async def test_aleph_refuses_videos_over_ten_megabytes(
    api: aiohttp.ClientSession, tmp_path: Path
) -> None:
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * (10 * 1024 * 1024 + 1))
    form = aiohttp.FormData()
    form.add_field("uploadPath", "telegram/videos")
    with big.open("rb") as handle:
        form.add_field("file", handle, filename="big.mp4", content_type="video/mp4")
        upload = await envelope(api, "POST", "/api/file-stream-upload", data=form)

    reply = await envelope(
        api, "POST", ALEPH, json={"prompt": "x", "videoUrl": upload["data"]["downloadUrl"]}
    )

    assert reply["code"] == 422
    assert "10 MB" in reply["msg"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"prompt": "x"}, 422),
        ({"videoUrl": "http://127.0.0.1:9/v.mp4"}, 422),
        ({"prompt": "x", "videoUrl": "https://cdn.example.com/v.mp4"}, 451),
        ({"prompt": "x", "videoUrl": "http://127.0.0.1:9/v.mp4"}, 451),
        ({"prompt": "x", "videoUrl": "http://127.0.0.1:9/v.mp4", "aspectRatio": "2:1"}, 422),
    ],
)
async def test_aleph_envelope_errors(
    api: aiohttp.ClientSession, body: dict[str, str], code: int
) -> None:
    assert (await envelope(api, "POST", ALEPH, json=body))["code"] == code


async def test_task_families_do_not_mix(api: aiohttp.ClientSession) -> None:
    runway_task = await submit(
        api, "/api/v1/runway/generate", {**TEXT_BODY, "prompt": "x [[fail]]"}
    )
    assert (await envelope(api, "GET", INFO, params={"taskId": runway_task}))["code"] == 404
