"""Every endpoint against the Runway API emulator over real HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.domain.errors import (
    OutcomeUnknownError,
    ProviderAuthError,
    ProviderRejectedError,
    ProviderUnavailableError,
    TaskNotFoundError,
)
from bot.domain.models import (
    AspectRatio,
    Failure,
    FailureReason,
    GenerationRequest,
    JobKind,
    MediaFile,
    Quality,
    ResultKind,
    VideoOptions,
)
from bot.domain.ports import VideoProvider
from bot.domain.updates import TaskFailed, TaskRunning, TaskSucceeded
from bot.provider.kie.client import RetryPolicy, RunwayClient
from bot.provider.kie.pacing import GenerationPacer
from sandbox.runway import RunningRunway, RunwayKnobs, serve_runway
from tests.provider.conftest import API_KEY, FAST_RETRY, MakeClient
from tests.provider.emulated import drained, finished, forms, photo_file, sent
from tests.support import QUARTER

MODERATED = "Your prompt was caught by our AI moderator. Please adjust it and try again!"


@pytest.fixture
async def emu() -> AsyncIterator[RunningRunway]:
    async with serve_runway(
        RunwayKnobs(api_key=API_KEY, latency=0.3, fps=4, seed=7, frame_scale=QUARTER)
    ) as emu:
        yield emu
        await drained(emu)


@pytest.fixture
def runway(emu: RunningRunway, make_client: MakeClient) -> RunwayClient:
    return make_client(emu.url)


# Tasks marked [[fail]] skip rendering: burst tests about submission use them to stay fast.
BURST = "a fox [[fail]] number"


def text(prompt: str = "a red fox running in snow", **options: Any) -> GenerationRequest:
    return GenerationRequest(JobKind.TEXT, prompt, VideoOptions(**options))


async def made_video(runway: RunwayClient) -> tuple[str, str]:
    """A finished text task: its id and its video URL."""
    task_id = await runway.submit(text(), None)
    final = (await finished(runway, JobKind.TEXT, task_id))[-1]
    assert isinstance(final, TaskSucceeded)
    assert final.result.url is not None
    return task_id, final.result.url


def test_client_is_a_video_provider(runway: RunwayClient) -> None:
    provider: VideoProvider = runway  # checked by mypy: the client fits the domain's port
    assert provider is runway


async def test_text_sends_exactly_the_documented_fields(
    emu: RunningRunway, runway: RunwayClient
) -> None:
    request = text(
        aspect_ratio=AspectRatio.TALL, duration=10, quality=Quality.HD, watermark="my studio"
    )
    task_id = await runway.submit(request, "http://127.0.0.1:9/callbacks/runway/tok")
    assert task_id
    assert sent(emu, "/api/v1/runway/generate") == [
        {
            "prompt": "a red fox running in snow",
            "duration": 10,
            "quality": "720p",
            "aspectRatio": "9:16",
            "waterMark": "my studio",
            "callBackUrl": "http://127.0.0.1:9/callbacks/runway/tok",
        }
    ]


async def test_text_without_callback_or_watermark(emu: RunningRunway, runway: RunwayClient) -> None:
    await runway.submit(text(), None)
    assert sent(emu, "/api/v1/runway/generate") == [
        {
            "prompt": "a red fox running in snow",
            "duration": 5,
            "quality": "720p",
            "aspectRatio": "16:9",
            "waterMark": "",
        }
    ]


@pytest.mark.parametrize("ratio", [None, AspectRatio.WIDE])
async def test_image_sends_the_image_and_never_an_aspect_ratio(
    emu: RunningRunway, runway: RunwayClient, tmp_path: Path, ratio: AspectRatio | None
) -> None:
    image_url = await runway.upload(photo_file(tmp_path))
    options = VideoOptions(aspect_ratio=ratio, quality=Quality.FULL_HD)
    request = GenerationRequest(JobKind.IMAGE, "the photo comes alive", options, image_url)
    task_id = await runway.submit(request, None)
    assert sent(emu, "/api/v1/runway/generate") == [
        {
            "prompt": "the photo comes alive",
            "duration": 5,
            "quality": "1080p",
            "imageUrl": image_url,
            "waterMark": "",
        }
    ]
    assert isinstance((await finished(runway, JobKind.IMAGE, task_id))[-1], TaskSucceeded)


async def test_extend_continues_the_parent_task(emu: RunningRunway, runway: RunwayClient) -> None:
    parent, _ = await made_video(runway)
    options = VideoOptions(quality=Quality.HD, watermark="wm", duration=10)
    request = GenerationRequest(JobKind.EXTEND, "and then it jumps", options, parent_task_id=parent)
    task_id = await runway.submit(request, None)
    assert sent(emu, "/api/v1/runway/extend") == [
        {"taskId": parent, "prompt": "and then it jumps", "quality": "720p", "waterMark": "wm"}
    ]
    updates = await finished(runway, JobKind.EXTEND, task_id)
    assert isinstance(updates[-1], TaskSucceeded)


async def test_aleph_sends_the_video_and_reads_record_info(
    emu: RunningRunway, runway: RunwayClient
) -> None:
    _, video_url = await made_video(runway)
    options = VideoOptions(aspect_ratio=AspectRatio.SQUARE)
    request = GenerationRequest(JobKind.ALEPH, "make it watercolour", options, video_url=video_url)
    task_id = await runway.submit(request, "http://127.0.0.1:9/cb")
    assert sent(emu, "/api/v1/aleph/generate") == [
        {
            "prompt": "make it watercolour",
            "videoUrl": video_url,
            "waterMark": "",
            "aspectRatio": "1:1",
            "callBackUrl": "http://127.0.0.1:9/cb",
        }
    ]
    updates = await finished(runway, JobKind.ALEPH, task_id)
    assert all(u == TaskRunning("generating") for u in updates[:-1])
    final = updates[-1]
    assert isinstance(final, TaskSucceeded)
    assert final.result.url is not None
    assert final.result.url.startswith(emu.url)
    assert [r.path for r in emu.state.requests if r.query.get("taskId") == task_id] == [
        "/api/v1/aleph/record-info"
    ] * len(updates)


async def test_aleph_sends_seed_reference_image_and_cinema_ratio(
    emu: RunningRunway, runway: RunwayClient, tmp_path: Path
) -> None:
    _, video_url = await made_video(runway)
    reference_url = await runway.upload(photo_file(tmp_path))
    options = VideoOptions(aspect_ratio=AspectRatio.CINEMA, seed=4242, watermark="wm")
    request = GenerationRequest(
        JobKind.ALEPH, "in this style", options, video_url=video_url, reference_url=reference_url
    )
    task_id = await runway.submit(request, None)
    assert sent(emu, "/api/v1/aleph/generate") == [
        {
            "prompt": "in this style",
            "videoUrl": video_url,
            "waterMark": "wm",
            "aspectRatio": "21:9",
            "seed": 4242,
            "referenceImage": reference_url,
        }
    ]
    assert isinstance((await finished(runway, JobKind.ALEPH, task_id))[-1], TaskSucceeded)
    width, height = emu.state.tasks[task_id].width, emu.state.tasks[task_id].height
    assert width is not None and height is not None
    assert width / height == pytest.approx(21 / 9, rel=0.05)


async def test_aleph_without_aspect_ratio_leaves_it_out(
    emu: RunningRunway, runway: RunwayClient
) -> None:
    _, video_url = await made_video(runway)
    request = GenerationRequest(
        JobKind.ALEPH, "neon", VideoOptions(aspect_ratio=None), video_url=video_url
    )
    await runway.submit(request, None)
    assert sent(emu, "/api/v1/aleph/generate") == [
        {"prompt": "neon", "videoUrl": video_url, "waterMark": ""}
    ]


async def test_fetch_follows_a_task_from_queue_to_video(runway: RunwayClient) -> None:
    task_id = await runway.submit(text(), None)
    updates = await finished(runway, JobKind.TEXT, task_id)
    assert updates[0] == TaskRunning("queued")
    assert TaskRunning("generating") in updates
    final = updates[-1]
    assert isinstance(final, TaskSucceeded)
    assert final.result.kind is ResultKind.VIDEO
    assert final.result.url is not None
    assert final.result.url.endswith(".mp4")
    assert final.result.poster_url is not None


@pytest.mark.parametrize("string_codes", [False, True])
async def test_fetch_reports_a_failed_task(
    emu: RunningRunway, runway: RunwayClient, make_client: MakeClient, string_codes: bool
) -> None:
    emu.state.knobs.string_fail_codes = string_codes
    task_id = await runway.submit(text("a fox [[fail]]"), None)
    moderated = TaskFailed(Failure(FailureReason.MODERATION, MODERATED, "400"), temporary=False)
    assert (await finished(runway, JobKind.TEXT, task_id))[-1] == moderated


async def test_fetch_reports_a_failed_aleph_task(runway: RunwayClient) -> None:
    _, video_url = await made_video(runway)
    request = GenerationRequest(
        JobKind.ALEPH, "oops [[fail]]", VideoOptions(aspect_ratio=None), video_url=video_url
    )
    task_id = await runway.submit(request, None)
    final = (await finished(runway, JobKind.ALEPH, task_id))[-1]
    assert isinstance(final, TaskFailed)
    assert final.failure.detail == MODERATED
    assert final.failure.reason is FailureReason.MODERATION
    assert not final.temporary


async def test_fetch_reports_an_expired_video(
    emu: RunningRunway, runway: RunwayClient, session: aiohttp.ClientSession
) -> None:
    task_id, video_url = await made_video(runway)
    async with session.post(f"{emu.url}/_emulator/tasks/{task_id}/expire") as response:
        assert response.status == 200
    async with session.get(video_url) as response:
        assert response.status == 404  # what 14 days do to the file
    final = await runway.fetch(JobKind.TEXT, task_id)
    assert isinstance(final, TaskFailed)
    assert final.failure.reason is FailureReason.EXPIRED


async def test_unknown_task_is_not_found(runway: RunwayClient) -> None:
    with pytest.raises(TaskNotFoundError):
        await runway.fetch(JobKind.TEXT, "no-such-task")
    with pytest.raises(TaskNotFoundError):
        await runway.fetch(JobKind.ALEPH, "no-such-task")


async def test_task_not_visible_right_after_submit(
    emu: RunningRunway, runway: RunwayClient
) -> None:
    emu.state.knobs.visibility_delay = 0.2
    task_id = await runway.submit(text(), None)
    with pytest.raises(TaskNotFoundError):
        await runway.fetch(JobKind.TEXT, task_id)
    await asyncio.sleep(0.25)
    assert isinstance((await finished(runway, JobKind.TEXT, task_id))[-1], TaskSucceeded)


async def test_credits_go_down_by_the_price_of_a_video(runway: RunwayClient) -> None:
    before = await runway.credits()
    await made_video(runway)
    assert before - await runway.credits() == 12


async def test_wrong_key_is_an_auth_error(
    emu: RunningRunway, make_client: MakeClient, tmp_path: Path
) -> None:
    client = make_client(emu.url, key="wrong")
    with pytest.raises(ProviderAuthError):
        await client.submit(text(), None)
    with pytest.raises(ProviderAuthError):
        await client.credits()
    with pytest.raises(ProviderAuthError):
        await client.upload(photo_file(tmp_path))
    assert len(emu.state.requests) == 3


async def test_rule_breaking_request_is_rejected_once_with_the_reason(
    emu: RunningRunway, runway: RunwayClient
) -> None:
    with pytest.raises(ProviderRejectedError) as caught:
        await runway.submit(text(duration=10, quality=Quality.FULL_HD), None)
    assert caught.value.code == 422
    assert "1080p" in str(caught.value)
    assert len(sent(emu, "/api/v1/runway/generate")) == 1


async def test_a_provider_that_keeps_refusing_is_unavailable(
    emu: RunningRunway, runway: RunwayClient
) -> None:
    emu.state.knobs.rate_429 = 1.0
    with pytest.raises(ProviderUnavailableError) as caught:
        await runway.submit(text(), None)
    assert type(caught.value) is ProviderUnavailableError
    assert caught.value.code == 429
    assert len(sent(emu, "/api/v1/runway/generate")) == FAST_RETRY.attempts


async def test_a_server_error_on_submission_is_never_repeated(
    emu: RunningRunway, runway: RunwayClient
) -> None:
    emu.state.knobs.rate_500 = 1.0
    for _ in range(4):  # the emulator answers HTTP 500 or code 500 in a 200, at random
        with pytest.raises(OutcomeUnknownError) as caught:
            await runway.submit(text(), None)
        assert caught.value.code == 500
    assert len(sent(emu, "/api/v1/runway/generate")) == 4


async def test_a_flaky_provider_is_ridden_out(emu: RunningRunway, make_client: MakeClient) -> None:
    client = make_client(emu.url, retry=RetryPolicy(attempts=12, base_delay=0.001, max_delay=0.01))
    emu.state.knobs.rate_429 = 0.5
    ids = [await client.submit(text(f"{BURST} {n}"), None) for n in range(8)]
    assert len(set(ids)) == 8
    assert len(sent(emu, "/api/v1/runway/generate")) > 8
    emu.state.knobs.rate_429 = 0.3
    emu.state.knobs.rate_500 = 0.3  # a look-up may be asked again, whatever went wrong
    updates = [await client.fetch(JobKind.TEXT, task_id) for task_id in ids]
    assert len(updates) == 8
    looked_up = [r for r in emu.state.requests if r.path == "/api/v1/runway/record-detail"]
    assert len(looked_up) > 8


async def test_pacer_keeps_bursts_under_the_generation_limit(
    emu: RunningRunway, make_client: MakeClient
) -> None:
    emu.state.knobs.generation_limit = 3
    emu.state.knobs.generation_window = 0.3
    no_retry = RetryPolicy(attempts=1)
    client = make_client(emu.url, pacer=GenerationPacer(3, 0.35, 0.05), retry=no_retry)
    started = time.monotonic()
    ids = [await client.submit(text(f"{BURST} {n}"), None) for n in range(7)]
    assert len(set(ids)) == 7
    assert time.monotonic() - started >= 0.7


async def test_without_a_pacer_the_same_burst_is_refused(
    emu: RunningRunway, make_client: MakeClient
) -> None:
    emu.state.knobs.generation_limit = 3
    emu.state.knobs.generation_window = 5.0
    client = make_client(emu.url, retry=RetryPolicy(attempts=1))
    for n in range(3):
        await client.submit(text(f"{BURST} {n}"), None)
    with pytest.raises(ProviderUnavailableError) as caught:
        await client.submit(text(BURST), None)
    assert caught.value.code == 429


async def test_stream_upload_round_trips_a_file(
    emu: RunningRunway, runway: RunwayClient, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    path = tmp_path / "clip.mp4"
    content = bytes(range(256)) * 8192  # 2 MB
    path.write_bytes(content)
    url = await runway.upload(MediaFile(path, "clip.mp4", len(content)))
    assert forms(emu, "/api/file-stream-upload") == [
        {"uploadPath": "telegram/videos", "fileName": "clip.mp4", "file": "clip.mp4"}
    ]
    async with session.get(url) as response:
        assert await response.read() == content


async def test_photo_goes_to_the_images_folder(
    emu: RunningRunway, runway: RunwayClient, tmp_path: Path
) -> None:
    await runway.upload(photo_file(tmp_path))
    form = forms(emu, "/api/file-stream-upload")[0]
    assert form is not None
    assert form["uploadPath"] == "telegram/images"
