"""The media-tools port on the Runway AI API: every request is one call, its inputs handed over
as URLs from `inputs.publish` (never a Telegram file URL), its result a URL at the provider."""

from __future__ import annotations

from pathlib import Path, PurePath

from bot.domain.models import MediaFile
from bot.domain.tools import (
    AnimatePhoto,
    ChangeSpeed,
    DescribeMedia,
    EditPhoto,
    ExtractAudio,
    FilterVideo,
    ForgetMedia,
    GeneratePicture,
    GenerateVideo,
    MediaInfo,
    ResizeVideo,
    ResultKind,
    TextOnPhoto,
    Thumbnail,
    ToolInputs,
    ToolOutput,
    ToolRequest,
    TransferStyle,
    TrimVideo,
)
from bot.provider.runway_ai.client import RunwayAiClient

FromWords = GeneratePicture | GenerateVideo | ForgetMedia
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".heic"})


class RunwayAiTools:
    """MediaTools by the provider: it does every request, generation included."""

    name = "provider"

    def __init__(self, client: RunwayAiClient) -> None:
        self._client = client

    def supports(self, request: ToolRequest) -> bool:
        return isinstance(request, ToolRequest)

    async def run(self, request: ToolRequest, inputs: ToolInputs, workdir: Path) -> ToolOutput:
        """`workdir` is unused: results stay at the provider until the bot fetches them."""
        match request:
            case GeneratePicture() | GenerateVideo() | ForgetMedia():
                return await self._from_words(request)
            case DescribeMedia():
                return await self._describe(inputs)
            case TransferStyle():
                source, reference = await _published(inputs), await _published(inputs, True)
                return _photo(await self._client.style_transfer(source, reference))
            case _:
                return await self._on_source(request, await _published(inputs))

    async def _from_words(self, request: FromWords) -> ToolOutput:
        """The requests that need no file: generation from a prompt, and deleting a result."""
        client = self._client
        match request:
            case GeneratePicture(prompt=prompt, style=style):
                return _photo(await client.generate_image(prompt, style))
            case GenerateVideo(prompt=prompt, duration=duration, fps=fps):
                return _video(await client.generate_video(prompt, duration, fps))
            case ForgetMedia(media_url=url):
                return ToolOutput(ResultKind.TEXT, text=await client.delete_media(url))

    async def _on_source(self, request: ToolRequest, url: str) -> ToolOutput:
        """The requests that work on one photo or video."""
        client = self._client
        match request:
            case AnimatePhoto(duration=duration):
                return _video(await client.image_to_video(url, duration))
            case EditPhoto(edit_type=edit_type, filter=name, width=width, height=height):
                edited = await client.edit_image(
                    url, edit_type, filter_name=name, width=width, height=height
                )
                return _photo(edited)
            case TextOnPhoto(text=text, position=position, font_size=size):
                return _photo(await client.add_text_to_image(url, text, position, size))
            case TrimVideo(start=start, end=end):
                trimmed = await client.edit_video(url, "trim", start_time=start, end_time=end)
                return _video(trimmed)
            case FilterVideo(name=name):
                return _video(await client.video_filter(url, name))
            case ChangeSpeed(factor=factor):
                return _video(await client.speed_adjust(url, factor))
            case ResizeVideo(width=width, height=height):
                return _video(await client.resize_video(url, width, height))
            case Thumbnail(at=at):
                return _photo(await client.generate_thumbnail(url, at))
            case ExtractAudio():
                return ToolOutput(ResultKind.AUDIO, url=await client.extract_audio(url))
        raise ValueError(f"{type(request).__name__} does not work on one file")

    async def _describe(self, inputs: ToolInputs) -> ToolOutput:
        url = await _published(inputs)
        assert inputs.source is not None  # _published checked it
        if is_photo(inputs.source):
            info = await self._client.image_metadata(url)
        else:
            info = await self._client.video_metadata(url)
        return ToolOutput(ResultKind.TEXT, text=describe(info), info=info)


async def _published(inputs: ToolInputs, reference: bool = False) -> str:
    """The URL the provider fetches the source (or the reference) from."""
    media = inputs.reference if reference else inputs.source
    if media is None or inputs.publish is None:
        which = "a reference" if reference else "a source"
        raise ValueError(f"this request needs {which} file and a publish callback")
    return await inputs.publish(media)


def is_photo(media: MediaFile) -> bool:
    return PurePath(media.filename).suffix.lower() in PHOTO_SUFFIXES


def describe(info: MediaInfo) -> str:
    """One line of facts, in no language: "video · 1280×720 · 5 s · 24 fps · 1.2 MB"."""
    parts: list[str] = [info.kind]
    if info.width and info.height:
        parts.append(f"{info.width}×{info.height}")
    if info.duration is not None:
        parts.append(f"{info.duration:g} s")
    if info.fps:
        parts.append(f"{info.fps:g} fps")
    if info.size_bytes is not None:
        parts.append(_size(info.size_bytes))
    return " · ".join(parts)


def _size(size: int) -> str:
    if size >= 2**20:
        return f"{size / 2**20:.1f} MB"
    return f"{max(1, round(size / 2**10))} KB"


def _photo(url: str) -> ToolOutput:
    return ToolOutput(ResultKind.PHOTO, url=url)


def _video(url: str) -> ToolOutput:
    return ToolOutput(ResultKind.VIDEO, url=url)
