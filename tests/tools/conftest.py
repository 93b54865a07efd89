"""The tools end to end: the whole bot (tests/chat's harness) with the Runway AI emulator, or
with the bundled ffmpeg only, over real HTTP; small media made once per session, and results
measured by the tests' own ffmpeg and Pillow readings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from sandbox.runway_ai import RunwayAiKnobs
from tests.chat.conftest import (
    RUNWAY_AI_KEY,
    Message,
    Sandbox,
    StartSandbox,
    start_sandbox,
    text_of,
)
from tests.sandbox_runway_ai.media import Samples, make_samples
from tests.support import eventually

__all__ = ["start_sandbox"]

# Small and quick: 64-pixel clips at 4 fps, with a quiet tone so /audio has work.
AI_KNOBS = RunwayAiKnobs(
    api_key=RUNWAY_AI_KEY,
    fps=4,
    video_short_side=64,
    image_width=160,
    image_height=120,
    soundtrack=True,
)
# Many calls in a row from one person (the budgets are not what these tests are about), and a
# stopping bot that does not wait for the last status edits of a test that has its result.
ROOMY = {"active_jobs_per_user": 50, "daily_jobs_per_user": 500, "drain_seconds": 0.2}
RESULT_KINDS = ("photo", "video", "audio")


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Samples:
    return make_samples(tmp_path_factory.mktemp("tool-samples"))


@pytest.fixture
async def provider(start_sandbox: StartSandbox) -> AsyncIterator[Sandbox]:
    """Both providers configured: the tools run at the Runway AI emulator (MEDIA_TOOLS=auto)."""
    async with start_sandbox(runway_ai=AI_KNOBS, **ROOMY) as running:
        yield running


@pytest.fixture
async def local(start_sandbox: StartSandbox) -> AsyncIterator[Sandbox]:
    """No Runway AI key: the tools run on this machine's ffmpeg and Pillow."""
    async with start_sandbox(**ROOMY) as running:
        yield running


def replying_to(message: Message, *kinds: str, saying: str = "") -> Callable[[Message], bool]:
    """A bot message that answers `message`, carrying one of `kinds` (or, with none given, a
    text that says `saying`)."""

    def check(found: Message) -> bool:
        answers = (found.get("reply_to_message") or {}).get("message_id") == message["message_id"]
        if kinds:
            return answers and any(kind in found for kind in kinds)
        carries = any(kind in found for kind in RESULT_KINDS)
        return answers and not carries and saying in text_of(found)

    return check


async def reply_saying(
    sandbox: Sandbox, chat_id: int, request: Message, saying: str, timeout: float = 30.0
) -> Message:
    """The bot's text (a reply, a result or a status) answering `request` that says `saying`."""
    check = replying_to(request, saying=saying)
    return await sandbox.client.wait_for_message(chat_id, check, timeout=timeout)


async def result_of(
    sandbox: Sandbox, chat_id: int, request: Message, kind: str, timeout: float = 30.0, **where: Any
) -> Message:
    """The bot's result of `kind` in reply to `request`, once the bot has recorded it as
    delivered: a person replies to a result (/forget, /extend) only after seeing it, by when
    the bot has long noted it, where a test could reply in the moment between the two."""
    result = await sandbox.client.wait_for_message(
        chat_id, replying_to(request, kind), timeout=timeout, **where
    )

    async def recorded() -> bool:
        return await sandbox.bot.chat.delivered(chat_id, result["message_id"]) is not None

    await eventually(recorded, what=f"the {kind} result recorded as delivered")
    return result


async def saved(sandbox: Sandbox, message: Message, dest: Path) -> Path:
    """The photo, video or audio a message carries, downloaded from the Telegram emulator."""
    media = message.get("video") or message.get("audio") or (message.get("photo") or [{}])[-1]
    data = await sandbox.client.download(str(media["file_id"]))
    await asyncio.to_thread(dest.write_bytes, data)
    return dest


def picture_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def provider_calls(sandbox: Sandbox, path: str | None = None) -> list[Any]:
    """The Runway AI emulator's records of its /v1 calls (of one path, when given)."""
    assert sandbox.runway_ai is not None
    records = sandbox.runway_ai.state.requests
    return [record for record in records if path is None or record.path == path]
