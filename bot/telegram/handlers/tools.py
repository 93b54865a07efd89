"""The media tool commands: /image, /edit, /text, /style, /trim, /filter, /speed, /resize,
/thumb, /audio, /info and /forget, as text, as the caption of a photo or video, and as channel
posts.

A tool works on the photo or video it is sent with, or else on the one its message replies to
(the bot's own results included). The handler only parses and finds the file's id: the job
fetches the file again when its turn comes, so nothing is downloaded here, and every call is a
job like any other (budgets, /status, /history, /cancel, restarts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from telegram import Message, Update

from bot.domain.errors import UserError
from bot.domain.models import Draft, Engine, JobKind, MediaFile, Origin, VideoOptions
from bot.domain.tools import (
    DescribeMedia,
    ExtractAudio,
    ForgetMedia,
    GeneratePicture,
    ToolRequest,
    TransferStyle,
)
from bot.telegram import tool_options
from bot.telegram.context import ChatContext
from bot.telegram.media import Incoming, MediaProblem, photo_in, video_in
from bot.telegram.options import split_options, strip_command
from bot.telegram.replies import message_of
from bot.telegram.submitting import submit

MAX_SHOWN = 300  # characters of the command a job keeps, to show in /status and /history


class Needs(Enum):
    """What a tool works on."""

    NOTHING = "nothing"
    PHOTO = "photo"
    VIDEO = "video"
    EITHER = "either"
    TWO_PHOTOS = "two photos"  # /style: the photo sent, and the photo it replies to


@dataclass(frozen=True, slots=True)
class ToolCommand:
    parse: Callable[[str], ToolRequest]
    needs: Needs


def _no_arguments(request: ToolRequest) -> Callable[[str], ToolRequest]:
    def parse(body: str) -> ToolRequest:
        words, _ = split_options(body, (), lambda _: "")
        if words:
            raise UserError("tool.extra_words", words=" ".join(words)[:60])
        return request

    return parse


COMMANDS: dict[str, ToolCommand] = {
    "image": ToolCommand(tool_options.parse_image, Needs.NOTHING),
    "edit": ToolCommand(tool_options.parse_edit, Needs.PHOTO),
    "text": ToolCommand(tool_options.parse_text, Needs.PHOTO),
    "style": ToolCommand(_no_arguments(TransferStyle()), Needs.TWO_PHOTOS),
    "trim": ToolCommand(tool_options.parse_trim, Needs.VIDEO),
    "filter": ToolCommand(tool_options.parse_filter, Needs.VIDEO),
    "speed": ToolCommand(tool_options.parse_speed, Needs.VIDEO),
    "resize": ToolCommand(tool_options.parse_resize, Needs.VIDEO),
    "thumb": ToolCommand(tool_options.parse_thumb, Needs.VIDEO),
    "audio": ToolCommand(_no_arguments(ExtractAudio()), Needs.VIDEO),
    "info": ToolCommand(_no_arguments(DescribeMedia()), Needs.EITHER),
}
NAMES = (*COMMANDS, "forget")
COMMAND_PATTERN = rf"^/({'|'.join(NAMES)})(@\w+)?(\s|$)"


def command_name(body: str) -> str:
    head = body.split(maxsplit=1)[0] if body.strip() else ""
    return head.split("@", 1)[0].lower().removeprefix("/")


async def tool_command(update: Update, context: ChatContext) -> None:
    """Any tool command, as a message's text or a photo's or video's caption."""
    message = message_of(update)
    body = message.text or message.caption or ""
    name = command_name(body)
    if name == "forget":
        await forget(update, context)
        return
    command = COMMANDS[name]
    request = command.parse(strip_command(body))
    context.bot_data.service.engines.for_tool(request)  # "not set up here" comes first
    source, reference = _inputs(message, command.needs)
    shown = f"/{name} {strip_command(body)}".strip()
    if isinstance(request, GeneratePicture):
        shown = request.prompt
    await submit_tool(update, context, request, shown[:MAX_SHOWN], source, reference)


async def submit_tool(
    update: Update,
    context: ChatContext,
    request: ToolRequest,
    shown: str,
    source: Incoming | None = None,
    reference: Incoming | None = None,
    *,
    origin: Origin | None = None,
) -> None:
    """Put a tool job in line; the engine is the provider's or the local tools' (MEDIA_TOOLS),
    and a tool this bot cannot run is refused here in plain words."""
    draft = Draft(
        JobKind.TOOL,
        shown,
        VideoOptions(aspect_ratio=None),
        media=_by_file_id(source) if source else None,
        reference=_by_file_id(reference) if reference else None,
        tool=request,
    )
    await submit(update, context, draft, origin=origin)


async def forget(update: Update, context: ChatContext) -> None:
    """/forget as a reply to one of the bot's results made by the Runway AI API."""
    message = message_of(update)
    target = message.reply_to_message
    context.bot_data.service.engines.for_tool(ForgetMedia(""))  # "not set up here" comes first
    if target is None:
        raise UserError("forget.usage")
    job = await context.bot_data.chat.delivered(message.chat_id, target.message_id)
    if job is None:
        raise UserError("forget.usage")
    url = job.result.url if job.result else None
    if job.engine is not Engine.RUNWAY_AI or url is None:
        raise UserError("forget.not_provider")
    await submit_tool(update, context, ForgetMedia(url), f"/forget #{job.id}")


def _inputs(message: Message, needs: Needs) -> tuple[Incoming | None, Incoming | None]:
    """The source (and /style's reference): the file the message carries, else the one it
    replies to; refused when it is missing or of the wrong kind."""
    target = message.reply_to_message
    carried = _media_of(message)
    if needs is Needs.NOTHING:
        return None, None
    if needs is Needs.TWO_PHOTOS:
        reference = _media_of(target) if target else None
        if carried is None or reference is None or {carried[1], reference[1]} != {"photo"}:
            raise UserError("style.usage")
        return carried[0], reference[0]
    found = carried or (_media_of(target) if target else None)
    if found is None:
        raise UserError("tool.media_missing")
    incoming, kind = found
    if needs is Needs.PHOTO and kind != "photo":
        raise UserError("tool.needs_photo")
    if needs is Needs.VIDEO and kind != "video":
        raise UserError("tool.needs_video")
    return incoming, None


def _media_of(message: Message) -> tuple[Incoming, str] | None:
    """A photo (or an image sent as a file) or a video (or a video file) and which it is; any
    other file is refused in words that say what is taken."""
    document = message.document
    if message.photo or (document and (document.mime_type or "").startswith("image/")):
        photo = photo_in(message)
        return (photo, "photo") if photo else None
    video = video_in(message)
    if video is not None:
        return video, "video"
    if document is not None or message.audio or message.voice:
        raise MediaProblem("media.unsupported")
    return None


def _by_file_id(incoming: Incoming) -> MediaFile:
    """The file as the job knows it: by its Telegram file_id, not downloaded (the job fetches
    it when its turn comes); the name says whether it is a photo or a video."""
    return MediaFile(Path(incoming.filename), incoming.filename, incoming.size, incoming.file_id)
