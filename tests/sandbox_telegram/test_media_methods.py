"""sendAudio, editMessageMedia and setMessageReaction, and the limits media sends share."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from telegram import (
    Bot,
    InputMediaAudio,
    InputMediaPhoto,
    InputMediaVideo,
    ReactionTypeEmoji,
    ReplyParameters,
)
from telegram.error import BadRequest

from sandbox.telegram import PRIVATE_CHAT_ID, RunningTelegram


async def test_send_audio_by_upload_by_file_id_and_by_url(
    bot: Bot,
    sandbox: RunningTelegram,
    mp3_path: Path,
    mp3_bytes: bytes,
    file_server: tuple[str, Path],
) -> None:
    uploaded = await bot.send_audio(PRIVATE_CHAT_ID, mp3_path, title="Tone", performer="Sandbox")
    again = await bot.send_audio(PRIVATE_CHAT_ID, uploaded.audio.file_id)  # type: ignore[union-attr]
    base, folder = file_server
    shutil.copyfile(mp3_path, folder / "tone.mp3")
    fetched = await bot.send_audio(PRIVATE_CHAT_ID, f"{base}/tone.mp3", caption="by URL")

    audio = uploaded.audio
    assert audio is not None
    assert (audio.title, audio.performer, audio.mime_type) == ("Tone", "Sandbox", "audio/mpeg")
    assert audio.duration.total_seconds() == 2  # type: ignore[union-attr]
    assert again.audio is not None and again.audio.file_id == audio.file_id
    assert fetched.audio is not None and fetched.caption == "by URL"
    assert await sandbox.client.download(audio.file_id) == mp3_bytes


async def test_audio_that_is_no_sound_becomes_a_document(bot: Bot) -> None:
    sent = await bot.send_audio(PRIVATE_CHAT_ID, b"plain words", filename="notes.txt")
    assert sent.audio is None
    assert sent.document is not None and sent.document.file_name == "notes.txt"


@pytest.mark.parametrize("method", ["photo", "video", "audio"])
async def test_captions_over_1024_characters_are_refused(
    bot: Bot, method: str, jpeg_bytes: bytes, mp4_path: Path, mp3_path: Path
) -> None:
    send = {"photo": bot.send_photo, "video": bot.send_video, "audio": bot.send_audio}[method]
    media = {"photo": jpeg_bytes, "video": mp4_path, "audio": mp3_path}[method]
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await send(PRIVATE_CHAT_ID, media, caption="x" * 1025)  # type: ignore[operator]
    assert (await send(PRIVATE_CHAT_ID, media, caption="x" * 1024)).caption  # type: ignore[operator]


async def test_a_video_replying_to_a_deleted_prompt_still_goes(
    bot: Bot, sandbox: RunningTelegram, mp4_path: Path
) -> None:
    asked = await sandbox.client.send_text(PRIVATE_CHAT_ID, "/video a cat")
    await sandbox.client.delete(PRIVATE_CHAT_ID, asked["message_id"])
    strict = ReplyParameters(asked["message_id"])
    lenient = ReplyParameters(asked["message_id"], allow_sending_without_reply=True)

    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await bot.send_video(PRIVATE_CHAT_ID, mp4_path, reply_parameters=strict)
    sent = await bot.send_video(PRIVATE_CHAT_ID, mp4_path, reply_parameters=lenient)

    assert sent.video is not None and sent.reply_to_message is None


async def test_edit_message_media_swaps_a_photo_for_a_video(
    bot: Bot, sandbox: RunningTelegram, jpeg_bytes: bytes, mp4_bytes: bytes
) -> None:
    placeholder = await bot.send_photo(PRIVATE_CHAT_ID, jpeg_bytes, caption="rendering…")

    edited = await bot.edit_message_media(
        InputMediaVideo(mp4_bytes, caption="done", width=320, height=240),
        chat_id=PRIVATE_CHAT_ID,
        message_id=placeholder.message_id,
    )

    assert isinstance(edited, type(placeholder))
    assert edited.video is not None and not edited.photo and edited.caption == "done"
    stored = await sandbox.client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "video" in m)
    assert stored["message_id"] == placeholder.message_id and "edit_date" in stored
    (entry,) = await sandbox.client.timeline(kind="edit")
    assert (entry.method, entry.content) == ("editMessageMedia", "video")


async def test_edit_message_media_by_file_id_and_its_refusals(
    bot: Bot, jpeg_bytes: bytes, mp3_path: Path
) -> None:
    photo = await bot.send_photo(PRIVATE_CHAT_ID, jpeg_bytes)
    text = await bot.send_message(PRIVATE_CHAT_ID, "just words")
    song = await bot.send_audio(PRIVATE_CHAT_ID, mp3_path)
    assert song.audio is not None
    same = InputMediaPhoto(photo.photo[-1].file_id)

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_media(same, PRIVATE_CHAT_ID, photo.message_id)
    with pytest.raises(BadRequest, match=r"(?i)there is no media in the message to edit"):
        await bot.edit_message_media(same, PRIVATE_CHAT_ID, text.message_id)
    long_caption = InputMediaAudio(song.audio.file_id, caption="y" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.edit_message_media(long_caption, PRIVATE_CHAT_ID, photo.message_id)
    swapped = await bot.edit_message_media(
        InputMediaAudio(song.audio.file_id), PRIVATE_CHAT_ID, photo.message_id
    )
    assert not isinstance(swapped, bool) and swapped.audio is not None and not swapped.photo


async def test_a_reaction_is_accepted_and_kept(bot: Bot, sandbox: RunningTelegram) -> None:
    asked = await sandbox.client.send_text(PRIVATE_CHAT_ID, "/video a bird")

    assert await bot.set_message_reaction(PRIVATE_CHAT_ID, asked["message_id"], "👍")
    with pytest.raises(BadRequest, match=r"(?i)message to react not found"):
        await bot.set_message_reaction(PRIVATE_CHAT_ID, 9999, "👍")
    with pytest.raises(BadRequest, match=r"(?i)reactions_too_many"):
        await bot.set_message_reaction(
            PRIVATE_CHAT_ID, asked["message_id"], [ReactionTypeEmoji("👍"), ReactionTypeEmoji("🔥")]
        )

    (stored,) = [m for m in await sandbox.client.messages(PRIVATE_CHAT_ID) if not m["_by_bot"]]
    assert stored["_bot_reactions"] == [{"type": "emoji", "emoji": "👍"}]
    assert all("message_reaction" not in u for u in await sandbox.client.updates())
