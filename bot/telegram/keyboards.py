"""Inline keyboards and their callback data (`<action>:<job id>`, far below 64 bytes)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.models import VIDEO_KINDS, Job, JobKind, JobState, ResultKind
from bot.telegram.i18n import text

EXTEND = "ext"
REGENERATE = "regen"
RESTYLE = "style"
STITCH = "stitch"
PUBLISH = "pub"
DISCARD = "drop"
CANCEL = "cancel"
JOB_ACTIONS = (EXTEND, REGENERATE, RESTYLE, STITCH, PUBLISH, DISCARD, CANCEL)
JOB_PATTERN = rf"^({'|'.join(JOB_ACTIONS)}):\d+$"


def job_data(action: str, job_id: int) -> str:
    return f"{action}:{job_id}"


def parse_job_data(data: str) -> tuple[str, int]:
    action, _, job_id = data.partition(":")
    return action, int(job_id)


def _button(language: str, action: str, job_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text(language, f"button.{_LABELS[action]}"), callback_data=job_data(action, job_id)
    )


_LABELS = {
    EXTEND: "extend",
    REGENERATE: "regenerate",
    RESTYLE: "restyle",
    STITCH: "stitch",
    PUBLISH: "publish",
    DISCARD: "discard",
    CANCEL: "cancel",
}


def cancel_keyboard(job: Job) -> InlineKeyboardMarkup:
    """Under a status message while the job runs."""
    return InlineKeyboardMarkup([[_button(job.origin.language, CANCEL, job.id)]])


def status_keyboard(job: Job) -> InlineKeyboardMarkup | None:
    """Cancel while the job runs; nothing once it is done."""
    unpaid = job.state is JobState.AWAITING_PAYMENT
    return cancel_keyboard(job) if job.active or unpaid else None


def result_keyboard(job: Job) -> InlineKeyboardMarkup | None:
    """The buttons under a delivered result: a clip's own (Extend, Regenerate, ...), and Tools
    under every photo and video."""
    if job.kind in VIDEO_KINDS:
        return video_keyboard(job)
    if job.kind is JobKind.TOOL and _tool_kind(job) is not None:
        return InlineKeyboardMarkup([[_tools_button(job)]])
    return None


def video_keyboard(job: Job) -> InlineKeyboardMarkup:
    """Extend / Regenerate / Restyle, Stitch on chains, Publish / Discard on previews, Tools."""
    language = job.origin.language
    rows = [[_button(language, action, job.id) for action in (EXTEND, REGENERATE, RESTYLE)]]
    if job.parent_task_id is not None:
        rows.append([_button(language, STITCH, job.id)])
    if job.publish_channel_id is not None:
        rows.append([_button(language, action, job.id) for action in (PUBLISH, DISCARD)])
    rows.append([_tools_button(job)])
    return InlineKeyboardMarkup(rows)


# -- the Tools button: `tl:<tool>:<job id>` -----------------------------------------------------

TOOLS = "tl"
TOOL_PATTERN = r"^tl:[a-z-]+:\d+$"
MENU, BACK = "menu", "back"
VIDEO_FILTER_CHOICES = "vfilter"  # the row of filters to pick from
PHOTO_FILTER_CHOICES = "pfilter"
# What each menu offers, in order: (tool, label key). A tool either runs at once with its
# defaults or asks for its parameters (bot/telegram/handlers/tool_buttons.py).
VIDEO_TOOLS = (
    ("trim", "tools.trim"),
    ("speed", "tools.speed"),
    (VIDEO_FILTER_CHOICES, "tools.filter"),
    ("resize", "tools.resize"),
    ("thumb", "tools.thumb"),
    ("audio", "tools.audio"),
    ("info", "tools.info"),
)
PHOTO_TOOLS = (
    ("color", "tools.color"),
    (PHOTO_FILTER_CHOICES, "tools.filter"),
    ("text", "tools.text"),
    ("photo-size", "tools.resize"),
    ("info", "tools.info"),
)
VIDEO_FILTERS = ("vintage", "cinematic", "black-and-white")
PHOTO_FILTERS = ("sepia", "black-and-white", "vintage", "cinematic")


def tool_data(tool: str, job_id: int) -> str:
    return f"{TOOLS}:{tool}:{job_id}"


def parse_tool_data(data: str) -> tuple[str, int]:
    _, tool, job_id = data.split(":")
    return tool, int(job_id)


def _tools_button(job: Job) -> InlineKeyboardButton:
    label = text(job.origin.language, "button.tools")
    return InlineKeyboardButton(label, callback_data=tool_data(MENU, job.id))


def _tool_kind(job: Job) -> ResultKind | None:
    """Whether a job's result is a photo or a video the tools can work on."""
    kind = job.result.kind if job.result else None
    if job.kind in VIDEO_KINDS:
        return ResultKind.VIDEO
    return kind if kind in (ResultKind.PHOTO, ResultKind.VIDEO) else None


def tools_menu(job: Job, language: str) -> InlineKeyboardMarkup:
    """The tools for the job's photo or video, two a row, and Back."""
    pairs = PHOTO_TOOLS if _tool_kind(job) is ResultKind.PHOTO else VIDEO_TOOLS
    buttons = [
        InlineKeyboardButton(text(language, label), callback_data=tool_data(tool, job.id))
        for tool, label in pairs
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup([*rows, [_back(job, language)]])


def filter_menu(job: Job, language: str, photo: bool) -> InlineKeyboardMarkup:
    """The filters to pick from, each a tool of its own (`f-<name>` or `pf-<name>`)."""
    names, prefix = (PHOTO_FILTERS, "pf-") if photo else (VIDEO_FILTERS, "f-")
    buttons = [
        InlineKeyboardButton(
            text(language, f"tools.filter_{name}"), callback_data=tool_data(prefix + name, job.id)
        )
        for name in names
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup([*rows, [_back(job, language)]])


def _back(job: Job, language: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text(language, "tools.back"), callback_data=tool_data(BACK, job.id))
