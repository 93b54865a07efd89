"""The emulator's own control API under /_emulator/: what it saw, and knobs to turn."""

from __future__ import annotations

from aiohttp import web

from sandbox.runway.config import KnobError, knobs_as_json, update_knobs
from sandbox.runway.keys import ENGINE
from sandbox.runway.records import task_summary


async def index_view(request: web.Request) -> web.Response:
    """What a person trying the emulator sees at `/`: its routes and current knobs."""
    routes = sorted(
        f"{route.method} {route.resource.canonical}"
        for route in request.app.router.routes()
        if route.resource and route.method != "HEAD" and route.resource.canonical != "/"
    )
    knobs = knobs_as_json(request.app[ENGINE].state.knobs)
    return web.json_response({"service": "Runway API emulator", "routes": routes, "knobs": knobs})


async def requests_view(request: web.Request) -> web.Response:
    state = request.app[ENGINE].state
    return web.json_response({"requests": [r.as_json() for r in state.requests]})


async def tasks_view(request: web.Request) -> web.Response:
    state = request.app[ENGINE].state
    return web.json_response({"tasks": [task_summary(t) for t in state.tasks.values()]})


async def callbacks_view(request: web.Request) -> web.Response:
    state = request.app[ENGINE].state
    return web.json_response({"callbacks": [c.as_json() for c in state.callbacks]})


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
