"""What users do with older or foreign videos, and inputs the provider would refuse as sent:
nothing is ever sent that the provider must refuse, and nobody is left at a dead end."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image

from bot.domain.models import JobKind, JobState
from bot.wiring import running_bot
from sandbox.runway import RunwayKnobs, serve_runway
from sandbox.telegram import PRIVATE_CHAT_ID, TelegramEmulatorConfig, serve_telegram
from tests.chat.conftest import Message, Sandbox, bot_settings, buttons_of, has_video
from tests.chat.conftest import text_of as text_in
from tests.chat.media import jpeg_bytes
from tests.chat.test_extend import delivered_video, make_video, video_about
from tests.support import QUARTER, eventually


async def submissions(sandbox: Sandbox) -> list[dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{sandbox.runway.url}/_emulator/submissions") as response,
    ):
        found: list[dict[str, Any]] = (await response.json())["submissions"]
    return found


def webp_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), (20, 120, 200)).save(buffer, format="WEBP")
    return buffer.getvalue()


async def test_a_webp_photo_is_sent_to_the_provider_as_a_jpeg(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """kie.ai takes JPG and PNG only: the bot converts, so the request is not refused."""
    client = sandbox.client
    picture = tmp_path / "pic.webp"
    picture.write_bytes(webp_bytes())
    await client.send_document(PRIVATE_CHAT_ID, picture, "the water ripples")
    await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
    sent = [s for s in await submissions(sandbox) if s["path"].endswith("/runway/generate")]
    assert len(sent) == 1 and sent[0]["code"] == 200
    assert sent[0]["json"]["imageUrl"].endswith(".jpg")


@pytest.mark.slow(
    "About 10 s: three clips one after another in one private chat (a clip, its Aleph restyle, a "
    "continuation from the restyle's last frame, taken with ffmpeg), each paced there."
)
async def test_an_aleph_result_is_continued_from_its_last_frame(sandbox: Sandbox) -> None:
    """The extend endpoint knows Runway tasks only: an Aleph result is continued as a new clip
    from its last frame, the status says so, and the provider never gets a refused extend."""
    client = sandbox.client
    first = await make_video(sandbox, PRIVATE_CHAT_ID, "a quiet street")
    await client.send_text(PRIVATE_CHAT_ID, "/aleph make it snowy", reply_to=first["message_id"])
    restyled = await delivered_video(sandbox, PRIVATE_CHAT_ID, "snowy")
    await client.send_text(PRIVATE_CHAT_ID, "a car drives by", reply_to=restyled["message_id"])
    await client.wait_for_message(PRIVATE_CHAT_ID, video_about("a car drives by"), timeout=30)
    paths = [s["path"] for s in await submissions(sandbox)]
    assert not any(path.endswith("/extend") for path in paths)
    jobs = {job.prompt: job for job in await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 10)}
    continued = jobs["a car drives by"]
    assert continued.kind is JobKind.IMAGE and continued.note == "note.last_frame"
    assert continued.parent_task_id == jobs["make it snowy"].task_id  # still one chain
    # The status says the clip is continued from a frame (it may go out after the video:
    # results come first when the chat's budget is tight).
    await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "last frame" in text_in(m))


@pytest.mark.slow(
    "About 10 s: two clips, a Stitch of Telegram's copies and a continuation from its last frame:"
    " four ffmpeg runs and their messages in one private chat."
)
async def test_an_old_chain_is_stitched_and_continued_from_telegrams_copies(
    sandbox: Sandbox,
) -> None:
    """After 14 days the provider has deleted the files; the chat still has every part."""
    client = sandbox.client
    first = await make_video(sandbox, PRIVATE_CHAT_ID, "a harbour")
    await client.send_text(PRIVATE_CHAT_ID, "boats leave", reply_to=first["message_id"])
    second = await delivered_video(sandbox, PRIVATE_CHAT_ID, "boats")
    await _age_everything(sandbox, days=15)
    async with aiohttp.ClientSession() as session:  # and the provider forgets them
        for job in await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 10):
            url = f"{sandbox.runway.url}/_emulator/tasks/{job.task_id}/expire"
            async with session.post(url) as response:
                assert response.status == 200
    stitch = next(data for data in buttons_of(second) if data.startswith("stitch:"))
    await client.press_button(PRIVATE_CHAT_ID, second["message_id"], stitch)
    await client.wait_for_message(PRIVATE_CHAT_ID, video_about("2 videos"), timeout=30)
    await client.send_text(PRIVATE_CHAT_ID, "night falls", reply_to=second["message_id"])
    # Slow on a busy machine: two videos joined, then a last frame taken, with ffmpeg.
    await client.wait_for_message(PRIVATE_CHAT_ID, video_about("night falls"), timeout=60)
    refused = [s for s in await submissions(sandbox) if s["code"] != 200]
    assert refused == []
    await client.send_text(PRIVATE_CHAT_ID, "/history")
    listing = await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "Recent" in text_in(m))
    assert "gone from the provider" in text_in(listing)


async def _age_everything(sandbox: Sandbox, days: int) -> None:
    """Move every job's times back, as if they were made `days` ago."""
    old = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="microseconds")
    with sqlite3.connect(sandbox.bot.settings.database_path) as db:
        db.execute("UPDATE jobs SET created_at = ?, updated_at = ?", (old, old))


@pytest.mark.slow(
    "About 8 s: a clip, then its Aleph restyle, rendered and delivered one after the other."
)
async def test_aleph_takes_a_seed_a_reference_image_and_the_cinema_ratio(
    sandbox: Sandbox,
) -> None:
    client = sandbox.client
    clip = await make_video(sandbox, PRIVATE_CHAT_ID, "a field of wheat")
    await client.send_photo(
        PRIVATE_CHAT_ID,
        jpeg_bytes(),
        "/aleph paint it like this --seed 42 --ar 21:9",
        reply_to=clip["message_id"],
    )
    await client.wait_for_message(PRIVATE_CHAT_ID, video_about("paint it"), timeout=30)
    aleph = [s for s in await submissions(sandbox) if s["path"].endswith("/aleph/generate")]
    body = aleph[0]["json"]
    assert (body["seed"], body["aspectRatio"]) == (42, "21:9")
    assert body["referenceImage"].endswith(".jpg")
    await client.send_text(PRIVATE_CHAT_ID, "/video a wide shot --ar 21:9")
    refusal = await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "only for" in text_in(m))
    assert "/aleph" in text_in(refusal)


@pytest.mark.slow(
    "About 12 s: two starts of the bot, two clips and two questions in one private chat."
)
async def test_a_waiting_prompt_survives_a_restart(tmp_path: Path) -> None:
    """The Extend button's question is kept with the job; a reply after a restart extends,
    and a reply to a question the bot no longer knows gets an answer, never a paid video."""
    async with (
        serve_runway(RunwayKnobs(latency=0.3, fps=4, frame_scale=QUARTER)) as runway,
        serve_telegram(TelegramEmulatorConfig()) as telegram,
    ):
        client = telegram.client
        settings = bot_settings(telegram, runway, tmp_path / "bot.sqlite3")
        async with running_bot(settings):
            await client.send_text(PRIVATE_CHAT_ID, "/video a lighthouse")
            clip = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
            extend = next(d for d in buttons_of(clip) if d.startswith("ext:"))
            await client.press_button(PRIVATE_CHAT_ID, clip["message_id"], extend)
            ask = await _asked(client)
        async with running_bot(settings) as bot:
            await client.send_text(PRIVATE_CHAT_ID, "waves crash", reply_to=ask["message_id"])
            await client.wait_for_message(PRIVATE_CHAT_ID, video_about("waves crash"), timeout=20)
            await client.press_button(PRIVATE_CHAT_ID, clip["message_id"], extend)
            forgotten = await _asked(client, after=ask["message_id"])
            await eventually(lambda: _prompts(settings.database_path) == 1)  # stored, then
            with sqlite3.connect(settings.database_path) as db:
                db.execute("DELETE FROM prompts")  # as if a day had passed
            await client.send_text(PRIVATE_CHAT_ID, "gulls fly", reply_to=forgotten["message_id"])
            await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "no longer know" in text_in(m))
            jobs = await bot.store.recent(PRIVATE_CHAT_ID, 10)
            assert "gulls fly" not in [job.prompt for job in jobs]
            await eventually(lambda: _all_final(bot.store, PRIVATE_CHAT_ID))


def _prompts(path: str) -> int:
    with sqlite3.connect(path) as db:
        count: int = db.execute("SELECT COUNT(*) FROM prompts").fetchone()[0]
    return count


async def _asked(client: Any, after: int = 0) -> Message:
    def question(m: Message) -> bool:
        return "should continue" in text_in(m) and int(m["message_id"]) > after

    found: Message = await client.wait_for_message(PRIVATE_CHAT_ID, question)
    return found


async def _all_final(store: Any, chat_id: int) -> bool:
    return all(job.state is JobState.DELIVERED for job in await store.recent(chat_id, 10))
