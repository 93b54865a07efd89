"""Completion callbacks: the documented shapes, signing, retries, and the knobs that break them."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import time
from typing import Any

import aiohttp

from sandbox.runway.catalog import SUCCESS_MSG
from sandbox.runway.fetching import is_loopback_url
from sandbox.runway.state import CallbackAttempt, RunwayState, Task, TaskKind, TaskState

logger = logging.getLogger(__name__)

CALLBACK_TIMEOUT = aiohttp.ClientTimeout(total=15)


def callback_payload(task: Task) -> dict[str, Any]:
    return aleph_payload(task) if task.kind is TaskKind.ALEPH else runway_payload(task)


def runway_payload(task: Task) -> dict[str, Any]:
    """Generate and extend callbacks: snake_case, empty URLs on failure."""
    ok = task.state is TaskState.SUCCESS
    return {
        "code": 200 if ok else _failure_code(task),
        "msg": SUCCESS_MSG if ok else _failure_msg(task),
        "data": {
            "task_id": task.task_id,
            "video_id": task.video_id if ok else "",
            "video_url": task.video_url if ok else "",
            "image_url": task.image_url if ok else "",
        },
    }


def aleph_payload(task: Task) -> dict[str, Any]:
    ok = task.state is TaskState.SUCCESS
    return {
        "code": 200 if ok else _failure_code(task),
        "msg": "success" if ok else _failure_msg(task),
        "taskId": task.task_id,
        "data": {
            "result_video_url": task.video_url if ok else "",
            "result_image_url": task.image_url if ok else "",
        },
    }


def _failure_code(task: Task) -> int:
    return task.failure.code if task.failure else 500


def _failure_msg(task: Task) -> str:
    return task.failure.message if task.failure else "Server Error"


def sign(key: str, task_id: str, timestamp: str) -> str:
    """base64(HMAC-SHA256(key, taskId + "." + timestamp)), as the provider signs."""
    digest = hmac.new(key.encode(), f"{task_id}.{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class CallbackSender:
    """Delivers one task's callback, with the provider's retries scaled down to seconds."""

    def __init__(self, state: RunwayState, session: aiohttp.ClientSession) -> None:
        self._state = state
        self._session = session

    async def deliver(self, task: Task, url: str) -> None:
        knobs = self._state.knobs
        if knobs.callback_delay > 0:
            await asyncio.sleep(knobs.callback_delay)
        payload = callback_payload(task)
        if not is_loopback_url(url):
            self._record(task, url, payload, 0, error="refused: not a loopback URL", dropped=True)
            return
        if self._state.chance(knobs.drop_callbacks):
            self._record(
                task, url, payload, 0, error="dropped by the drop_callbacks knob", dropped=True
            )
            return
        copies = 2 if self._state.chance(knobs.duplicate_callbacks) else 1
        for _ in range(copies):
            await self._send_with_retries(task, url, payload)

    async def _send_with_retries(self, task: Task, url: str, payload: dict[str, Any]) -> None:
        delays = (0.0, *self._state.knobs.callback_retry_delays)
        for attempt, delay in enumerate(delays, start=1):
            await asyncio.sleep(delay)
            if await self._attempt(task, url, payload, attempt):
                return
        logger.warning("callback for task %s given up after %s attempts", task.task_id, len(delays))

    async def _attempt(self, task: Task, url: str, payload: dict[str, Any], attempt: int) -> bool:
        headers = self._headers(task.task_id)
        try:
            async with self._session.post(
                url, json=payload, headers=headers, timeout=CALLBACK_TIMEOUT, allow_redirects=False
            ) as response:
                self._record(task, url, payload, attempt, status=response.status, headers=headers)
                return 200 <= response.status < 300
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._record(task, url, payload, attempt, error=type(exc).__name__, headers=headers)
            return False

    def _headers(self, task_id: str) -> dict[str, str]:
        key = self._state.knobs.webhook_hmac_key
        if not key:
            return {}
        timestamp = str(int(time.time()))
        return {
            "X-Webhook-Timestamp": timestamp,
            "X-Webhook-Signature": sign(key, task_id, timestamp),
        }

    def _record(
        self,
        task: Task,
        url: str,
        payload: dict[str, Any],
        attempt: int,
        *,
        status: int | None = None,
        error: str | None = None,
        dropped: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        self._state.callbacks.append(
            CallbackAttempt(
                task.task_id, url, payload, attempt, status, error, dropped, headers or {}
            )
        )
