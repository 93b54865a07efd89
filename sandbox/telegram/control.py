"""The emulator's control API: the human side, for the web chat, tests and drivers.

Every answer has the Bot API's envelope: ``{"ok": true, "result": ...}`` or
``{"ok": false, "error_code": N, "description": "..."}``. Messages are Bot API Message objects
with one extra key, ``_by_bot`` (true for messages the bot sent).

- ``GET /_emulator/world``: the bot, the people, the chats and their topics.
- ``GET /_emulator/chats/{chat_id}/messages[?thread_id=N]``: the chat's messages, oldest first.
- ``POST /_emulator/chats/{chat_id}/messages``: a person posts. JSON ``{"text", "user_id",
  "reply_to", "thread_id"}``, or multipart with those fields and one file part named ``photo``,
  ``video``, ``audio`` or ``document`` (the text becomes its caption). In the channel, posts
  are made as the channel (``sender_chat``).
- ``POST /_emulator/chats/{chat_id}/messages/{id}/edit``: a person edits a message ``{"text"}``.
- ``DELETE /_emulator/chats/{chat_id}/messages/{id}``: a message disappears (no update is sent).
- ``POST /_emulator/chats/{chat_id}/callbacks``: press an inline button ``{"message_id", "data",
  "user_id"}``; returns the callback_query the bot gets.
- ``GET /_emulator/callbacks/{query_id}``: ``{"answer": {...} or null}``.
- ``GET /_emulator/chats/{chat_id}/actions``: chat actions still showing.
- ``POST /_emulator/users/{user_id}/block`` and ``.../unblock``: the user blocks the bot or not.
- ``GET /_emulator/stats`` and ``POST /_emulator/stats/reset``: requests by method; refusals by
  code, method, chat and description (``too_many_requests`` counts the 429s); injected faults
  by kind and method. Reset also clears the timeline (control_stats.py).
- ``POST /_emulator/flood``: ``{"enabled": bool}``; also refills every bucket.
- ``GET /_emulator/updates``: the recent updates made for the bot.
- ``GET /_emulator/commands[?chat_id=N]``: the bot's commands as that chat would show them.
- ``GET /_emulator/files/{file_id}``: a file's bytes (ranges work, so ``<video>`` can seek).
- ``GET /_emulator/events``: server-sent events, each ``data: {"type": ...}`` with type
  ``message``, ``edit``, ``delete``, ``action``, ``callback_answer``, ``reaction``, ``user``
  (a person changed), ``world`` (people or chats were added or changed), ``payment``,
  ``stars`` (a balance was set) or ``inline_answer``.

The user id defaults to the person of a private chat, elsewhere to You (1001).

More endpoints: a crowd and bulk posts in control_world.py, injected faults in
control_faults.py, benchmark stats in control_stats.py, Stars payments in
control_payments.py, inline mode in control_inline.py. Invoice messages listed here carry
``_invoice`` (``{"amount", "paying", "paid_by"?, "refunded"?}``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from aiohttp import web

from sandbox.telegram import (
    control_faults,
    control_inline,
    control_payments,
    control_stats,
    control_world,
    human,
    payments,
)
from sandbox.telegram.api_send import media_content
from sandbox.telegram.control_base import Route, add_routes, ok, path_int, refused, state_of
from sandbox.telegram.errors import ApiError
from sandbox.telegram.inputs import ingest
from sandbox.telegram.params import Params, json_object, read_params
from sandbox.telegram.state import TelegramState
from sandbox.telegram.world import YOU_ID

logger = logging.getLogger(__name__)

_MEDIA_FIELDS = ("photo", "video", "document", "audio")
_PING_SECONDS = 15.0

_state = state_of
_int = path_int


async def world(request: web.Request) -> web.StreamResponse:
    return ok(_state(request).world.to_api())


async def list_messages(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    thread = request.query.get("thread_id")
    chat_id = _int(request, "chat_id")
    items = state.messages(chat_id, int(thread) if thread else None)
    return ok([_with_invoice_state(state, m.to_control()) for m in items])


def _with_invoice_state(state: TelegramState, message: dict[str, Any]) -> dict[str, Any]:
    """Invoices carry ``_invoice``: paid by whom, refunded, or waiting for the bot."""
    if "invoice" in message:
        found = payments.invoice_state(state, message["chat"]["id"], message["message_id"])
        if found is not None:
            message["_invoice"] = found
    return message


async def post_message(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    params = await read_params(request, state.upload_dir)
    chat_id = _int(request, "chat_id")
    try:
        item = human.Post(
            user_id=params.get_int("user_id") or human.default_author(chat_id),
            text=params.get_str("text") or "",
            media=await _media(state, params),
            reply_to=params.get_int("reply_to"),
            thread_id=params.get_int("thread_id"),
        )
    finally:
        params.cleanup()
    message = await human.post(state, chat_id, item)
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
    chat_id = _int(request, "chat_id")
    query = await human.press(
        _state(request),
        chat_id,
        int(body.get("message_id", 0)),
        str(body.get("data", "")),
        int(body.get("user_id") or human.default_author(chat_id)),
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
    return ok(list(_state(request).updates.history)[-200:])


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
    """Server-sent events until the server stops or the browser goes (a closed tab is normal)."""
    state = _state(request)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-cache"})  # fmt: skip
    await response.prepare(request)
    with state.events.subscribe() as queue:
        try:
            await _stream(state, queue, response)
        except ConnectionResetError:
            logger.debug("web chat event stream closed by the browser")
    return response


async def _stream(
    state: TelegramState, queue: asyncio.Queue[dict[str, Any]], response: web.StreamResponse
) -> None:
    await response.write(b": connected\n\n")
    while not state.closing:
        try:
            event = await asyncio.wait_for(queue.get(), _PING_SECONDS)
        except TimeoutError:
            await response.write(b": ping\n\n")
            continue
        if event.get("type") == "closing":
            return
        await response.write(f"data: {json.dumps(event)}\n\n".encode())


def add_control_routes(app: web.Application) -> None:
    routes: list[Route] = [
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
    modules = (control_world, control_faults, control_stats, control_payments, control_inline)
    add_routes(app, [*routes, *(route for module in modules for route in module.ROUTES)])


__all__ = ["add_control_routes", "ok", "refused"]
