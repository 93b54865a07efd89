"""The provider's task records as domain task updates."""

from __future__ import annotations

import logging

from bot.domain.models import Failure, FailureReason, Result, ResultKind
from bot.domain.updates import TaskFailed, TaskRunning, TaskSucceeded, TaskUpdate
from bot.provider.kie.failures import failure
from bot.provider.kie.schemas import AlephRecordInfo, RecordDetail

logger = logging.getLogger(__name__)

NO_VIDEO_MESSAGE = "the provider reported success but sent no video"
NO_VIDEO = TaskFailed(Failure(FailureReason.NO_RESULT, NO_VIDEO_MESSAGE, "no_video"))
EXPIRED_MESSAGE = "the provider no longer keeps this video (expireFlag 1)"
EXPIRED = TaskFailed(Failure(FailureReason.EXPIRED, EXPIRED_MESSAGE, "expired"))


def succeeded(video_url: str, image_url: str | None) -> TaskSucceeded:
    return TaskSucceeded(Result(ResultKind.VIDEO, video_url, image_url or None))


def failed(code: object, message: str | None) -> TaskFailed:
    """A failure with the provider's code (a number, a string or nothing) and message."""
    text = "" if code is None else str(code).strip()
    found, temporary = failure(text or "unknown", message or "")
    return TaskFailed(found, temporary)


def record_update(record: RecordDetail) -> TaskUpdate:
    """A generate or extend task: wait/queueing, generating, success or fail."""
    state = record.state.lower()
    if state == "success":
        if record.expired:  # its URL is dead: nothing left to deliver
            return EXPIRED
        info = record.video_info
        if info is None or not info.video_url:
            return NO_VIDEO
        return succeeded(info.video_url, info.image_url)
    if state == "fail":
        return failed(record.fail_code, record.fail_msg)
    if state == "generating":
        return TaskRunning("generating")
    if state not in ("wait", "queueing"):
        logger.warning("task in unknown state %r; treating it as queued", state)
    return TaskRunning("queued")


def aleph_update(record: AlephRecordInfo) -> TaskUpdate:
    """An Aleph task: a result means done, an error means failed, anything else is running."""
    result = record.response
    done = str(record.success_flag).strip() == "1"
    if done and result is not None and result.result_video_url:
        return succeeded(result.result_video_url, result.result_image_url)
    if record.error_message or _nonzero(record.error_code):
        return failed(record.error_code, record.error_message)
    if done:
        return NO_VIDEO
    return TaskRunning("generating")


def _nonzero(code: int | str | None) -> bool:
    return code not in (None, "", 0, "0")
