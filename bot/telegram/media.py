"""User media: which file a message carries, whether we can take it, and downloading it."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot, Message

from bot.domain.models import MediaFile
from bot.domain.rules import MAX_ALEPH_BYTES
from bot.telegram.downloads import MB

DOWNLOAD_LIMIT = 20 * MB  # getFile serves at most 20 MB
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
VIDEO_TYPES = {"video/mp4": ".mp4", "video/quicktime": ".mov", "video/webm": ".webm"}


class MediaProblem(Exception):
    """We cannot take this file; `key` names the catalog text that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True, slots=True)
class Incoming:
    """A file a user sent, not yet downloaded."""

    file_id: str
    size: int
    filename: str


def photo_in(message: Message) -> Incoming | None:
    """The largest size of a photo, or an image sent as a file; raises for other types."""
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
    """A video, or a video sent as a file; raises for other types and for over 10 MB."""
    if message.video:
        video = message.video
        incoming = Incoming(video.file_id, video.file_size or 0, "video.mp4")
    elif message.document and (message.document.mime_type or "").startswith("video/"):
        document = message.document
        suffix = VIDEO_TYPES.get(document.mime_type or "")
        if suffix is None:
            raise MediaProblem("media.unsupported")
        incoming = Incoming(document.file_id, document.file_size or 0, f"video{suffix}")
    else:
        return None
    if incoming.size > MAX_ALEPH_BYTES:
        raise MediaProblem(
            "rule.aleph_too_large", size_mb=round(incoming.size / MB, 1), limit_mb=10
        )
    return _checked(incoming)


def _checked(incoming: Incoming) -> Incoming:
    if incoming.size > DOWNLOAD_LIMIT:
        raise MediaProblem("media.too_big", size_mb=round(incoming.size / MB, 1))
    return incoming


@asynccontextmanager
async def downloaded(bot: Bot, incoming: Incoming) -> AsyncIterator[MediaFile]:
    """Download to a temp dir that is removed when the block ends. The File's URL holds the
    bot token: it is never logged and never leaves this function."""
    with tempfile.TemporaryDirectory(prefix="media-") as tmp:
        path = Path(tmp) / incoming.filename
        telegram_file = await bot.get_file(incoming.file_id)
        await telegram_file.download_to_drive(path)
        yield MediaFile(path, incoming.filename, path.stat().st_size, incoming.file_id)
