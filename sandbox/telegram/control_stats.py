"""Control API for benchmarks: the timeline of what the bot sent, a summary, duplicates.

- ``GET /_emulator/stats/timeline[?chat_id=N][&kind=message|media|edit|chat_action]``: accepted
  bot actions, oldest first: ``{"method", "chat_id", "message_id", "kind", "content", "t",
  "reply_to_message_id", "message_thread_id"}`` (``t`` is the emulator's monotonic clock).
- ``GET /_emulator/stats/summary``: counts by kind, method and chat; the busiest 1 s window
  overall and per chat and the busiest 60 s window per chat (sends and edits only); 429s in
  total, by chat and by method; injected faults by kind and method.
- ``GET /_emulator/stats/duplicates[?content=video][&min_count=2]``: bot messages carrying
  ``content`` (video, photo, audio, document, animation, text, invoice) grouped by the message
  they reply to, where a group holds at least ``min_count`` distinct messages:
  ``[{"chat_id", "reply_to_message_id", "count", "message_ids"}]``.

``POST /_emulator/stats/reset`` (control.py) clears all of it.
"""

from __future__ import annotations

from aiohttp import web

from sandbox.telegram.control_base import Route, ok, query_int, state_of


async def timeline(request: web.Request) -> web.StreamResponse:
    kind = request.query.get("kind") or None
    entries = state_of(request).stats.entries(query_int(request, "chat_id"), kind)
    return ok([entry.to_api() for entry in entries])


async def summary(request: web.Request) -> web.StreamResponse:
    return ok(state_of(request).stats.summary())


async def duplicates(request: web.Request) -> web.StreamResponse:
    content = request.query.get("content") or "video"
    min_count = query_int(request, "min_count") or 2
    return ok(state_of(request).stats.duplicates(content, min_count))


ROUTES: list[Route] = [
    ("GET", "/stats/timeline", timeline),
    ("GET", "/stats/summary", summary),
    ("GET", "/stats/duplicates", duplicates),
]
