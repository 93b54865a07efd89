"""The emulator's own API under /_emulator/ (knobs, the requests it saw, its results, reset)
and a short page at / for people trying it."""

from __future__ import annotations

from html import escape

from aiohttp import web

from sandbox.runway_ai.config import KnobError, knobs_as_json, update_knobs
from sandbox.runway_ai.errors import ApiError
from sandbox.runway_ai.params import json_body
from sandbox.runway_ai.state import RUNWAY_AI_STATE
from sandbox.runway_ai.studio import STUDIO

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Runway AI API emulator</title></head>
<body style="font-family: sans-serif; max-width: 46em; margin: 2em auto">
<h1>Runway AI API emulator</h1>
<p>An offline stand-in for the synchronous Runway AI API: every call does the work with
Pillow and ffmpeg and answers with the result's URL on this server.{auth}</p>
<pre>curl -X POST {base}/v1/generate-image -H 'Content-Type: application/json' \\
     {header}-d '{{"prompt": "a fox in the snow", "style": "sketch"}}'</pre>
<h2>Endpoints</h2><ul>{routes}</ul>
<p>Errors: <code>{{"error": {{"code", "message"}}}}</code> with a 4xx or 5xx status.
Knobs: <a href="/_emulator/knobs">/_emulator/knobs</a>; requests seen:
<a href="/_emulator/requests">/_emulator/requests</a>; results:
<a href="/_emulator/media">/_emulator/media</a>.</p>
</body></html>
"""


async def index_view(request: web.Request) -> web.Response:
    key = request.app[RUNWAY_AI_STATE].knobs.api_key
    routes = sorted(
        f"<li><code>{route.method} {escape(route.resource.canonical)}</code></li>"
        for route in request.app.router.routes()
        if route.resource and route.resource.canonical.startswith("/v1/")
        if route.method != "HEAD"
    )
    page = PAGE.format(
        base=f"{request.scheme}://{request.host}",
        auth=" Calls need <code>Authorization: Bearer &lt;key&gt;</code>." if key else "",
        header="-H 'Authorization: Bearer KEY' " if key else "",
        routes="".join(routes),
    )
    return web.Response(text=page, content_type="text/html")


async def knobs_view(request: web.Request) -> web.Response:
    return web.json_response({"knobs": knobs_as_json(request.app[RUNWAY_AI_STATE].knobs)})


async def update_knobs_view(request: web.Request) -> web.Response:
    state = request.app[RUNWAY_AI_STATE]
    try:
        knobs = update_knobs(state.knobs, await json_body(request))
    except KnobError as exc:
        raise ApiError(400, str(exc), code="invalid_knob") from exc
    state.apply_knobs(knobs)
    return web.json_response({"knobs": knobs_as_json(knobs)})


async def requests_view(request: web.Request) -> web.Response:
    state = request.app[RUNWAY_AI_STATE]
    return web.json_response({"requests": [r.as_json() for r in state.requests]})


async def clear_requests_view(request: web.Request) -> web.Response:
    request.app[RUNWAY_AI_STATE].requests.clear()
    return web.json_response({"requests": []})


async def media_view(request: web.Request) -> web.Response:
    base = f"{request.scheme}://{request.host}"
    media = [m.as_json(base) for m in request.app[STUDIO].store.all()]
    return web.json_response({"media": media})


async def reset_view(request: web.Request) -> web.Response:
    """Forget every request and result, and put the knobs back as they were at start."""
    state = request.app[RUNWAY_AI_STATE]
    state.requests.clear()
    state.apply_knobs(state.initial_knobs)
    request.app[STUDIO].store.clear()
    return web.json_response({"knobs": knobs_as_json(state.knobs)})
