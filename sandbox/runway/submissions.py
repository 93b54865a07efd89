"""The answer to a generation submission that created a task, which a submit fault may garble.

The provider has then created (and will charge) the task, yet the client cannot know:

- "drop": the connection is closed with no answer at all;
- "error_500": HTTP 500 with `{"code": 500, ...}`; "code_500": HTTP 200 with code 500;
- "hang": the right answer, but only after `submit_hang_seconds`.

The task runs and calls back as usual. `GET /_emulator/submissions` shows each submission with
its task id and fault, so tests can prove that one request made one task.
"""

from __future__ import annotations

import logging

from aiohttp import web

from sandbox.runway.catalog import SERVER_ERROR_MSG
from sandbox.runway.envelope import ok
from sandbox.runway.keys import ENGINE
from sandbox.runway.middleware import SUBMISSION
from sandbox.runway.state import Task

logger = logging.getLogger(__name__)


async def answer_created(request: web.Request, task: Task) -> web.StreamResponse:
    """`{"code": 200, "data": {"taskId"}}`, unless the knobs garble this answer."""
    engine = request.app[ENGINE]
    record = request[SUBMISSION]
    record.task_id = task.task_id
    fault = engine.state.take_submit_fault()
    record.fault = task.submit_fault = fault
    if fault:
        logger.info("task %s created; its submission gets the %r fault", task.task_id, fault)
    if fault == "drop":
        request.protocol.force_close()  # the response below is never written
        return web.Response()
    if fault in {"error_500", "code_500"}:
        record.code = 500
        body = {"code": 500, "msg": SERVER_ERROR_MSG, "data": None}
        return web.json_response(body, status=500 if fault == "error_500" else 200)
    if fault == "hang":
        await engine.hang(engine.state.knobs.submit_hang_seconds)
    record.code = 200
    return ok({"taskId": task.task_id})
