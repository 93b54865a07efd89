"""Media by upload, by URL and by file_id; getFile and downloads; the size caps."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError

from sandbox.telegram import PRIVATE_CHAT_ID, RunningTelegram


async def test_send_video_by_upload_reads_its_stream(
    bot: Bot, sandbox: RunningTelegram, mp4_path: Path, mp4_bytes: bytes
) -> None:
    sent = await bot.send_video(PRIVATE_CHAT_ID, mp4_path, caption="a fox", supports_streaming=True)

    assert sent.video is not None
    facts = sent.video.to_dict()
    assert (facts["width"], facts["height"], facts["duration"]) == (320, 240, 1)
    assert sent.video.mime_type == "video/mp4"
    assert sent.video.thumbnail is not None
    assert sent.caption == "a fox"
    assert await sandbox.client.download(sent.video.file_id) == mp4_bytes


async def test_declared_video_facts_win(bot: Bot, mp4_path: Path) -> None:
    sent = await bot.send_video(PRIVATE_CHAT_ID, mp4_path, width=1280, height=720, duration=5)
    assert sent.video is not None
    assert (sent.video.width, sent.video.height) == (1280, 720)


async def test_send_photo_makes_sizes(bot: Bot, jpeg_bytes: bytes) -> None:
    sent = await bot.send_photo(PRIVATE_CHAT_ID, jpeg_bytes, caption="look")

    sizes = [(p.width, p.height) for p in sent.photo]
    assert sizes[-1] == (640, 480) and sizes[0][0] <= 90
    assert sizes == sorted(sizes)


async def test_photo_that_is_no_image_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(PRIVATE_CHAT_ID, b"not an image")


async def test_document_and_animation(bot: Bot, mp4_path: Path) -> None:
    document = await bot.send_document(PRIVATE_CHAT_ID, b"report", filename="report.txt")
    animation = await bot.send_animation(PRIVATE_CHAT_ID, mp4_path)

    assert document.document is not None
    assert (document.document.file_name, document.document.mime_type) == (
        "report.txt",
        "text/plain",
    )
    assert animation.animation is not None and animation.animation.width == 320


async def test_caption_limit(bot: Bot, jpeg_bytes: bytes) -> None:
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(PRIVATE_CHAT_ID, jpeg_bytes, caption="x" * 1025)


async def test_resend_by_file_id(bot: Bot, mp4_path: Path) -> None:
    first = await bot.send_video(PRIVATE_CHAT_ID, mp4_path)
    assert first.video is not None

    again = await bot.send_video(PRIVATE_CHAT_ID, first.video.file_id)

    assert again.video is not None
    assert again.video.file_unique_id == first.video.file_unique_id
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_video(PRIVATE_CHAT_ID, "BAACnonsense")
    with pytest.raises(BadRequest, match=r"(?i)can't use file of type video as photo"):
        await bot.send_photo(PRIVATE_CHAT_ID, first.video.file_id)


async def test_send_video_by_url(bot: Bot, mp4_path: Path, file_server: tuple[str, Path]) -> None:
    base, folder = file_server
    shutil.copyfile(mp4_path, folder / "clip.mp4")

    sent = await bot.send_video(PRIVATE_CHAT_ID, f"{base}/clip.mp4")

    assert sent.video is not None and sent.video.width == 320
    with pytest.raises(BadRequest, match=r"(?i)failed to get http url content"):
        await bot.send_video(PRIVATE_CHAT_ID, f"{base}/missing.mp4")
    with pytest.raises(BadRequest, match=r"(?i)failed to get http url content"):
        await bot.send_video(PRIVATE_CHAT_ID, "https://example.com/clip.mp4")


async def test_url_over_20_mb_is_too_big(bot: Bot, file_server: tuple[str, Path]) -> None:
    base, folder = file_server
    with (folder / "big.mp4").open("wb") as handle:
        handle.truncate(20 * 1024 * 1024 + 1)
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.send_video(PRIVATE_CHAT_ID, f"{base}/big.mp4")


async def test_get_file_and_download(bot: Bot, jpeg_bytes: bytes) -> None:
    sent = await bot.send_document(PRIVATE_CHAT_ID, jpeg_bytes, filename="pic.jpg")
    assert sent.document is not None

    file = await bot.get_file(sent.document.file_id)

    assert file.file_size == len(jpeg_bytes)
    assert bytes(await file.download_as_bytearray()) == jpeg_bytes
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")


async def test_get_file_over_20_mb_is_too_big(bot: Bot) -> None:
    sent = await bot.send_document(PRIVATE_CHAT_ID, bytes(21 * 1024 * 1024), filename="big.bin")
    assert sent.document is not None
    with pytest.raises(BadRequest, match=r"(?i)file is too big"):
        await bot.get_file(sent.document.file_id)


async def test_upload_over_50_mb_is_refused(bot: Bot, sandbox: RunningTelegram) -> None:
    with pytest.raises(NetworkError, match="Request Entity Too Large"):
        await bot.send_document(
            PRIVATE_CHAT_ID, bytes(50 * 1024 * 1024 + 1), filename="huge.bin", write_timeout=60
        )
    await asyncio.sleep(0)
    stats = await sandbox.client.stats()
    assert stats["refusals_by_code"] == {"413": 1}
