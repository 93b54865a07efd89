"""The results the emulator made, kept on disk and served from its own host until deleted.
The seed does not say how long results live: here, until delete-media or shutdown."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"


@dataclass(frozen=True, slots=True)
class Shelf:
    """Where one kind of result lives: its URL folder, file suffix and content type."""

    folder: str
    suffix: str
    content_type: str


SHELVES = {
    MediaKind.IMAGE: Shelf("images", ".jpg", "image/jpeg"),
    MediaKind.VIDEO: Shelf("videos", ".mp4", "video/mp4"),
    MediaKind.AUDIO: Shelf("audios", ".mp3", "audio/mpeg"),
}


@dataclass(frozen=True, slots=True)
class Media:
    media_id: str
    kind: MediaKind
    path: Path
    created_at: datetime

    @property
    def shelf(self) -> Shelf:
        return SHELVES[self.kind]

    def url(self, base_url: str) -> str:
        return f"{base_url}/{self.shelf.folder}/{self.media_id}{self.shelf.suffix}"

    def as_json(self, base_url: str) -> dict[str, object]:
        return {
            "id": self.media_id,
            "kind": self.kind.value,
            "url": self.url(base_url),
            "size": self.path.stat().st_size,
            "created_at": iso(self.created_at),
        }


class MediaStore:
    """Results by id; a file is kept by moving it in from a call's scratch dir."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._media: dict[str, Media] = {}
        for shelf in SHELVES.values():
            (root / shelf.folder).mkdir(parents=True, exist_ok=True)

    def keep(self, kind: MediaKind, made: Path) -> Media:
        media_id = uuid.uuid4().hex
        shelf = SHELVES[kind]
        dest = self._root / shelf.folder / f"{media_id}{shelf.suffix}"
        made.replace(dest)
        media = Media(media_id, kind, dest, datetime.now(UTC))
        self._media[media_id] = media
        return media

    def find(self, folder: str, filename: str) -> Media | None:
        """The result at `/{folder}/{filename}`, if it exists and still has its file."""
        media_id, dot, suffix = filename.partition(".")
        media = self._media.get(media_id)
        if media is None or (folder, f"{dot}{suffix}") != (media.shelf.folder, media.shelf.suffix):
            return None
        return media

    def find_url(self, url: str) -> Media | None:
        """The result a URL names; only its path counts, as the host may be spelt many ways."""
        parts = urlsplit(url).path.strip("/").split("/")
        return self.find(parts[0], parts[1]) if len(parts) == 2 else None

    def delete(self, media: Media) -> None:
        self._media.pop(media.media_id, None)
        media.path.unlink(missing_ok=True)

    def clear(self) -> None:
        for media in list(self._media.values()):
            self.delete(media)

    def all(self) -> list[Media]:
        return list(self._media.values())


def iso(moment: datetime) -> str:
    """`2024-09-12T10:00:00Z`, the seed's form."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
