"""Small helpers for the emulator tests: polling, a video probe that reads ffmpeg's report."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import imageio_ffmpeg

TEST_KEY = "test-key"
POLL = 0.05


@dataclass(frozen=True)
class Probe:
    codec: str
    pixel_format: str
    width: int
    height: int
    duration: float


async def ffmpeg(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-hide_banner",
        *args,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, err.decode(errors="replace")


async def probe(path: Path) -> Probe:
    _, report = await ffmpeg("-i", str(path))
    stream = re.search(r"Video: (\w+)[^,]*, (\w+)[^,]*?, (\d+)x(\d+)", report)
    duration = re.search(r"Duration: (\d+):(\d+):([\d.]+)", report)
    assert stream and duration, report
    h, m, s = duration.groups()
    return Probe(
        stream.group(1),
        stream.group(2),
        int(stream.group(3)),
        int(stream.group(4)),
        int(h) * 3600 + int(m) * 60 + float(s),
    )


async def decodes_cleanly(path: Path) -> bool:
    code, errors = await ffmpeg("-v", "error", "-i", str(path), "-f", "null", "-")
    return code == 0 and not errors.strip()


async def envelope(
    api: aiohttp.ClientSession, method: str, path: str, **kwargs: Any
) -> dict[str, Any]:
    async with api.request(method, path, **kwargs) as response:
        body: dict[str, Any] = await response.json()
        return body


async def set_knobs(api: aiohttp.ClientSession, **knobs: Any) -> None:
    async with api.post("/_emulator/knobs", json=knobs) as response:
        assert response.status == 200, await response.text()


async def submit(api: aiohttp.ClientSession, path: str, body: dict[str, Any]) -> str:
    reply = await envelope(api, "POST", path, json=body)
    assert reply["code"] == 200, reply
    task_id: str = reply["data"]["taskId"]
    return task_id


async def wait_runway(
    api: aiohttp.ClientSession, task_id: str, timeout: float = 15
) -> dict[str, Any]:
    """Poll record-detail until the task succeeds or fails; return its `data`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = await envelope(
            api, "GET", "/api/v1/runway/record-detail", params={"taskId": task_id}
        )
        if reply["code"] == 200 and reply["data"]["state"] in {"success", "fail"}:
            data: dict[str, Any] = reply["data"]
            return data
        await asyncio.sleep(POLL)
    raise AssertionError(f"task {task_id} did not finish")


async def wait_aleph(
    api: aiohttp.ClientSession, task_id: str, timeout: float = 15
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reply = await envelope(api, "GET", "/api/v1/aleph/record-info", params={"taskId": task_id})
        data: dict[str, Any] = reply["data"]
        if data["successFlag"] == 1 or data["errorMessage"]:
            return data
        await asyncio.sleep(POLL)
    raise AssertionError(f"aleph task {task_id} did not finish")


async def wait_until(check: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(POLL)


async def download(session: aiohttp.ClientSession, url: str, dest: Path) -> Path:
    async with session.get(url) as response:
        assert response.status == 200
        await asyncio.to_thread(dest.write_bytes, await response.read())
    return dest


TEXT_BODY: dict[str, Any] = {
    "prompt": "A fluffy orange cat dancing in a colorful room",
    "duration": 5,
    "quality": "720p",
    "aspectRatio": "16:9",
    "waterMark": "",
}


async def control(api: aiohttp.ClientSession, name: str) -> Any:
    """GET /_emulator/{name}: the emulator's own account of what happened."""
    async with api.get(f"/_emulator/{name}") as response:
        assert response.status == 200
        return await response.json()


async def upload(
    api: aiohttp.ClientSession, path: Path, content_type: str, folder: str = "telegram/images"
) -> str:
    """Stream-upload a file to the emulator; return its downloadUrl."""
    form = aiohttp.FormData()
    form.add_field("uploadPath", folder)
    with path.open("rb") as handle:
        form.add_field("file", handle, filename=path.name, content_type=content_type)
        reply = await envelope(api, "POST", "/api/file-stream-upload", data=form)
    assert reply["code"] == 200, reply
    url: str = reply["data"]["downloadUrl"]
    return url
