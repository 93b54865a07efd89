"""The emulator's own control API under /_emulator/: what it saw, and knobs to turn.

- `GET /_emulator/requests`, `/tasks`, `/callbacks`: everything received, created and sent;
- `GET /_emulator/submissions`: each generation request with the code it got, the task it made
  and the fault its answer got; `GET /_emulator/stats`: the counts, 429s answered among them;
- `GET|POST /_emulator/knobs`: read or change knobs; `POST /_emulator/tasks/{id}/expire`.
"""

from __future__ import annotations

from collections import Counter

from aiohttp import web

from sandbox.runway.catalog import MARKERS
from sandbox.runway.config import KnobError, knob_help, knobs_as_json, update_knobs
from sandbox.runway.keys import ENGINE
from sandbox.runway.records import task_summary


async def index_view(request: web.Request) -> web.Response:
    """What a person trying the emulator sees at `/`: routes, knobs with help, prompt markers."""
    routes = sorted(
        f"{route.method} {route.resource.canonical}"
        for route in request.app.router.routes()
        if route.resource and route.method != "HEAD" and route.resource.canonical != "/"
    )
    knobs = knobs_as_json(request.app[ENGINE].state.knobs)
    return web.json_response(
        {
            "service": "Runway API emulator",
            "routes": routes,
            "knobs": knobs,
            "knob_help": knob_help(),
            "prompt_markers": MARKERS,
        }
    )


async def requests_view(request: web.Request) -> web.Response:
    state = request.app[ENGINE].state
    return web.json_response({"requests": [r.as_json() for r in state.requests]})


async def tasks_view(request: web.Request) -> web.Response:
    state = request.app[ENGINE].state
    return web.json_response({"tasks": [task_summary(t) for t in state.tasks.values()]})


async def callbacks_view(request: web.Request) -> web.Response:
    state = request.app[ENGINE].state
    return web.json_response({"callbacks": [c.as_json() for c in state.callbacks]})


async def submissions_view(request: web.Request) -> web.Response:
    state = request.app[ENGINE].state
    return web.json_response({"submissions": [s.as_json() for s in state.submissions]})


async def stats_view(request: web.Request) -> web.Response:
    """Counts that tests assert on: one request, one task; how many 429s were answered."""
    state = request.app[ENGINE].state
    faults = Counter(s.fault for s in state.submissions if s.fault)
    return web.json_response(
        {
            "submissions": len(state.submissions),
            "tasks_created": len(state.tasks),
            "answered_429": state.answered_429,
            "rate_limited": state.rate_limited,
            "maintenance_refusals": sum(s.code == 455 for s in state.submissions),
            "submit_faults": dict(faults),
        }
    )


async def knobs_view(request: web.Request) -> web.Response:
    return web.json_response({"knobs": knobs_as_json(request.app[ENGINE].state.knobs)})


async def update_knobs_view(request: web.Request) -> web.Response:
    state = request.app[ENGINE].state
    try:
        changes = await request.json()
        if not isinstance(changes, dict):
            raise KnobError("send a JSON object of knob names and values")
        knobs = update_knobs(state.knobs, changes)
    except (KnobError, ValueError) as exc:
        return web.json_response({"error": str(exc)}, status=400)
    state.apply_knobs(knobs, set(changes))
    return web.json_response({"knobs": knobs_as_json(knobs)})


async def expire_view(request: web.Request) -> web.Response:
    """Age a task past the provider's 14 days: expireFlag 1 and its files gone."""
    engine = request.app[ENGINE]
    task = engine.state.tasks.get(request.match_info["task_id"])
    if task is None:
        raise web.HTTPNotFound()
    engine.expire(task)
    return web.json_response({"task": task_summary(task)})
