"""Aleph video to video: generate and record-info."""

from __future__ import annotations

from aiohttp import web

from sandbox.runway import catalog
from sandbox.runway.engine import RenderPlan, Submission
from sandbox.runway.envelope import json_object, ok
from sandbox.runway.keys import ENGINE
from sandbox.runway.records import aleph_record_info
from sandbox.runway.runway_views import base_url, visible_task
from sandbox.runway.state import TaskKind
from sandbox.runway.submissions import answer_created
from sandbox.runway.validation import parse_aleph


async def aleph_generate(request: web.Request) -> web.StreamResponse:
    """Fetches the video (at most 10 MB) and the reference image (JPG or PNG, 10 MB)."""
    engine = request.app[ENGINE]
    body = await json_object(request)
    parsed = parse_aleph(body)
    engine.check_credits(catalog.ALEPH_PRICE)
    submission = Submission(parsed.common, body, base_url(request))
    task = engine.new_task(TaskKind.ALEPH, submission, catalog.ALEPH_PRICE)
    max_video = catalog.MAX_ALEPH_VIDEO_BYTES
    source = await engine.fetch_input(task, parsed.video_url, "videoUrl", max_video)
    reference = None
    if parsed.reference_image:
        reference = await engine.fetch_image(task, parsed.reference_image, "referenceImage")
    plan = RenderPlan(
        catalog.ALEPH_SECONDS,
        "720p",
        parsed.aspect_ratio,
        source,
        seed=parsed.seed,
        reference=reference,
    )
    engine.start(task, plan)
    return await answer_created(request, task)


async def aleph_record_info_view(request: web.Request) -> web.Response:
    state = request.app[ENGINE].state
    task = visible_task(state, request.query.get("taskId", ""), aleph=True)
    return ok(aleph_record_info(task))
