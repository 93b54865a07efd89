"""Helpers for tests that run the client against the Runway API emulator."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

from bot.domain.models import JobKind, MediaFile
from bot.domain.updates import TaskRunning, TaskUpdate
from bot.provider.kie.client import RunwayClient
from sandbox.runway import RunningRunway
from tests.provider.fakes import FakeProvider, Seen

STEP = 0.02


async def until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Wait for something the emulator does in the background."""
    for _ in range(int(seconds / STEP)):
        if condition():
            return
        await asyncio.sleep(STEP)
    raise AssertionError(f"still not true after {seconds} s")


async def drained(emu: RunningRunway) -> None:
    """Wait until every task has finished, so no render is cut off when the emulator stops."""
    await until(lambda: all(task.finished for task in emu.state.tasks.values()))


def sent(emu: RunningRunway, path: str) -> list[Any]:
    """The JSON bodies the emulator received at `path`, oldest first."""
    return [r.json for r in emu.state.requests if r.path == path]


def forms(emu: RunningRunway, path: str) -> list[dict[str, Any] | None]:
    return [r.form for r in emu.state.requests if r.path == path]


async def finished(client: RunwayClient, kind: JobKind, task_id: str) -> list[TaskUpdate]:
    """Poll until the task finishes; every update seen, the final one last."""
    updates: list[TaskUpdate] = []
    async with asyncio.timeout(20):
        while True:
            updates.append(await client.fetch(kind, task_id))
            if not isinstance(updates[-1], TaskRunning):
                return updates
            await asyncio.sleep(0.05)


async def first_post(receiver: FakeProvider) -> Seen:
    await until(lambda: bool(receiver.seen))
    return receiver.seen[0]


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 90)).save(out, format="PNG")
    return out.getvalue()


def photo_file(directory: Path) -> MediaFile:
    path = directory / "photo.png"
    path.write_bytes(png_bytes())
    return MediaFile(path, "photo.png", path.stat().st_size)
