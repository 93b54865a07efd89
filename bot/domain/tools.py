"""Media tools: what a user can ask of a photo or a video besides a new clip, and the port that
does it. Two implementations: the Runway AI API (bot/provider/runway_ai) and the bundled ffmpeg
and Pillow (bot/media/tools). Requests are plain values; each names its own parameters only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from bot.domain.models import MediaFile, ResultKind

__all__ = ["ResultKind"]  # re-exported: tool outputs name their kind with it


PictureStyle = Literal["photorealistic", "sketch", "abstract"]
PhotoEditType = Literal["color-adjust", "add-filter", "resize"]
TextPosition = Literal["top-left", "top-right", "bottom-left", "bottom-right", "center"]
VideoFilterName = Literal["vintage", "cinematic", "black-and-white"]


# -- generation: the provider only -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GeneratePicture:
    """/image: a picture from a prompt (generate-image)."""

    prompt: str
    style: PictureStyle = "photorealistic"


@dataclass(frozen=True, slots=True)
class GenerateVideo:
    """/video on the second engine (generate-video)."""

    prompt: str
    duration: int = 5
    fps: int = 24


@dataclass(frozen=True, slots=True)
class AnimatePhoto:
    """A captioned photo on the second engine (image-to-video); the input is the photo."""

    duration: int = 5


@dataclass(frozen=True, slots=True)
class TransferStyle:
    """/style: the input photo in the style of `reference` (style-transfer)."""


@dataclass(frozen=True, slots=True)
class ForgetMedia:
    """/forget: delete one of the provider's results (delete-media)."""

    media_url: str


# -- edits: the provider, or local ffmpeg and Pillow ---------------------------------------------


@dataclass(frozen=True, slots=True)
class EditPhoto:
    """/edit (edit-image). `filter` for add-filter (sepia, black-and-white, vintage,
    cinematic); `width` and `height` for resize."""

    edit_type: PhotoEditType
    filter: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class TextOnPhoto:
    """/text (add-text-to-image)."""

    text: str
    position: TextPosition = "bottom-right"
    font_size: int | None = None


@dataclass(frozen=True, slots=True)
class TrimVideo:
    """/trim (edit-video, edit_type trim): keep [start, end) seconds."""

    start: float
    end: float


@dataclass(frozen=True, slots=True)
class FilterVideo:
    """/filter (video-filter)."""

    name: VideoFilterName


@dataclass(frozen=True, slots=True)
class ChangeSpeed:
    """/speed (speed-adjust): 0.25 to 4; the sound track, if any, stays in step."""

    factor: float


@dataclass(frozen=True, slots=True)
class ResizeVideo:
    """/resize (resize-video)."""

    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """/thumb (generate-thumbnail): the frame at `at` seconds."""

    at: float = 0.0


@dataclass(frozen=True, slots=True)
class ExtractAudio:
    """/audio (extract-audio): the sound track as MP3."""


@dataclass(frozen=True, slots=True)
class DescribeMedia:
    """/info (image-metadata, video-metadata)."""


ToolRequest = (
    GeneratePicture
    | GenerateVideo
    | AnimatePhoto
    | TransferStyle
    | ForgetMedia
    | EditPhoto
    | TextOnPhoto
    | TrimVideo
    | FilterVideo
    | ChangeSpeed
    | ResizeVideo
    | Thumbnail
    | ExtractAudio
    | DescribeMedia
)

# The requests that need a model: the local tools cannot do them.
PROVIDER_ONLY: tuple[type[ToolRequest], ...] = (
    GeneratePicture,
    GenerateVideo,
    AnimatePhoto,
    TransferStyle,
    ForgetMedia,
)


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """Facts about a photo or a video; None where the source does not say."""

    kind: Literal["photo", "video"]
    size_bytes: int | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    fps: float | None = None
    has_audio: bool | None = None
    format: str | None = None
    created_at: str | None = None


@dataclass(frozen=True, slots=True)
class ToolInputs:
    """The media a request works on. `publish` turns a local file into a URL the provider can
    fetch (never a Telegram file URL); the local tools never call it."""

    source: MediaFile | None = None
    reference: MediaFile | None = None
    publish: Callable[[MediaFile], Awaitable[str]] | None = None


@dataclass(frozen=True, slots=True)
class ToolOutput:
    """A finished tool call: a local file, a URL to fetch, or text (with `info` for /info)."""

    kind: ResultKind
    path: Path | None = None
    url: str | None = None
    text: str | None = None
    info: MediaInfo | None = None


class MediaTools(Protocol):
    """Runs tool requests. Raises UserError for an input the request cannot work on (a trim
    past the end, a video with no sound for /audio) and the ProviderError tree otherwise."""

    name: str  # "provider" or "local", for logs, metrics and /settings

    def supports(self, request: ToolRequest) -> bool: ...

    async def run(self, request: ToolRequest, inputs: ToolInputs, workdir: Path) -> ToolOutput:
        """Do the work; a local result is written under `workdir`."""
        ...
