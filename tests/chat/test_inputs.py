"""Photos, image files, videos for Aleph, and the clear answers for what we cannot take."""

from __future__ import annotations

from pathlib import Path

from sandbox.telegram import GROUP_ID, PRIVATE_CHAT_ID
from tests.chat.conftest import Sandbox, has_video, text_of
from tests.chat.media import jpeg_bytes


async def test_photo_with_caption_becomes_a_video(sandbox: Sandbox) -> None:
    client = sandbox.client
    request = await client.send_photo(PRIVATE_CHAT_ID, jpeg_bytes(), "the sun rises slowly")
    video = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
    assert video["reply_to_message"]["message_id"] == request["message_id"]
    assert "the sun rises slowly" in text_of(video)
    job = (await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 1))[0]
    assert job.kind.value == "image" and job.options.aspect_ratio is None


async def test_image_sent_as_a_file_is_taken_like_a_photo(sandbox: Sandbox, tmp_path: Path) -> None:
    client = sandbox.client
    picture = tmp_path / "picture.jpg"
    picture.write_bytes(jpeg_bytes())
    await client.send_document(PRIVATE_CHAT_ID, picture, "waves roll in")
    video = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
    assert "waves roll in" in text_of(video)


async def test_photo_without_caption_gets_an_answer(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_photo(PRIVATE_CHAT_ID, jpeg_bytes())
    answer = await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "caption" in text_of(m))
    assert "move" in text_of(answer)


async def test_unsupported_file_gets_an_answer(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_document(PRIVATE_CHAT_ID, b"%PDF-1.4 not a picture", "animate this")
    answer = await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "not supported" in text_of(m))
    assert "JPG" in text_of(answer)


async def test_photo_in_a_group_needs_the_video_command(sandbox: Sandbox) -> None:
    client = sandbox.client
    request = await client.send_photo(GROUP_ID, jpeg_bytes(), "/video clouds drift by")
    video = await client.wait_for_message(GROUP_ID, has_video, timeout=20)
    assert video["reply_to_message"]["message_id"] == request["message_id"]
    assert text_of(video).startswith("clouds drift by")


async def test_aleph_restyles_a_video_it_replies_to(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(PRIVATE_CHAT_ID, "/video a quiet street")
    first = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
    request = await client.send_text(
        PRIVATE_CHAT_ID, "/aleph make it snowy", reply_to=first["message_id"]
    )
    restyled = await client.wait_for_message(
        PRIVATE_CHAT_ID, lambda m: has_video(m) and "snowy" in text_of(m), timeout=20
    )
    assert restyled["reply_to_message"]["message_id"] == request["message_id"]


async def test_aleph_as_a_video_caption(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(PRIVATE_CHAT_ID, "/video a red car")
    first = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
    clip = await client.download(first["video"]["file_id"])
    await client.send_video(PRIVATE_CHAT_ID, clip, "/aleph paint it blue")
    await client.wait_for_message(
        PRIVATE_CHAT_ID, lambda m: has_video(m) and "paint it blue" in text_of(m), timeout=20
    )


async def test_aleph_without_a_video_explains_itself(sandbox: Sandbox) -> None:
    await sandbox.client.send_text(PRIVATE_CHAT_ID, "/aleph make it snowy")
    await sandbox.client.wait_for_message(
        PRIVATE_CHAT_ID, lambda m: "reply to a video" in text_of(m)
    )


async def test_an_unreadable_video_gets_a_clear_answer(sandbox: Sandbox, tmp_path: Path) -> None:
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\x00" * (11 * 1024 * 1024))
    await sandbox.client.send_video(PRIVATE_CHAT_ID, big, "/aleph make it snowy")
    await sandbox.client.wait_for_message(
        PRIVATE_CHAT_ID, lambda m: "could not read this file" in text_of(m)
    )
    assert await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 5) == []


async def test_photo_over_twenty_megabytes_is_refused(sandbox: Sandbox, tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"\x00" * (21 * 1024 * 1024))
    await sandbox.client.send_document(PRIVATE_CHAT_ID, big, "animate")
    await sandbox.client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "20 MB" in text_of(m))
