"""The whole system over real HTTP both ways: a person in the Telegram emulator, the real bot,
the Runway API emulator rendering real videos, and the bot's callback server between them."""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import pytest

from bot.domain.models import JobState
from bot.wiring import running_bot
from sandbox.runway import RunwayKnobs, serve_runway
from sandbox.telegram import GROUP_ID, PRIVATE_CHAT_ID, TelegramEmulatorConfig, serve_telegram
from tests.chat.conftest import Message, Sandbox, StartSandbox, bot_settings, has_video
from tests.support import QUARTER, eventually

Event = dict[str, Any]


@asynccontextmanager
async def watching(sandbox: Sandbox) -> AsyncIterator[list[Event]]:
    """Collect the emulator's live events (sent, edited, deleted messages) during the block."""
    seen: list[Event] = []
    with sandbox.telegram.state.events.subscribe() as queue:

        async def drain() -> None:
            while True:
                seen.append(await queue.get())

        task = asyncio.create_task(drain())
        try:
            yield seen
        finally:
            task.cancel()


def provider_requests(sandbox: Sandbox, suffix: str) -> list[dict[str, Any]]:
    requests = [r.as_json() for r in sandbox.runway.state.requests]
    return [r for r in requests if r["path"].endswith(suffix)]


def no_telegram_file_url_reached_the_provider(sandbox: Sandbox) -> bool:
    everything = json.dumps([r.as_json() for r in sandbox.runway.state.requests])
    return "/file/bot" not in everything and "1000:sandbox" not in everything


def make_photo(path: Path) -> Path:
    """A real JPEG made by ffmpeg: a test pattern, 640x480."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    pattern = ["-f", "lavfi", "-i", "testsrc=size=640x480", "-frames:v", "1"]
    subprocess.run([ffmpeg, "-v", "error", *pattern, "-y", str(path)], check=True)  # noqa: S603
    return path


@pytest.mark.parametrize("webhook", [False, True], ids=["long-polling", "webhook"])
async def test_video_moves_its_status_then_replies_with_one_video(
    start_sandbox: StartSandbox, webhook: bool
) -> None:
    secret = {"telegram_webhook_secret": "e2e-secret"} if webhook else {}
    async with start_sandbox(**secret) as sandbox, watching(sandbox) as events:
        client = sandbox.client
        request = await client.send_text(PRIVATE_CHAT_ID, "/video a lighthouse at dusk --dur 10")
        video = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=30)
        await asyncio.sleep(1.2)  # let the final status edit land
        messages = await client.messages(PRIVATE_CHAT_ID)

        assert video["reply_to_message"]["message_id"] == request["message_id"]
        assert video["video"]["duration"] == 10
        assert sum(1 for m in messages if has_video(m)) == 1
        status = next(m for m in messages if m["message_id"] == video["message_id"] - 1)
        status_texts = [
            e["message"]["text"]
            for e in events
            if e.get("message", {}).get("message_id") == status["message_id"]
            and "text" in e["message"]
        ]
        assert len(set(status_texts)) >= 2, status_texts  # sent, then edited as the job moved
        assert status["reply_to_message"]["message_id"] == request["message_id"]
        info = await sandbox.bot.application.bot.get_webhook_info()
        assert bool(info.url) is webhook
        assert await sandbox.too_many_requests() == 0


async def test_a_photo_with_a_caption_is_animated(
    start_sandbox: StartSandbox, tmp_path: Path
) -> None:
    async with start_sandbox() as sandbox:
        client = sandbox.client
        photo = make_photo(tmp_path / "photo.jpg")
        request = await client.send_photo(PRIVATE_CHAT_ID, photo, "the clouds start to drift")
        video = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=30)

        assert video["reply_to_message"]["message_id"] == request["message_id"]
        [generate] = provider_requests(sandbox, "/runway/generate")
        body = generate["json"]
        assert body["imageUrl"].startswith(sandbox.runway.url)  # our upload, not Telegram's URL
        assert "aspectRatio" not in body
        assert provider_requests(sandbox, "/api/file-stream-upload")
        assert no_telegram_file_url_reached_the_provider(sandbox)


@pytest.mark.slow(
    "About 4 s alone, 7 s beside the other workers: three clips rendered one after another, "
    "each a reply to the last, in one private chat at about one message a second."
)
async def test_replying_to_a_delivered_video_extends_it_and_replies_grow_a_chain(
    start_sandbox: StartSandbox,
) -> None:
    async with start_sandbox() as sandbox:
        client = sandbox.client
        await client.send_text(PRIVATE_CHAT_ID, "/video a paper boat on a river")
        first = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=30)

        async def recorded(message: Message) -> bool:  # a person replies once it is noted
            return (
                await sandbox.bot.chat.delivered(PRIVATE_CHAT_ID, message["message_id"]) is not None
            )

        await eventually(lambda: recorded(first), what="the first video recorded as delivered")
        reply = await client.send_text(
            PRIVATE_CHAT_ID, "it sails under a bridge", reply_to=first["message_id"]
        )
        second = await client.wait_for_message(
            PRIVATE_CHAT_ID, lambda m: has_video(m) and m["message_id"] > reply["message_id"]
        )
        await eventually(lambda: recorded(second), what="the second video recorded as delivered")
        again = await client.send_text(
            PRIVATE_CHAT_ID, "/extend night falls", reply_to=second["message_id"]
        )
        third = await client.wait_for_message(
            PRIVATE_CHAT_ID, lambda m: has_video(m) and m["message_id"] > again["message_id"]
        )

        assert second["reply_to_message"]["message_id"] == reply["message_id"]
        assert third["reply_to_message"]["message_id"] == again["message_id"]
        extends = [r["json"] for r in provider_requests(sandbox, "/runway/extend")]
        first_job = await sandbox.bot.chat.delivered(PRIVATE_CHAT_ID, first["message_id"])
        second_job = await sandbox.bot.chat.delivered(PRIVATE_CHAT_ID, second["message_id"])
        assert first_job is not None
        assert second_job is not None
        assert [e["taskId"] for e in extends] == [first_job.task_id, second_job.task_id]
        assert [e["prompt"] for e in extends] == ["it sails under a bridge", "night falls"]


@pytest.mark.slow(
    "About 6 s: eight clips rendered, and the private chat's statuses, edits and videos paced at "
    "about one a second. (It took 61 s while group status edits could spend the whole window.)"
)
async def test_a_burst_of_jobs_is_delivered_within_the_flood_limits(
    start_sandbox: StartSandbox,
) -> None:
    """Four jobs in a group (20 messages a minute) and four in private (about one a second),
    all finishing together: every status message, edit and video is paced, none is refused."""
    knobs = RunwayKnobs(latency=0.5, fps=4, frame_scale=QUARTER)
    async with start_sandbox(knobs=knobs, active_jobs_per_user=10) as sandbox:
        client = sandbox.client
        for n in range(4):
            await client.send_text(PRIVATE_CHAT_ID, f"/video private clip {n}")
            await client.send_text(GROUP_ID, f"/video group clip {n}", user_id=1001 + n % 3)

        async def all_delivered() -> bool:
            counts = await sandbox.bot.store.count_by_state()
            return counts.get(JobState.DELIVERED, 0) == 8

        await eventually(all_delivered, timeout=90, interval=0.5, what="8 deliveries")
        assert await sandbox.too_many_requests() == 0
        private = [m for m in await client.messages(PRIVATE_CHAT_ID) if has_video(m)]
        group = [m for m in await client.messages(GROUP_ID) if has_video(m)]
        assert (len(private), len(group)) == (4, 4)


async def test_quick_commands_in_a_private_chat_are_answered_by_pacing_not_refused(
    start_sandbox: StartSandbox,
) -> None:
    async with start_sandbox() as sandbox:
        client = sandbox.client
        requests = [await client.send_text(PRIVATE_CHAT_ID, "/help") for _ in range(6)]
        last = requests[-1]["message_id"]

        def answers_last(message: dict[str, Any]) -> bool:
            return bool(message.get("reply_to_message", {}).get("message_id") == last)

        await client.wait_for_message(PRIVATE_CHAT_ID, answers_last, timeout=20)
        answers = [m for m in await client.messages(PRIVATE_CHAT_ID) if "reply_to_message" in m]
        assert len(answers) == 6
        assert await sandbox.too_many_requests() == 0


@pytest.mark.slow(
    "About 6 s: a 2 s render, 2.5 s with the bot down, and 2 s watching for a second copy."
)
async def test_a_restart_mid_job_delivers_the_video_exactly_once(tmp_path: Path) -> None:
    knobs = RunwayKnobs(latency=2.0, fps=4, frame_scale=QUARTER)
    async with (
        serve_runway(knobs) as runway,
        serve_telegram(TelegramEmulatorConfig()) as telegram,
    ):
        settings = bot_settings(telegram, runway, tmp_path / "bot.sqlite3")
        client = telegram.client
        async with running_bot(settings):
            await client.send_text(PRIVATE_CHAT_ID, "/video a slow sunrise")
            await eventually(lambda: bool(runway.state.tasks), what="the provider task")
        # The bot is down while the provider finishes; its callback finds nobody listening.
        await asyncio.sleep(2.5)
        async with running_bot(settings) as bot:
            await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=30)
            await asyncio.sleep(2.0)  # late callback retries and polls must not deliver it again
            videos = [m for m in await client.messages(PRIVATE_CHAT_ID) if has_video(m)]
            assert len(videos) == 1
            counts = await bot.store.count_by_state()
            assert counts.get(JobState.DELIVERED) == 1


@pytest.mark.slow("About 6 s: two starts of the bot and two renders of the animated photo.")
async def test_regenerate_of_an_animated_photo_works_after_a_restart(tmp_path: Path) -> None:
    """The photo's Telegram file id is kept with the job, so Regenerate can fetch it again."""
    async with (
        serve_runway(RunwayKnobs(latency=0.3, fps=4, frame_scale=QUARTER)) as runway,
        serve_telegram(TelegramEmulatorConfig()) as telegram,
    ):
        settings = bot_settings(telegram, runway, tmp_path / "bot.sqlite3")
        client = telegram.client
        async with running_bot(settings):
            photo = make_photo(tmp_path / "photo.jpg")
            await client.send_photo(PRIVATE_CHAT_ID, photo, "leaves start to fall")
            first = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=30)
        async with running_bot(settings):
            regenerate = next(
                button["callback_data"]
                for row in first["reply_markup"]["inline_keyboard"]
                for button in row
                if button["callback_data"].startswith("regen:")
            )
            await client.press_button(PRIVATE_CHAT_ID, first["message_id"], regenerate)
            await client.wait_for_message(
                PRIVATE_CHAT_ID, lambda m: has_video(m) and m["message_id"] > first["message_id"]
            )
        generate = [r.as_json() for r in runway.state.requests if r.path.endswith("/generate")]
        assert len(generate) == 2
        assert all(r["json"]["imageUrl"].startswith(runway.url) for r in generate)
        assert generate[0]["json"]["prompt"] == generate[1]["json"]["prompt"]
