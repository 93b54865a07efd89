"""User media: which file a message carries, whether we can take it, and downloading it."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from telegram import Bot, Message
from telegram.error import BadRequest

from bot.domain.errors import UserError
from bot.domain.models import MediaFile
from bot.media.downloads import MB

DOWNLOAD_LIMIT = 20 * MB  # getFile serves at most 20 MB
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
VIDEO_TYPES = {"video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm"}
KNOWN_SUFFIXES = frozenset({*IMAGE_TYPES.values(), ".jpeg", *VIDEO_TYPES.values()})


class MediaProblem(UserError):
    """We cannot take this file; `key` names the catalog text that says why."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """A file a user sent, not yet downloaded."""

    file_id: str
    size: int
    filename: str


def photo_in(message: Message) -> Incoming | None:
    """The largest size of a photo, or an image sent as a file; raises for other types. WebP
    and large PNGs are fine: they are turned into JPEGs the provider takes before sending."""
    if message.photo:
        photo = message.photo[-1]
        return _checked(Incoming(photo.file_id, photo.file_size or 0, "photo.jpg"))
    document = message.document
    if document is None:
        return None
    suffix = IMAGE_TYPES.get(document.mime_type or "")
    if suffix is None:
        raise MediaProblem("media.unsupported")
    return _checked(Incoming(document.file_id, document.file_size or 0, f"image{suffix}"))


def video_in(message: Message) -> Incoming | None:
    """A video, or a video sent as a file; raises for other types. Long or large videos are
    fine up to Telegram's download limit: Aleph input is cut to 5 s and 10 MB before sending."""
    if message.video:
        video = message.video
        return _checked(Incoming(video.file_id, video.file_size or 0, "video.mp4"))
    document = message.document
    if document and (document.mime_type or "").startswith("video/"):
        suffix = VIDEO_TYPES.get(document.mime_type or "")
        if suffix is None:
            raise MediaProblem("media.unsupported")
        return _checked(Incoming(document.file_id, document.file_size or 0, f"video{suffix}"))
    return None


def _checked(incoming: Incoming) -> Incoming:
    if incoming.size > DOWNLOAD_LIMIT:
        raise MediaProblem("media.too_big", size_mb=round(incoming.size / MB, 1))
    return incoming


async def download(bot: Bot, file_id: str, dest: Path) -> MediaFile:
    """Download a Telegram file. The File's URL holds the bot token: it is never logged and
    never leaves this function."""
    telegram_file = await bot.get_file(file_id)
    await telegram_file.download_to_drive(dest)
    size = (await asyncio.to_thread(dest.stat)).st_size
    return MediaFile(dest, dest.name, size, file_id)


@asynccontextmanager
async def downloaded(bot: Bot, incoming: Incoming) -> AsyncIterator[MediaFile]:
    """Download to a temp dir that is removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix="media-") as tmp:
        yield await download(bot, incoming.file_id, Path(tmp) / incoming.filename)


class TelegramMedia:
    """The MediaSource port: a user's media fetched again by its file_id, named with the suffix
    Telegram's own path has (a PNG sent as a file stays a .png), else the one asked for. A file
    Telegram no longer has is a UserError; the chat says so in plain words."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def fetch(self, file_id: str, filename: str, workdir: Path) -> MediaFile:
        try:
            telegram_file = await self._bot.get_file(file_id)
        except BadRequest as exc:
            raise UserError("tool.media_gone") from exc
        suffix = PurePosixPath(urlsplit(telegram_file.file_path or "").path).suffix.lower()
        name = Path(filename)
        dest = workdir / (name.stem + suffix if suffix in KNOWN_SUFFIXES else name.name)
        await telegram_file.download_to_drive(dest)
        size = (await asyncio.to_thread(dest.stat)).st_size
        return MediaFile(dest, dest.name, size, file_id)
