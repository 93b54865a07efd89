"""The emulator's control API: the human side, for the web chat, tests and drivers.

Every answer has the Bot API's envelope: ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": N, "description": "..."}``. Messages are Bot API Message objects
with one extra key, ``_by_bot`` (true for messages the bot sent).

- ``GET /_emulator/world``: the bot, the people, the chats and their topics.
- ``GET /_emulator/chats/{chat_id}/messages[?thread_id=N]``: the chat's messages, oldest first.
- ``POST /_emulator/chats/{chat_id}/messages``: a person posts. JSON ``{"text", "user_id",
  "reply_to", "thread_id"}``, or multipart with those fields and one file part named ``photo``,
  ``video`` or ``document`` (the text becomes its caption). In the channel, posts are made as
  the channel (``sender_chat``).
- ``POST /_emulator/chats/{chat_id}/messages/{id}/edit``: a person edits a message ``{"text"}``.
- ``DELETE /_emulator/chats/{chat_id}/messages/{id}``: a message disappears (no update is sent).
- ``POST /_emulator/chats/{chat_id}/callbacks``: press an inline button ``{"message_id", "data",
  "user_id"}``; returns the callback_query the bot gets.
- ``GET /_emulator/callbacks/{query_id}``: ``{"answer": {...} or null}``.
- ``GET /_emulator/chats/{chat_id}/actions``: chat actions still showing.
- ``POST /_emulator/users/{user_id}/block`` and ``.../unblock``: the user blocks the bot or not.
- ``GET /_emulator/stats`` and ``POST /_emulator/stats/reset``: requests by method; refusals by
  code, method and description (``too_many_requests`` counts the 429s).
- ``POST /_emulator/flood``: ``{"enabled": bool}``; also refills every bucket.
- ``GET /_emulator/updates``: the recent updates made for the bot.
- ``GET /_emulator/commands[?chat_id=N]``: the bot's commands as that chat would show them.
- ``GET /_emulator/files/{file_id}``: a file's bytes (ranges work, so ``<video>`` can seek).
- ``GET /_emulator/events``: server-sent events, each ``data: {"type": ...}`` with type
  ``message``, ``edit``, ``delete``, ``action`` or ``callback_answer``.

The user id defaults to You (1001).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox.telegram import human
from sandbox.telegram.api_send import media_content
from sandbox.telegram.errors import ApiError, bad_request
from sandbox.telegram.inputs import ingest
from sandbox.telegram.keys import TELEGRAM_STATE
from sandbox.telegram.params import Params, json_object, read_params
from sandbox.telegram.state import TelegramState
from sandbox.telegram.world import YOU_ID

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PREFIX = "/_emulator"
_MEDIA_FIELDS = ("photo", "video", "document")
_PING_SECONDS = 15.0


def ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def refused(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.code)


def _guarded(handler: Handler) -> Handler:
    async def run(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as error:
            return refused(error)

    return run


def _state(request: web.Request) -> TelegramState:
    return request.app[TELEGRAM_STATE]


def _int(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise bad_request(f"invalid {name}") from None


async def world(request: web.Request) -> web.StreamResponse:
    return ok(_state(request).world.to_api())


async def list_messages(request: web.Request) -> web.StreamResponse:
    thread = request.query.get("thread_id")
    items = _state(request).messages(_int(request, "chat_id"), int(thread) if thread else None)
    return ok([m.to_control() for m in items])


async def post_message(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    params = await read_params(request, state.upload_dir)
    try:
        item = human.Post(
            user_id=params.get_int("user_id") or YOU_ID,
            text=params.get_str("text") or "",
            media=await _media(state, params),
            reply_to=params.get_int("reply_to"),
            thread_id=params.get_int("thread_id"),
        )
    finally:
        params.cleanup()
    message = await human.post(state, _int(request, "chat_id"), item)
    return ok(message.to_control())


async def _media(state: TelegramState, params: Params) -> dict[str, Any] | None:
    field = next((name for name in _MEDIA_FIELDS if name in params.files), None)
    if field is None:
        return None
    return media_content(await ingest(state.files, params.files[field], field))


async def edit_message(request: web.Request) -> web.StreamResponse:
    body = await json_object(request)
    state = _state(request)
    chat_id, message_id = _int(request, "chat_id"), _int(request, "message_id")
    message = await human.edit(state, chat_id, message_id, str(body.get("text", "")))
    return ok(message.to_control())


async def delete_message(request: web.Request) -> web.StreamResponse:
    human.remove(_state(request), _int(request, "chat_id"), _int(request, "message_id"))
    return ok(True)


async def press_button(request: web.Request) -> web.StreamResponse:
    body = await json_object(request)
    query = await human.press(
        _state(request),
        _int(request, "chat_id"),
        int(body.get("message_id", 0)),
        str(body.get("data", "")),
        int(body.get("user_id") or YOU_ID),
    )
    return ok(query)


async def callback_answer(request: web.Request) -> web.StreamResponse:
    query = _state(request).callbacks.get(request.match_info["query_id"])
    if query is None:
        raise ApiError(404, "Not Found: callback query not found")
    return ok({"answer": query.answer})


async def chat_actions(request: web.Request) -> web.StreamResponse:
    chat_id, now = _int(request, "chat_id"), time.time()
    showing = [
        {"thread_id": thread, "action": action, "seconds_left": round(until - now, 2)}
        for (cid, thread), (action, until) in _state(request).actions.items()
        if cid == chat_id and until > now
    ]
    return ok(showing)


async def block(request: web.Request) -> web.StreamResponse:
    _state(request).blocked.add(_int(request, "user_id"))
    return ok(True)


async def unblock(request: web.Request) -> web.StreamResponse:
    _state(request).blocked.discard(_int(request, "user_id"))
    return ok(True)


async def stats(request: web.Request) -> web.StreamResponse:
    return ok(_state(request).stats.to_api())


async def reset_stats(request: web.Request) -> web.StreamResponse:
    _state(request).stats.reset()
    return ok(True)


async def flood(request: web.Request) -> web.StreamResponse:
    body = await json_object(request)
    state = _state(request)
    state.flood.enabled = bool(body.get("enabled", state.flood.enabled))
    state.flood.reset()
    return ok({"enabled": state.flood.enabled})


async def updates(request: web.Request) -> web.StreamResponse:
    return ok(_state(request).updates.history[-200:])


async def commands(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    chat = state.world.chats.get(int(request.query.get("chat_id", YOU_ID)))
    scopes: list[dict[str, Any]] = [{"type": "default"}]
    if chat is not None:
        group = "all_private_chats" if chat.type == "private" else "all_group_chats"
        scopes = [{"type": "chat", "chat_id": chat.id}, {"type": group}, *scopes]
    for scope in scopes:
        found = state.commands.get((json.dumps(scope, sort_keys=True), ""))
        if found:
            return ok(found)
    return ok([])


async def file_bytes(request: web.Request) -> web.StreamResponse:
    stored = _state(request).files.get(request.match_info["file_id"])
    if stored is None:
        raise ApiError(404, "Not Found: file not found")
    headers = {"Content-Type": stored.mime_type or "application/octet-stream"}
    return web.FileResponse(stored.path, headers=headers)


async def events(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-cache"})  # fmt: skip
    await response.prepare(request)
    with state.events.subscribe() as queue:
        await response.write(b": connected\n\n")
        while not state.closing:
            try:
                event = await asyncio.wait_for(queue.get(), _PING_SECONDS)
            except TimeoutError:
                await response.write(b": ping\n\n")
                continue
            if event.get("type") == "closing":
                break
            await response.write(f"data: {json.dumps(event)}\n\n".encode())
    return response


def add_control_routes(app: web.Application) -> None:
    routes = [
        ("GET", "/world", world),
        ("GET", "/chats/{chat_id}/messages", list_messages),
        ("POST", "/chats/{chat_id}/messages", post_message),
        ("POST", "/chats/{chat_id}/messages/{message_id}/edit", edit_message),
        ("DELETE", "/chats/{chat_id}/messages/{message_id}", delete_message),
        ("POST", "/chats/{chat_id}/callbacks", press_button),
        ("GET", "/chats/{chat_id}/actions", chat_actions),
        ("GET", "/callbacks/{query_id}", callback_answer),
        ("POST", "/users/{user_id}/block", block),
        ("POST", "/users/{user_id}/unblock", unblock),
        ("GET", "/stats", stats),
        ("POST", "/stats/reset", reset_stats),
        ("POST", "/flood", flood),
        ("GET", "/updates", updates),
        ("GET", "/commands", commands),
        ("GET", "/files/{file_id}", file_bytes),
        ("GET", "/events", events),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, PREFIX + path, _guarded(handler))
