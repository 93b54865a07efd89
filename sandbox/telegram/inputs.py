"""Files a request sends: an upload, an ``attach://`` part, an HTTP URL or a known file_id."""

from __future__ import annotations

import asyncio
import ipaddress
import mimetypes
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import aiohttp

from sandbox.telegram import media
from sandbox.telegram.api_common import ApiContext
from sandbox.telegram.errors import bad_request
from sandbox.telegram.files import FileStore, StoredFile
from sandbox.telegram.params import Params, UploadedPart

URL_LIMIT = 20 * 1024 * 1024
URLS_KEPT = 10_000
_CHUNK = 256 * 1024


async def input_file(ctx: ApiContext, p: Params, field: str, kind: str) -> StoredFile:
    """The file a send method names in ``field``, stored as ``kind`` (or as a document)."""
    value = p.get_str(field)
    part = p.files.get(field) or (p.attached(value) if value else None)
    if part is not None:
        return await ingest(ctx.state.files, part, kind, p)
    if not value:
        raise bad_request(f"there is no {field} in the request")
    if value.startswith(("http://", "https://")):
        return await _from_url(ctx, p, value, kind)
    return _known_file(ctx, value, kind)


async def _from_url(ctx: ApiContext, p: Params, url: str, kind: str) -> StoredFile:
    """A URL sent before is not fetched again (FileStore.by_url); a failed fetch is not kept."""
    known = ctx.state.files.by_url.get((url, kind))
    if known is not None:
        return known
    fetched = await fetch_url(ctx, url)
    try:
        stored = await ingest(ctx.state.files, fetched, kind, p)
    finally:
        fetched.path.unlink(missing_ok=True)
    if len(ctx.state.files.by_url) < URLS_KEPT:
        ctx.state.files.by_url[url, kind] = stored
    return stored


def _known_file(ctx: ApiContext, file_id: str, kind: str) -> StoredFile:
    stored = ctx.state.files.get(file_id)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind == "thumbnail" or (stored.kind == "photo") != (kind == "photo"):
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


async def ingest(
    files: FileStore, part: UploadedPart, kind: str, p: Params | None = None
) -> StoredFile:
    """Store a received file as ``kind``; a "video" that has no video stream is a document."""
    if kind == "photo":
        if media.image_size(part.path) is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        return await files.add_photo(part.path)
    mime = _mime(part)
    if kind == "audio":
        return await _ingest_audio(files, part, mime, p)
    info = await media.probe_video(part.path) if kind in ("video", "animation") else None
    if kind in ("video", "animation") and info is None:
        kind = "document"
    if info is not None:
        info = _declared(info, p)
        mime = mime if mime.startswith("video/") or mime == "image/gif" else "video/mp4"
    return await files.add(part.path, kind, file_name=part.filename, mime_type=mime, video=info)


async def _ingest_audio(
    files: FileStore, part: UploadedPart, mime: str, p: Params | None
) -> StoredFile:
    """Sound (MP3, M4A, ...) becomes an Audio; anything else a document, as Telegram does."""
    info = await media.probe_audio(part.path)
    if info is None:
        return await files.add(part.path, "document", file_name=part.filename, mime_type=mime)
    if p is not None:
        info = media.AudioInfo(
            p.get_int("duration") or info.duration, p.get_str("performer"), p.get_str("title")
        )
    mime = mime if mime.startswith("audio/") else "audio/mpeg"
    return await files.add(part.path, "audio", file_name=part.filename, mime_type=mime, audio=info)


def _declared(info: media.VideoInfo, p: Params | None) -> media.VideoInfo:
    """What the sender declared wins over what ffmpeg read, as Telegram trusts the sender."""
    if p is None:
        return info
    return media.VideoInfo(
        p.get_int("width") or info.width,
        p.get_int("height") or info.height,
        p.get_int("duration") or info.duration,
    )


def _mime(part: UploadedPart) -> str:
    given = (part.content_type or "").split(";")[0].strip()
    if given and given != "application/octet-stream":
        return given
    guessed, _ = mimetypes.guess_type(part.filename or "")
    return guessed or "application/octet-stream"


def is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def fetch_url(ctx: ApiContext, url: str) -> UploadedPart:
    """Download ``url`` (loopback only unless configured otherwise) up to the 20 MB cap."""
    parts = urlsplit(url)
    if ctx.state.config.loopback_only and not is_loopback(parts.hostname):
        raise bad_request("failed to get HTTP URL content")
    name = Path(unquote(parts.path)).name or "file"
    try:
        async with ctx.session.get(url, timeout=aiohttp.ClientTimeout(total=30)) as response:
            if response.status != 200:
                raise bad_request("failed to get HTTP URL content")
            if (response.content_length or 0) > URL_LIMIT:
                raise bad_request("file is too big")
            path = await _save_stream(response, ctx.state.upload_dir)
            return UploadedPart(path, name, response.content_type, path.stat().st_size)
    except (aiohttp.ClientError, TimeoutError):
        raise bad_request("failed to get HTTP URL content") from None


async def _save_stream(response: aiohttp.ClientResponse, folder: Path) -> Path:
    handle = tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".url")  # noqa: SIM115
    path = Path(handle.name)
    size = 0
    with handle:
        async for chunk in response.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > URL_LIMIT:
                break
            handle.write(chunk)
    if size > URL_LIMIT:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise bad_request("file is too big")
    return path
