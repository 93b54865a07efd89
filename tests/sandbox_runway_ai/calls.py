"""Calling the emulator in tests: a JSON answer with its status, a result's URL, its bytes."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import aiohttp
from PIL import Image


async def call(
    api: aiohttp.ClientSession, method: str, path: str, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    async with api.request(method, path, **kwargs) as response:
        assert response.content_type == "application/json", await response.text()
        body: dict[str, Any] = await response.json()
        return response.status, body


async def made(api: aiohttp.ClientSession, path: str, body: dict[str, Any], answer: str) -> str:
    """POST `body` and return the URL in the answer's `answer` field."""
    status, reply = await call(api, "POST", path, json=body)
    assert status == 200, reply
    url: str = reply[answer]
    return url


async def refused(
    api: aiohttp.ClientSession, path: str, body: dict[str, Any], status: int = 422
) -> str:
    """POST `body`, expect a refusal with `status`; its message."""
    got, reply = await call(api, "POST", path, json=body)
    assert got == status, reply
    message: str = reply["error"]["message"]
    return message


async def download(api: aiohttp.ClientSession, url: str, dest: Path) -> Path:
    async with api.get(url) as response:
        assert response.status == 200, await response.text()
        await asyncio.to_thread(dest.write_bytes, await response.read())
    return dest


async def picture(api: aiohttp.ClientSession, url: str) -> Image.Image:
    async with api.get(url) as response:
        assert response.status == 200
        assert response.content_type == "image/jpeg"
        with Image.open(io.BytesIO(await response.read())) as image:
            assert image.format == "JPEG"
            return image.convert("RGB")
