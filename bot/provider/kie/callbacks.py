"""Completion callbacks: turn any documented shape into a task update, and check signatures.

Strict about the task id (without it a callback cannot be matched to a job), lenient about
everything else: the provider documents two shapes and has changed field types before.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re

from pydantic import ValidationError

from bot.domain.updates import TaskUpdate
from bot.provider.kie.errors import OK
from bot.provider.kie.schemas import CallbackBody, CallbackData
from bot.provider.kie.states import NO_VIDEO, failed, succeeded

# ASCII digits only: str.isdigit() is also true for "²" and "٣", which int() then refuses.
_NUMERIC_CODE = re.compile(r"-?[0-9]{1,9}")


class CallbackError(ValueError):
    """The body is not a callback we can match to a task."""


def parse_callback(body: bytes) -> tuple[str, TaskUpdate]:
    """The task id and what happened to it."""
    callback = _load(body)
    data = callback.data or CallbackData()
    task_id = data.task_id or callback.task_id
    if not task_id:
        raise CallbackError("the callback carries no task id")
    return task_id, _update(callback, data)


def _load(body: bytes) -> CallbackBody:
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested past the stack
        raise CallbackError("the callback body is not JSON") from exc
    if not isinstance(raw, dict):
        raise CallbackError("the callback body is not a JSON object")
    if not isinstance(raw.get("data"), dict):
        raw["data"] = None
    try:
        return CallbackBody.model_validate(raw)
    except ValidationError as exc:
        raise CallbackError("the callback does not have the documented fields") from exc


def _update(callback: CallbackBody, data: CallbackData) -> TaskUpdate:
    code = _code(callback.code)
    if code != str(OK):
        return failed(code, callback.msg)
    if not data.video_url:
        return NO_VIDEO
    return succeeded(data.video_url, data.image_url)


def _code(code: int | str | None) -> str:
    """The code as text; a missing code counts as 200 so the video URL decides. Codes are
    numbers, sent as such or as text ("200"); anything else is not a callback we can read."""
    if code is None or code == "":
        return str(OK)
    text = str(code).strip()
    if not _NUMERIC_CODE.fullmatch(text):
        raise CallbackError("the callback's code is not a number")
    return str(int(text))


def sign(key: str, task_id: str, timestamp: str) -> str:
    """base64(HMAC-SHA256(key, taskId + "." + timestamp)), as the provider signs callbacks."""
    message = f"{task_id}.{timestamp}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(
    key: str,
    task_id: str,
    timestamp: str | None,
    signature: str | None,
    *,
    now: float,
    window: float = 300.0,
) -> bool:
    """True when the signature is the provider's and the timestamp is within `window` of now."""
    if not timestamp or not signature:
        return False
    try:
        sent_at = float(timestamp)
    except ValueError:
        return False
    if not math.isfinite(sent_at) or abs(now - sent_at) > window:
        return False
    expected = sign(key, task_id, timestamp).encode()
    return hmac.compare_digest(expected, signature.strip().encode())
