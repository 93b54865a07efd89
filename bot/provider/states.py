"""The provider's task records as domain task updates."""

from __future__ import annotations

import logging

from bot.domain.updates import TaskFailed, TaskRunning, TaskSucceeded, TaskUpdate
from bot.provider.schemas import AlephRecordInfo, RecordDetail

logger = logging.getLogger(__name__)

NO_VIDEO = "no_video"
NO_VIDEO_MESSAGE = "the provider reported success but sent no video"


def record_update(record: RecordDetail) -> TaskUpdate:
    """A generate or extend task: wait/queueing, generating, success or fail."""
    state = record.state.lower()
    if state == "success":
        info = record.video_info
        if info is None or not info.video_url:
            return TaskFailed(NO_VIDEO, NO_VIDEO_MESSAGE)
        return TaskSucceeded(info.video_url, info.image_url or None)
    if state == "fail":
        code = "unknown" if record.fail_code in (None, "") else str(record.fail_code)
        return TaskFailed(code, record.fail_msg or "")
    if state == "generating":
        return TaskRunning("generating")
    if state not in ("wait", "queueing"):
        logger.warning(
            "task %s is in unknown state %r; treating it as queued", record.task_id, state
        )
    return TaskRunning("queued")


def aleph_update(record: AlephRecordInfo) -> TaskUpdate:
    """An Aleph task: a result means done, an error means failed, anything else is running."""
    result = record.response
    if record.success_flag == 1 and result is not None and result.result_video_url:
        return TaskSucceeded(result.result_video_url, result.result_image_url or None)
    if record.error_message or _nonzero(record.error_code):
        code = "unknown" if record.error_code in (None, "") else str(record.error_code)
        return TaskFailed(code, record.error_message or "")
    if record.success_flag == 1:
        return TaskFailed(NO_VIDEO, NO_VIDEO_MESSAGE)
    return TaskRunning("generating")


def _nonzero(code: int | str | None) -> bool:
    return code not in (None, "", 0, "0")
