"""image-metadata and video-metadata: the truth about the file at a URL, in the seed's forms
("2MB", "30s", ISO times). Video answers carry width, height, fps and has_audio as well."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from PIL import Image

from sandbox.runway_ai import params
from sandbox.runway_ai.fetching import MAX_IMAGE_BYTES, MAX_VIDEO_BYTES
from sandbox.runway_ai.photos import open_rgb
from sandbox.runway_ai.store import iso
from sandbox.runway_ai.studio import STUDIO, Fetched, Workspace

UNITS = (("GB", 2**30), ("MB", 2**20), ("KB", 2**10))


async def image_metadata(request: web.Request) -> web.Response:
    image_url = params.url(params.query(request), "image_url")
    async with request.app[STUDIO].workspace(request) as work:
        fetched = await work.fetch(image_url, "image_url", MAX_IMAGE_BYTES)
        width, height, fmt = await asyncio.to_thread(_picture_facts, fetched.path)
        return web.json_response(
            {
                "image_id": _media_id(work, image_url),
                "size": human_size(fetched.path.stat().st_size),
                "width": width,
                "height": height,
                "created_at": _created_at(work, image_url, fetched),
                "format": fmt,
            }
        )


async def video_metadata(request: web.Request) -> web.Response:
    video_url = params.url(params.query(request), "video_url")
    async with request.app[STUDIO].workspace(request) as work:
        fetched = await work.fetch(video_url, "video_url", MAX_VIDEO_BYTES)
        source = await work.probe_video(fetched.path, "video_url")
        facts: dict[str, Any] = {
            "video_id": _media_id(work, video_url),
            "size": human_size(fetched.path.stat().st_size),
            "duration": human_duration(source.duration),
            "created_at": _created_at(work, video_url, fetched),
            "width": source.stream.width,
            "height": source.stream.height,
            "fps": source.stream.fps,
            "has_audio": source.probe.has_audio,
            "format": source.stream.codec,
        }
        return web.json_response(facts)


def human_size(size: int) -> str:
    """Bytes in the seed's form: "2MB", "1.5MB", "350KB", "512B"."""
    for unit, scale in UNITS:
        if size >= scale:
            value = size / scale
            shown = f"{value:.1f}".removesuffix(".0") if value < 10 else f"{round(value)}"
            return f"{shown}{unit}"
    return f"{size}B"


def human_duration(seconds: float) -> str:
    """Seconds in the seed's form: "30s", "4.5s"."""
    return f"{round(seconds, 1):g}s"


def _picture_facts(path: Path) -> tuple[int, int, str]:
    image = open_rgb(path, "image_url")  # refuses what is not a picture
    with Image.open(path) as opened:
        return image.width, image.height, (opened.format or "unknown").lower()


def _media_id(work: Workspace, url: str) -> str:
    """Our own result's id, or the file name the URL ends with."""
    media = work.studio.store.find_url(url)
    return media.media_id if media else PurePosixPath(urlsplit(url).path).stem


def _created_at(work: Workspace, url: str, fetched: Fetched) -> str:
    media = work.studio.store.find_url(url)
    if media is not None:
        return iso(media.created_at)
    return iso(fetched.last_modified or datetime.now(UTC))
