"""Files the emulator holds: stored on disk, known by file_id, file_unique_id and file_path."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import mimetypes
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.telegram import media

_ID_PREFIX = {
    "photo": "AgAC",
    "video": "BAAC",
    "document": "BQAC",
    "animation": "CgAC",
    "audio": "CQAC",
    "thumbnail": "AAMC",
}
_FOLDER = {
    "photo": "photos",
    "video": "videos",
    "document": "documents",
    "animation": "animations",
    "audio": "music",
    "thumbnail": "thumbnails",
}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    path: Path
    file_path: str
    size: int
    mime_type: str | None = None
    file_name: str | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None
    performer: str | None = None
    title: str | None = None
    thumbnail: StoredFile | None = None
    photo_sizes: list[StoredFile] = field(default_factory=list)

    def photo_size(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": self.size,
        }

    def to_api(self) -> dict[str, Any]:
        """The Video, Animation, Audio or Document object of this file."""
        data: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.kind in ("video", "animation"):
            data.update(width=self.width or 0, height=self.height or 0, duration=self.duration or 0)
        if self.kind == "audio":
            data["duration"] = self.duration or 0
        for key in ("performer", "title", "file_name", "mime_type"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.thumbnail is not None:
            data["thumbnail"] = self.thumbnail.photo_size()
        return data

    def file_info(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        # Files sent by HTTP URL, by (URL, kind): Telegram keeps what it fetched from a URL and
        # sends the same file again when the URL comes again, without fetching it.
        self.by_url: dict[tuple[str, str], StoredFile] = {}
        self._counter = itertools.count(1)
        for folder in _FOLDER.values():
            (root / folder).mkdir(parents=True, exist_ok=True)

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    async def add_photo(self, source: Path) -> StoredFile:
        """Store an image as a photo; the result is the largest size, all sizes attached."""
        stem = f"file_{next(self._counter)}"
        folder = self.root / _FOLDER["photo"]
        rendered = await asyncio.to_thread(media.render_photo_sizes, source, folder, stem)
        sizes = [
            self._register("photo", path, width=w, height=h, mime_type="image/jpeg")
            for path, w, h in rendered
        ]
        for size in sizes:
            size.photo_sizes = sizes
        return sizes[-1]

    async def add(
        self,
        source: Path,
        kind: str,
        *,
        file_name: str | None,
        mime_type: str | None,
        video: media.VideoInfo | None = None,
        audio: media.AudioInfo | None = None,
    ) -> StoredFile:
        """Copy an uploaded or fetched file in as a video, animation, audio or document."""
        suffix = Path(file_name or "").suffix or mimetypes.guess_extension(mime_type or "") or ""
        target = self.root / _FOLDER[kind] / f"file_{next(self._counter)}{suffix}"
        await asyncio.to_thread(shutil.copyfile, source, target)
        stored = self._register(kind, target, file_name=file_name, mime_type=mime_type)
        if video is not None:
            stored.width, stored.height, stored.duration = video.width, video.height, video.duration
            stored.thumbnail = await self._thumbnail(target)
        if audio is not None:
            stored.duration, stored.performer, stored.title = (
                audio.duration, audio.performer, audio.title
            )  # fmt: skip
        return stored

    async def _thumbnail(self, video_path: Path) -> StoredFile | None:
        target = self.root / _FOLDER["thumbnail"] / f"file_{next(self._counter)}.jpg"
        if not await media.video_thumbnail(video_path, target):
            return None
        size = media.image_size(target) or (0, 0)
        return self._register(
            "thumbnail", target, width=size[0], height=size[1], mime_type="image/jpeg"
        )

    def _register(self, kind: str, path: Path, **facts: Any) -> StoredFile:
        digest = hashlib.sha256(path.read_bytes()).digest()
        unique = "AQAD" + base64.urlsafe_b64encode(digest[:9]).decode()
        file_id = _ID_PREFIX[kind] + secrets.token_urlsafe(30)
        file_path = f"{_FOLDER[kind]}/{path.name}"
        stored = StoredFile(file_id, unique, kind, path, file_path, path.stat().st_size, **facts)
        self._by_id[file_id] = stored
        self._by_path[file_path] = stored
        return stored
