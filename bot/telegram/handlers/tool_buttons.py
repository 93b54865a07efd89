"""The Tools button under every delivered photo and video. A press opens the tools for that file
in place of the result's buttons; a tool with nothing to ask runs at once with its defaults (a
thumbnail of the first frame, the sound track, the facts, a filter picked from a row), the
others ask for their parameters with a ForceReply prompt, remembered in the store for a day.
The answer is read like the command's own arguments (`1 3` for trim, `1280x720` for a size)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update

from bot.domain.errors import UserError
from bot.domain.models import Job, ResultKind
from bot.domain.ports import Awaiting, PendingPrompt
from bot.domain.tools import (
    DescribeMedia,
    EditPhoto,
    ExtractAudio,
    FilterVideo,
    Thumbnail,
    ToolRequest,
    VideoFilterName,
)
from bot.telegram import keyboards, tool_options
from bot.telegram.context import ChatContext
from bot.telegram.handlers.tools import submit_tool
from bot.telegram.i18n import text
from bot.telegram.media import Incoming
from bot.telegram.permissions import may_press
from bot.telegram.replies import answer, language

PROMPTS = {
    "trim": Awaiting.TRIM,
    "speed": Awaiting.SPEED,
    "resize": Awaiting.RESIZE,
    "photo-size": Awaiting.PHOTO_SIZE,
    "text": Awaiting.TEXT,
}
# How each prompt's answer is read, and how the job shows it.
Parse = Callable[[str], ToolRequest]
ANSWERS: dict[Awaiting, tuple[Parse, str]] = {
    Awaiting.TRIM: (tool_options.parse_trim, "/trim"),
    Awaiting.SPEED: (tool_options.parse_speed, "/speed"),
    Awaiting.RESIZE: (tool_options.parse_resize, "/resize"),
    Awaiting.PHOTO_SIZE: (lambda body: tool_options.parse_edit(f"resize --size {body}"), "/edit"),
    Awaiting.TEXT: (tool_options.parse_text, "/text"),
}
VIDEO_FILTERS: dict[str, VideoFilterName] = {f"f-{n}": n for n in tool_options.VIDEO_FILTERS}
PHOTO_FILTERS = {f"pf-{name}": name for name in keyboards.PHOTO_FILTERS}


async def tool_button(update: Update, context: ChatContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    lang = language(update)
    tool, job_id = keyboards.parse_tool_data(query.data)
    message = query.message
    if not isinstance(message, Message):
        await query.answer(text(lang, "button.expired"), show_alert=True)
        return
    job = await _pressed_job(update, context, message, job_id)
    if job is None:
        return
    if tool in (keyboards.MENU, keyboards.BACK, *_MENUS):
        await query.answer()
        await message.edit_reply_markup(_markup(job, tool, lang))
        return
    await query.answer(text(lang, "button.working"))
    if tool in PROMPTS:
        await _ask(update, context, job, PROMPTS[tool])
        return
    request, shown = _request(tool)
    await submit_tool(update, context, request, shown, _file_of(job))  # replies to the result


_MENUS = (keyboards.VIDEO_FILTER_CHOICES, keyboards.PHOTO_FILTER_CHOICES)


async def _pressed_job(
    update: Update, context: ChatContext, message: Message, job_id: int
) -> Job | None:
    """The button's job, if it is this chat's and the presser's (or a chat admin's)."""
    query = update.callback_query
    assert query is not None
    lang = language(update)
    try:
        job = await context.bot_data.chat.job_in_chat(job_id, message.chat_id)
    except Exception:
        await query.answer(text(lang, "button.expired"), show_alert=True)
        return None
    if not await may_press(context, job, message.chat_id, query.from_user.id):
        await query.answer(text(lang, "button.not_yours"), show_alert=True)
        return None
    return job


def _markup(job: Job, tool: str, lang: str) -> InlineKeyboardMarkup | None:
    if tool == keyboards.BACK:
        return keyboards.result_keyboard(job)
    if tool in _MENUS:
        return keyboards.filter_menu(job, lang, photo=tool == keyboards.PHOTO_FILTER_CHOICES)
    return keyboards.tools_menu(job, lang)


def _request(tool: str) -> tuple[ToolRequest, str]:
    """The tools that run at once, with their defaults, and the command each stands for."""
    if tool in VIDEO_FILTERS:
        return FilterVideo(VIDEO_FILTERS[tool]), f"/filter {VIDEO_FILTERS[tool]}"
    if tool in PHOTO_FILTERS:
        name = PHOTO_FILTERS[tool]
        return EditPhoto("add-filter", filter=name), f"/edit add-filter {name}"
    requests: dict[str, tuple[ToolRequest, str]] = {
        "thumb": (Thumbnail(), "/thumb"),
        "audio": (ExtractAudio(), "/audio"),
        "info": (DescribeMedia(), "/info"),
        "color": (EditPhoto("color-adjust"), "/edit color-adjust"),
    }
    if tool not in requests:
        raise UserError("button.expired")
    return requests[tool]


def _file_of(job: Job) -> Incoming:
    """The job's delivered photo or video, by the file_id Telegram gave it."""
    if job.delivery is None or not job.delivery.file_id:
        raise UserError("tool.media_gone")
    photo = job.result is not None and job.result.kind is ResultKind.PHOTO
    return Incoming(job.delivery.file_id, 0, "photo.jpg" if photo else "video.mp4")


async def _ask(update: Update, context: ChatContext, job: Job, awaiting: Awaiting) -> None:
    prompt = await answer(
        update, f"tools.ask_{awaiting.value}", ForceReply(selective=True), job_id=job.id
    )
    user = update.effective_user
    pending = PendingPrompt(awaiting, job.id, user.id if user else None)
    await context.bot_data.chat.remember_prompt(prompt.chat_id, prompt.message_id, pending)


async def answer_prompt(
    update: Update, context: ChatContext, awaiting: Awaiting, job: Job, body: str
) -> None:
    """A reply to one of the prompts above: the tool on the job's file, as the reply says."""
    parse, command = ANSWERS[awaiting]
    request = parse(body)
    await submit_tool(update, context, request, f"{command} {body}"[:300], _file_of(job))
