"""Control API for inline mode, and the BotFather switches behind it.

- ``POST /_emulator/inline``: ``{"query", "user_id"?, "chat_id"?, "offset"?}``: a person types
  ``@botname query`` in a chat (default: their private chat with the bot). The bot gets an
  ``inline_query`` update, unless a fresh cached answer meets the query. Returns
  ``{"inline_query_id", "cached", "answer"}`` (``answer`` null until the bot answers).
- ``GET /_emulator/inline/{inline_query_id}[?wait=S]``: ``{"answer": {...} or null}``, waiting
  up to S seconds (at most 30) for the bot. An answer is ``{"results", "next_offset",
  "cache_time", "is_personal", "button"}``; each result has a ``_preview`` ``{"kind",
  "title", "description", "thumbnail_file_id"?, "thumbnail_url"?}``. For the next page, post
  the query again with ``offset`` set to ``next_offset``.
- ``POST /_emulator/inline/{inline_query_id}/choose``: ``{"result_id", "chat_id"?,
  "thread_id"?}``: the person sends that result; returns the message (``via_bot`` set).
- ``POST /_emulator/bot``: ``{"inline_queries"?: bool, "inline_feedback"?: bool}``: BotFather's
  /setinline and /setinlinefeedback; returns both.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.telegram import human, inline_flow
from sandbox.telegram.api_common import ApiContext
from sandbox.telegram.control_base import Route, ok, state_of
from sandbox.telegram.errors import bad_request
from sandbox.telegram.inline import InlineQuery
from sandbox.telegram.inline_results import answer_api
from sandbox.telegram.keys import HTTP_SESSION
from sandbox.telegram.params import json_object
from sandbox.telegram.state import TelegramState

_MAX_WAIT = 30.0


async def ask(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    body = await json_object(request)
    text, offset = body.get("query", ""), body.get("offset") or ""
    if not isinstance(text, str) or not isinstance(offset, str):
        raise bad_request("query and offset must be strings")
    chat_id = _optional_int(body, "chat_id")
    user_id = _optional_int(body, "user_id") or human.default_author(chat_id or 0)
    query, cached = inline_flow.ask(state, user_id, text, offset, chat_id)
    return ok({"inline_query_id": query.id, "cached": cached, "answer": _answer(state, query)})


async def answer(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    query = inline_flow.find_query(state, request.match_info["query_id"])
    try:
        wait = min(max(float(request.query.get("wait", "0")), 0.0), _MAX_WAIT)
    except ValueError:
        raise bad_request("wait must be a number of seconds") from None
    await inline_flow.wait_answer(query, wait)
    return ok({"answer": _answer(state, query)})


async def choose(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    body = await json_object(request)
    query = inline_flow.find_query(state, request.match_info["query_id"])
    result_id = body.get("result_id")
    if not isinstance(result_id, str):
        raise bad_request("result_id must be a string")
    ctx = ApiContext(state, request.app[HTTP_SESSION], "chooseInlineResult")
    message = await inline_flow.choose(
        ctx, query, result_id, _optional_int(body, "chat_id"), _optional_int(body, "thread_id")
    )
    return ok(message.to_control())


async def bot_settings(request: web.Request) -> web.StreamResponse:
    config = state_of(request).config
    body = await json_object(request)
    for name in ("inline_queries", "inline_feedback"):
        if name in body:
            if not isinstance(body[name], bool):
                raise bad_request(f"{name} must be true or false")
            setattr(config, name, body[name])
    return ok({"inline_queries": config.inline_queries, "inline_feedback": config.inline_feedback})


def _answer(state: TelegramState, query: InlineQuery) -> dict[str, Any] | None:
    return answer_api(query.answer, state.files) if query.answer else None


def _optional_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise bad_request(f"{name} must be an integer")
    return value


ROUTES: list[Route] = [
    ("POST", "/inline", ask),
    ("GET", "/inline/{query_id}", answer),
    ("POST", "/inline/{query_id}/choose", choose),
    ("POST", "/bot", bot_settings),
]
