"""Task look-ups in the provider's shapes (record-detail and Aleph record-info).

record-detail comes in two shapes (`record_shape`): "docs" names the task `taskId` and an
extension's parent `parentTaskId`; "newer" names them `id` and `parentId`, with no top-level
`taskId`. `failCode` is spelt as `fail_code_style` says; `expireFlag` is always there.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sandbox.runway.state import Task, TaskState

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


ID_NAMES = {"docs": ("taskId", "parentTaskId"), "newer": ("id", "parentId")}


def record_detail(task: Task, *, shape: str = "docs", fail_code: str = "int") -> dict[str, Any]:
    """`data` of GET /api/v1/runway/record-detail."""
    id_name, parent_name = ID_NAMES[shape]
    data: dict[str, Any] = {id_name: task.task_id}
    if task.parent_task_id:
        data[parent_name] = task.parent_task_id
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
        data["failCode"] = spell_fail_code(task.failure.code, fail_code)
        data["failMsg"] = task.failure.message
    data["expireFlag"] = 1 if task.expired else 0
    return data


def spell_fail_code(code: int, style: str) -> int | str:
    """400 as the provider has been seen to send it: 400, "400", or "" (the message says why)."""
    if style == "string":
        return str(code)
    if style == "empty":
        return ""
    return code


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
        "submitFault": task.submit_fault,
    }


def _format(moment: datetime) -> str:
    return moment.strftime(TIME_FORMAT)
