"""Generate, extend and record-detail: the Runway task endpoints."""

from __future__ import annotations

import time

from aiohttp import web

from sandbox.runway import catalog
from sandbox.runway.config import fail_code_style
from sandbox.runway.engine import RenderPlan, Submission
from sandbox.runway.envelope import ApiError, json_object, ok
from sandbox.runway.keys import ENGINE
from sandbox.runway.records import record_detail
from sandbox.runway.state import RunwayState, Task, TaskKind, TaskState
from sandbox.runway.submissions import answer_created
from sandbox.runway.validation import parse_extend, parse_generate


async def generate(request: web.Request) -> web.StreamResponse:
    engine = request.app[ENGINE]
    body = await json_object(request)
    parsed = parse_generate(body)
    cost = catalog.price(parsed.duration, parsed.quality)
    engine.check_credits(cost)
    task = engine.new_task(
        TaskKind.GENERATE, Submission(parsed.common, body, base_url(request)), cost
    )
    source = None
    if parsed.image_url:
        source = await engine.fetch_image(task, parsed.image_url, "imageUrl")
    plan = RenderPlan(parsed.duration, parsed.quality, parsed.aspect_ratio, source)
    engine.start(task, plan)
    return await answer_created(request, task)


async def extend(request: web.Request) -> web.StreamResponse:
    engine = request.app[ENGINE]
    body = await json_object(request)
    parsed = parse_extend(body)
    parent = extendable_parent(engine.state, parsed.task_id)
    cost = catalog.price(catalog.EXTEND_SECONDS, parsed.quality)
    engine.check_credits(cost)
    submission = Submission(parsed.common, body, base_url(request))
    task = engine.new_task(TaskKind.EXTEND, submission, cost, parent_task_id=parent.task_id)
    engine.start(task, RenderPlan(catalog.EXTEND_SECONDS, parsed.quality, parent=parent))
    return await answer_created(request, task)


def extendable_parent(state: RunwayState, task_id: str) -> Task:
    """The task to continue; extend knows only Runway tasks, so an Aleph id is not found."""
    parent = state.tasks.get(task_id)
    if parent is None or parent.kind is TaskKind.ALEPH:
        raise ApiError(
            state.knobs.extend_not_found_code,
            f"{catalog.TASK_NOT_FOUND_MSG}: taskId {task_id} is not a Runway video task",
        )
    if parent.state is not TaskState.SUCCESS:
        raise ApiError(422, f"task {task_id} has not generated a video successfully")
    if parent.expired:
        raise ApiError(422, f"{catalog.EXPIRED_MSG} (task {task_id})")
    return parent


async def record_detail_view(request: web.Request) -> web.Response:
    state = request.app[ENGINE].state
    task = visible_task(state, request.query.get("taskId", ""), aleph=False)
    knobs = state.knobs
    return ok(record_detail(task, shape=knobs.record_shape, fail_code=fail_code_style(knobs)))


def visible_task(state: RunwayState, task_id: str, *, aleph: bool) -> Task:
    """The task, unless it is unknown, of the other family, or too new to be seen (404)."""
    if not task_id:
        raise ApiError(422, "taskId is required")
    task = state.tasks.get(task_id)
    if task is None or (task.kind is TaskKind.ALEPH) is not aleph:
        raise ApiError(404, f"No task found for taskId {task_id}")
    if time.monotonic() - task.created_mono < state.knobs.visibility_delay:
        raise ApiError(404, f"No task found for taskId {task_id}")
    return task


def base_url(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"
