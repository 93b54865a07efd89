"""Inline keyboards and their callback data (`<action>:<job id>`, far below 64 bytes)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.models import Job, JobKind
from bot.telegram.i18n import text

EXTEND = "ext"
REGENERATE = "regen"
RESTYLE = "style"
STITCH = "stitch"
PUBLISH = "pub"
DISCARD = "drop"
JOB_ACTIONS = (EXTEND, REGENERATE, RESTYLE, STITCH, PUBLISH, DISCARD)
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
}


def video_keyboard(job: Job) -> InlineKeyboardMarkup:
    """Extend / Regenerate / Restyle, Stitch on extensions, Publish / Discard on previews."""
    language = job.origin.language
    rows = [[_button(language, action, job.id) for action in (EXTEND, REGENERATE, RESTYLE)]]
    if job.kind is JobKind.EXTEND:
        rows.append([_button(language, STITCH, job.id)])
    if job.publish_channel_id is not None:
        rows.append([_button(language, action, job.id) for action in (PUBLISH, DISCARD)])
    return InlineKeyboardMarkup(rows)
