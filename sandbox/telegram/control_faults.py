"""Control API for injected faults (faults.py says what each kind does).

- ``POST /_emulator/faults``: one fault, for example
  ``{"kind": "delay", "seconds": 7, "methods": ["sendVideo"], "chat_ids": [1001]}``,
  ``{"kind": "flood_wait", "seconds": 30, "chat_ids": [1001]}`` (no ``methods``: every method),
  ``{"kind": "fail", "error_code": 502, "methods": ["sendVideo"], "times": 2}`` or
  ``{"kind": "fail", "error_code": 400, "description": "message is too long"}``.
  Optional everywhere: ``methods``, ``chat_ids``, ``times``, ``phase`` ("before"/"after"),
  ``retry_after``. Returns the fault with its ``id``.
- ``GET /_emulator/faults``: the faults still active, with their ``hits``.
- ``DELETE /_emulator/faults/{id}``: remove one (404 when unknown); ``DELETE /_emulator/faults``:
  remove all.
"""

from __future__ import annotations

from aiohttp import web

from sandbox.telegram.control_base import Route, ok, state_of
from sandbox.telegram.errors import ApiError
from sandbox.telegram.params import json_object


async def add_fault(request: web.Request) -> web.StreamResponse:
    fault = state_of(request).faults.add(await json_object(request))
    return ok(fault.to_api())


async def list_faults(request: web.Request) -> web.StreamResponse:
    return ok([fault.to_api() for fault in state_of(request).faults.active()])


async def remove_fault(request: web.Request) -> web.StreamResponse:
    if not state_of(request).faults.remove(request.match_info["fault_id"]):
        raise ApiError(404, "Not Found: fault not found")
    return ok(True)


async def clear_faults(request: web.Request) -> web.StreamResponse:
    state_of(request).faults.clear()
    return ok(True)


ROUTES: list[Route] = [
    ("POST", "/faults", add_fault),
    ("GET", "/faults", list_faults),
    ("DELETE", "/faults", clear_faults),
    ("DELETE", "/faults/{fault_id}", remove_fault),
]
