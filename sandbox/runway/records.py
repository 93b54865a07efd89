"""Task look-ups in the provider's documented shapes (record-detail and Aleph record-info)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sandbox.runway.state import Task, TaskState

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def record_detail(task: Task, *, string_fail_codes: bool = False) -> dict[str, Any]:
    """`data` of GET /api/v1/runway/record-detail."""
    data: dict[str, Any] = {"taskId": task.task_id}
    if task.parent_task_id:
        data["parentTaskId"] = task.parent_task_id
    data["generateParam"] = {
        "prompt": task.prompt,
        "imageUrl": task.params.get("imageUrl") or "",
        "expandPrompt": False,
    }
    data["state"] = task.state.value
    data["generateTime"] = _format(task.created_at)
    if task.state is TaskState.SUCCESS:
        data["videoInfo"] = {
            "videoId": task.video_id,
            "taskId": task.task_id,
            "videoUrl": task.video_url,
            "imageUrl": task.image_url,
        }
    if task.state is TaskState.FAIL and task.failure is not None:
        code = task.failure.code
        data["failCode"] = str(code) if string_fail_codes else code
        data["failMsg"] = task.failure.message
    data["expireFlag"] = 1 if task.expired else 0
    return data


def aleph_record_info(task: Task) -> dict[str, Any]:
    """`data` of GET /api/v1/aleph/record-info."""
    succeeded = task.state is TaskState.SUCCESS
    failure = task.failure if task.state is TaskState.FAIL else None
    response = None
    if succeeded:
        response = {
            "taskId": task.task_id,
            "resultVideoUrl": task.video_url,
            "resultImageUrl": task.image_url,
        }
    return {
        "taskId": task.task_id,
        "paramJson": json.dumps(task.params, ensure_ascii=False),
        "response": response,
        "completeTime": _format(task.completed_at) if task.completed_at else None,
        "createTime": _format(task.created_at),
        "successFlag": 1 if succeeded else 0,
        "errorCode": failure.code if failure else 0,
        "errorMessage": failure.message if failure else "",
    }


def task_summary(task: Task) -> dict[str, Any]:
    """Everything the emulator knows about a task, for GET /_emulator/tasks."""
    return {
        "taskId": task.task_id,
        "kind": task.kind.value,
        "state": task.state.value,
        "prompt": task.prompt,
        "params": task.params,
        "parentTaskId": task.parent_task_id,
        "callBackUrl": task.callback_url,
        "cost": task.cost,
        "videoUrl": task.video_url,
        "imageUrl": task.image_url,
        "width": task.width,
        "height": task.height,
        "failCode": task.failure.code if task.failure else None,
        "failMsg": task.failure.message if task.failure else None,
        "expired": task.expired,
    }


def _format(moment: datetime) -> str:
    return moment.strftime(TIME_FORMAT)
