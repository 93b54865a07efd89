"""Bot API request parameters from a query string, JSON, urlencoded or multipart body.

PTB sends every value as a string (objects JSON-encoded inside form fields) and uploads files
as multipart parts, so each getter accepts both native JSON values and their string forms.
Uploaded parts are streamed to temporary files and refused above the 50 MB upload cap.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import BodyPartReader, web

from sandbox.telegram.errors import bad_request, too_large

UPLOAD_LIMIT = 50 * 1024 * 1024
_CHUNK = 256 * 1024


@dataclass(frozen=True)
class UploadedPart:
    path: Path
    filename: str | None
    content_type: str | None
    size: int


class Params:
    def __init__(self, values: dict[str, Any], files: dict[str, UploadedPart]) -> None:
        self.values = values
        self.files = files

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.files

    def get_str(self, name: str, *, required: bool = False) -> str | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str, *, required: bool = False) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def get_bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def get_json(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            if not value:
                return None
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_id(self, name: str = "chat_id") -> int | str:
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, str) and value.startswith("@"):
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def attached(self, reference: str) -> UploadedPart | None:
        """The part an ``attach://name`` reference points at."""
        if reference.startswith("attach://"):
            return self.files.get(reference.removeprefix("attach://"))
        return None

    def cleanup(self) -> None:
        for part in self.files.values():
            part.path.unlink(missing_ok=True)


async def read_params(request: web.Request, upload_dir: Path) -> Params:
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedPart] = {}
    content_type = request.content_type
    if request.method == "POST" and request.can_read_body:
        if content_type == "application/json":
            body = await json_object(request)
            values.update(body)
        elif content_type == "multipart/form-data":
            await _read_multipart(request, upload_dir, values, files)
        else:
            form = await request.post()
            values.update({k: v for k, v in form.items() if isinstance(v, str)})
    return Params(values, files)


async def json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise bad_request("can't parse JSON object") from None
    if not isinstance(body, dict):
        raise bad_request("can't parse JSON object")
    return body


async def _read_multipart(
    request: web.Request,
    upload_dir: Path,
    values: dict[str, Any],
    files: dict[str, UploadedPart],
) -> None:
    """Read every part; an oversized file is drained to the end so the client sees the 413."""
    reader = await request.multipart()
    oversized = False
    async for part in reader:
        if not isinstance(part, BodyPartReader) or not part.name:
            continue
        if part.filename is None:
            values[part.name] = await part.text()
            continue
        saved = await _save_part(part, upload_dir)
        if saved is None:
            oversized = True
        else:
            files[part.name] = saved
    if oversized:
        Params(values, files).cleanup()
        raise too_large()


async def _save_part(part: BodyPartReader, upload_dir: Path) -> UploadedPart | None:
    handle = tempfile.NamedTemporaryFile(dir=upload_dir, delete=False, suffix=".part")  # noqa: SIM115
    path = Path(handle.name)
    size = 0
    with handle:
        while chunk := await part.read_chunk(_CHUNK):
            size += len(chunk)
            if size <= UPLOAD_LIMIT:
                handle.write(chunk)
    if size > UPLOAD_LIMIT:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        return None
    content_type = part.headers.get("Content-Type")
    return UploadedPart(path, part.filename, content_type, size)
