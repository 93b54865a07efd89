"""Which engines this bot has, who does what by default, and what the second video engine (the
synchronous Runway AI API) cannot do.

That API's generate-video and image-to-video take a prompt (or a photo) and a duration only:
no aspect ratio (its clips are landscape: 16:9 is accepted, other ratios are refused), no
quality (720p), no watermark, no extend and no Aleph. Such requests are refused before anything
is stored, with a sentence that says what to use instead."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.errors import UserError
from bot.domain.models import AspectRatio, Draft, Engine, JobKind, Quality
from bot.domain.rules import check_aspect_ratio, check_duration_and_quality, check_prompt
from bot.domain.tools import (
    PROVIDER_ONLY,
    AnimatePhoto,
    ForgetMedia,
    GeneratePicture,
    GenerateVideo,
    ToolRequest,
    TransferStyle,
)

# The command that asks for each request the local tools cannot do, for "not configured here".
PROVIDER_COMMANDS: dict[type[ToolRequest], str] = {
    GeneratePicture: "/image",
    TransferStyle: "/style",
    ForgetMedia: "/forget",
    GenerateVideo: "/video",
    AnimatePhoto: "/video",
}
SECOND_ENGINE_RATIO = AspectRatio.WIDE


@dataclass(frozen=True, slots=True)
class Engines:
    """`video`: VIDEO_ENGINE; `tools`: who edits (MEDIA_TOOLS resolved); `runway_ai`: whether
    the Runway AI API is configured (its key is set); `kie`: whether kie.ai is."""

    video: Engine = Engine.KIE
    tools: Engine = Engine.LOCAL
    runway_ai: bool = False
    kie: bool = True

    @property
    def choosable(self) -> bool:
        """A chat's /settings may pick the video engine only when both are configured."""
        return self.kie and self.runway_ai

    def for_video(self, chosen: Engine | None) -> Engine:
        """The chat's choice where it may choose, else VIDEO_ENGINE; refused when unset up."""
        engine = chosen if chosen is not None and self.choosable else self.video
        if engine is Engine.RUNWAY_AI and not self.runway_ai:
            raise UserError("engine.not_configured")
        return engine

    def for_tool(self, request: ToolRequest) -> Engine:
        if isinstance(request, PROVIDER_ONLY):
            if not self.runway_ai:
                command = PROVIDER_COMMANDS.get(type(request), "/image")
                raise UserError("tool.not_configured", command=command)
            return Engine.RUNWAY_AI
        return self.tools


def resolve_tools(media_tools: str, runway_ai: bool) -> Engine:
    """MEDIA_TOOLS: `provider`, `local`, or `auto` (the provider when its key is set). The
    provider without its key cannot edit anything: the local tools do (the wiring warns)."""
    if media_tools != "local" and runway_ai:
        return Engine.RUNWAY_AI
    return Engine.LOCAL


def check_second_engine(draft: Draft) -> None:
    """Refuse, in words that say what to use instead, what generate-video and image-to-video
    cannot do; then the rules both engines share (prompt, duration)."""
    if draft.kind is JobKind.EXTEND or draft.note == "note.last_frame":
        raise UserError("engine.no_extend")
    if draft.kind is JobKind.ALEPH:
        raise UserError("engine.no_aleph")
    options = draft.options
    if options.quality is not Quality.HD:
        raise UserError("engine.no_1080p")
    if options.aspect_ratio not in (None, SECOND_ENGINE_RATIO):
        raise UserError("engine.no_ratio", value=str(options.aspect_ratio))
    if options.watermark:
        raise UserError("engine.no_watermark")
    check_prompt(draft.prompt)
    check_duration_and_quality(options.duration, options.quality.value)
    check_aspect_ratio(draft)
    if draft.kind is JobKind.IMAGE and (draft.media is None or draft.media.source_id is None):
        raise UserError("rule.media_missing")  # it is fetched again by its file_id to be sent
