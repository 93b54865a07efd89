"""The file upload API: stream (multipart), base64 and URL uploads, served back at /files/."""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import BodyPartReader, web

from sandbox.runway.envelope import ApiError, json_object, upload_ok
from sandbox.runway.fetching import FetchError, fetch_to_file
from sandbox.runway.keys import ENGINE
from sandbox.runway.middleware import RECORD
from sandbox.runway.runway_views import base_url

UPLOADS = "uploads"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
SAFE_SEGMENT = re.compile(r"^[A-Za-z0-9._-]+$")
UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]")
CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True)
class Target:
    """Where an upload lands: the file on disk, its path as the API names it, its URL path."""

    file: Path
    file_path: str
    url_path: str


async def stream_upload(request: web.Request) -> web.Response:
    if request.content_type != "multipart/form-data":
        raise ApiError(422, "file-stream-upload takes multipart/form-data with a file part")
    with _upload_dir(request) as upload_dir:
        incoming = upload_dir / ".incoming"
        fields, original, mime = await _read_multipart(request, incoming)
        request[RECORD].form = {**fields, "file": original}
        if original is None:
            raise ApiError(422, "file is required")
        target = _target(upload_dir, fields.get("uploadPath"), fields.get("fileName") or original)
        incoming.rename(target.file)
    return _reply(request, target, mime)


async def base64_upload(request: web.Request) -> web.Response:
    body = await json_object(request)
    data, mime = _decode_base64(body.get("base64Data"))
    with _upload_dir(request) as upload_dir:
        target = _target(upload_dir, body.get("uploadPath"), body.get("fileName"), mime)
        target.file.write_bytes(data)
    return _reply(request, target, mime)


async def url_upload(request: web.Request) -> web.Response:
    body = await json_object(request)
    url = body.get("fileUrl")
    if not isinstance(url, str) or not url:
        raise ApiError(422, "fileUrl is required")
    name = body.get("fileName") or _name_from_url(url)
    with _upload_dir(request) as upload_dir:
        target = _target(upload_dir, body.get("uploadPath"), name)
        try:
            session = request.app[ENGINE].session
            await fetch_to_file(session, url, target.file, max_bytes=MAX_UPLOAD_BYTES)
        except FetchError as exc:
            raise ApiError(451, f"Failed to fetch fileUrl: {exc}") from exc
    return _reply(request, target, None)


@contextmanager
def _upload_dir(request: web.Request) -> Iterator[Path]:
    """A fresh dir per upload (so equal names never clash), removed if the upload fails."""
    path = request.app[ENGINE].root / UPLOADS / uuid.uuid4().hex
    path.mkdir(parents=True)
    try:
        yield path
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


async def _read_multipart(
    request: web.Request, dest: Path
) -> tuple[dict[str, str], str | None, str | None]:
    """Text fields, and the file part streamed to `dest` (its name and type, if there was one)."""
    fields: dict[str, str] = {}
    original: str | None = None
    mime: str | None = None
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "file":
            original = part.filename or "file"
            mime = part.headers.get("Content-Type")
            await _save_part(part, dest)
        elif part.name:
            fields[part.name] = await part.text()
    return fields, original, mime


async def _save_part(part: BodyPartReader, dest: Path) -> None:
    size = 0
    with dest.open("wb") as out:
        while chunk := await part.read_chunk(CHUNK):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise ApiError(422, "file is larger than 200 MB")
            out.write(chunk)


def _target(upload_dir: Path, upload_path: Any, file_name: Any, mime: str | None = None) -> Target:
    clean_path = _clean_upload_path(upload_path)
    name = _clean_file_name(file_name, mime)
    directory = upload_dir / clean_path
    directory.mkdir(parents=True, exist_ok=True)
    url_path = f"/files/{UPLOADS}/{upload_dir.name}/{clean_path}/{name}"
    return Target(directory / name, f"{clean_path}/{name}", url_path)


def _clean_upload_path(value: Any) -> str:
    if not isinstance(value, str) or not value.strip("/"):
        raise ApiError(422, "uploadPath is required")
    segments = value.strip("/").split("/")
    if any(s in {".", ".."} or not SAFE_SEGMENT.match(s) for s in segments):
        raise ApiError(422, "uploadPath may hold only letters, digits, '.', '_', '-' and '/'")
    return "/".join(segments)


def _clean_file_name(value: Any, mime: str | None) -> str:
    if value is not None and not isinstance(value, str):
        raise ApiError(422, "fileName must be a string")
    name = UNSAFE_CHARS.sub("_", (value or "").rsplit("/", 1)[-1]).lstrip(".")
    if not name:
        name = uuid.uuid4().hex + (mimetypes.guess_extension(mime or "") or ".bin")
    return name


def _name_from_url(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1]


def _decode_base64(value: Any) -> tuple[bytes, str | None]:
    """Plain base64 or a `data:` URL; the data URL's type is kept."""
    if not isinstance(value, str) or not value:
        raise ApiError(422, "base64Data is required")
    mime = None
    if value.startswith("data:"):
        header, _, value = value.partition(",")
        mime = header.removeprefix("data:").split(";")[0] or None
    try:
        return base64.b64decode(value, validate=True), mime
    except (binascii.Error, ValueError) as exc:
        raise ApiError(422, "base64Data is not valid base64") from exc


def _reply(request: web.Request, target: Target, mime: str | None) -> web.Response:
    guessed = mimetypes.guess_type(target.file.name)[0]
    return upload_ok(
        {
            "fileName": target.file.name,
            "filePath": target.file_path,
            "downloadUrl": base_url(request) + target.url_path,
            "fileSize": target.file.stat().st_size,
            "mimeType": mime or guessed or "application/octet-stream",
            "uploadedAt": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
