"""The video endpoints: generate-video, image-to-video, edit-video, video-filter, speed-adjust,
resize-video, generate-thumbnail and extract-audio."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from sandbox.runway_ai import params, video_edits
from sandbox.runway_ai.errors import invalid
from sandbox.runway_ai.params import Params
from sandbox.runway_ai.store import MediaKind
from sandbox.runway_ai.studio import STUDIO, SourceVideo, Workspace

EDIT_TYPES = ("trim", "add-filter", "adjust-speed")
FILTERS = tuple(video_edits.VIDEO_FILTERS)
MAX_SECONDS = 60
MAX_FPS = 60
MIN_SPEED, MAX_SPEED = 0.25, 4.0
MIN_SIDE, MAX_SIDE = 16, 4096
END_SLACK = 0.1  # an end_time this close past the end means "to the end"
VideoEdit = Callable[[Workspace, SourceVideo, Path], Awaitable[None]]


async def generate_video(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    prompt = params.text(body, "prompt", max_length=2000)
    duration = params.whole(body, "duration", 1, MAX_SECONDS)
    studio = request.app[STUDIO]
    knobs = studio.state.knobs
    fps = params.whole(body, "fps", 1, MAX_FPS, default=knobs.fps)
    async with studio.workspace(request) as work:
        out = work.path("result.mp4")
        await video_edits.text_video(
            studio.ffmpeg, prompt, duration, fps, knobs.video_short_side, knobs.soundtrack, out
        )
        return web.json_response({"video_url": work.keep(MediaKind.VIDEO, out)})


async def image_to_video(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    image_url = params.url(body, "image_url")
    duration = params.whole(body, "duration", 1, MAX_SECONDS)
    studio = request.app[STUDIO]
    knobs = studio.state.knobs
    async with studio.workspace(request) as work:
        image = await work.image(image_url, "image_url")
        size = video_edits.frame_size(image.width, image.height, knobs.video_short_side)
        still, out = work.path("still.png"), work.path("result.mp4")
        await asyncio.to_thread(video_edits.prepare_still, image, size, still)
        await video_edits.animate_still(studio.ffmpeg, still, size, duration, knobs.fps, out)
        return web.json_response({"video_url": work.keep(MediaKind.VIDEO, out)})


async def edit_video(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    video_url = params.url(body, "video_url")
    edit_type = params.choice(body, "edit_type", EDIT_TYPES)
    if edit_type == "trim":
        edit = _trimmer(body)
    elif edit_type == "add-filter":  # the seed names no parameter: `filter`, as video-filter
        edit = _filterer(params.choice(body, "filter", FILTERS))
    else:  # adjust-speed: the seed names no parameter: `speed_factor`, as speed-adjust
        edit = _speeder(params.number(body, "speed_factor", MIN_SPEED, MAX_SPEED))
    return web.json_response({"edited_video_url": await _edited(request, video_url, edit)})


async def video_filter(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    video_url = params.url(body, "video_url")
    edit = _filterer(params.choice(body, "filter", FILTERS))
    return web.json_response({"filtered_video_url": await _edited(request, video_url, edit)})


async def speed_adjust(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    video_url = params.url(body, "video_url")
    edit = _speeder(params.number(body, "speed_factor", MIN_SPEED, MAX_SPEED))
    url = await _edited(request, video_url, edit)
    return web.json_response({"adjusted_speed_video_url": url})


async def resize_video(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    video_url = params.url(body, "video_url")
    width, height = (_even_side(body, name) for name in ("new_width", "new_height"))

    async def edit(work: Workspace, source: SourceVideo, out: Path) -> None:
        await video_edits.resized(work.studio.ffmpeg, source.path, width, height, out)

    return web.json_response({"resized_video_url": await _edited(request, video_url, edit)})


async def generate_thumbnail(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    video_url = params.url(body, "video_url")
    at = params.number(body, "time_position", 0, MAX_SECONDS * 100, default=0)
    async with request.app[STUDIO].workspace(request) as work:
        source = await work.video(video_url, "video_url")
        if at >= source.duration:
            raise invalid(f"time_position {at:g} is past the end of the video {_long(source)}")
        out = work.path("result.jpg")
        await video_edits.thumbnail(work.studio.ffmpeg, source.path, at, out)
        return web.json_response({"thumbnail_url": work.keep(MediaKind.IMAGE, out)})


async def extract_audio(request: web.Request) -> web.Response:
    body = await params.json_body(request)
    video_url = params.url(body, "video_url")
    async with request.app[STUDIO].workspace(request) as work:
        source = await work.video(video_url, "video_url")
        if not source.probe.has_audio:
            raise invalid("the video has no audio track")
        out = work.path("result.mp3")
        await video_edits.audio_track(work.studio.ffmpeg, source.path, out)
        return web.json_response({"audio_url": work.keep(MediaKind.AUDIO, out)})


async def _edited(request: web.Request, video_url: str, edit: VideoEdit) -> str:
    """Fetch and probe the video, run `edit` on it, keep the MP4; its URL."""
    async with request.app[STUDIO].workspace(request) as work:
        source = await work.video(video_url, "video_url")
        out = work.path("result.mp4")
        await edit(work, source, out)
        return work.keep(MediaKind.VIDEO, out)


def _trimmer(body: Params) -> VideoEdit:
    start = params.number(body, "start_time", 0, MAX_SECONDS * 100, default=0)
    end = params.optional_number(body, "end_time", 0, MAX_SECONDS * 100)

    async def trim(work: Workspace, source: SourceVideo, out: Path) -> None:
        last = _trim_end(start, end, source)
        await video_edits.trim(work.studio.ffmpeg, source.path, start, last, out)

    return trim


def _trim_end(start: float, end: float | None, source: SourceVideo) -> float:
    """Where the trim ends; 422 with the video's length when the times do not fit it."""
    length = _long(source)
    if end is not None and end <= start:
        raise invalid(f"end_time {end:g} must be after start_time {start:g} {length}")
    if start >= source.duration:
        raise invalid(f"start_time {start:g} is past the end of the video {length}")
    if end is not None and end > source.duration + END_SLACK:
        raise invalid(f"end_time {end:g} is past the end of the video {length}")
    return source.duration if end is None else min(end, source.duration)


def _filterer(name: str) -> VideoEdit:
    async def apply(work: Workspace, source: SourceVideo, out: Path) -> None:
        await video_edits.filtered(work.studio.ffmpeg, source.path, name, out)

    return apply


def _speeder(factor: float) -> VideoEdit:
    async def change(work: Workspace, source: SourceVideo, out: Path) -> None:
        fps = source.stream.fps or work.studio.state.knobs.fps
        has_audio = source.probe.has_audio
        await video_edits.speed(work.studio.ffmpeg, source.path, factor, fps, has_audio, out)

    return change


def _even_side(body: Params, name: str) -> int:
    side = params.whole(body, name, MIN_SIDE, MAX_SIDE)
    if side % 2:
        raise invalid(f"{name} must be an even number (H.264 needs even sizes), not {side}")
    return side


def _long(source: SourceVideo) -> str:
    return f"(it is {source.duration:.2f} s long)"
