"""A person uses the bot inline: types a query, gets the bot's answer, picks a result."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sandbox.telegram import human
from sandbox.telegram.api_common import ApiContext, caption_content, inline_markup, text_content
from sandbox.telegram.api_send import media_content
from sandbox.telegram.errors import ApiError, bad_request
from sandbox.telegram.inline import InlineAnswer, InlineQuery
from sandbox.telegram.inline_results import MEDIA_RESULTS, text_params
from sandbox.telegram.inputs import input_file
from sandbox.telegram.params import Params
from sandbox.telegram.state import StoredMessage, TelegramState
from sandbox.telegram.world import ChatRecord

MAX_QUERY = 256


def ask(
    state: TelegramState, user_id: int, text: str, offset: str, chat_id: int | None
) -> tuple[InlineQuery, bool]:
    """The query, and whether a cached answer met it (then the bot hears nothing)."""
    if not state.config.inline_queries:
        raise bad_request("the bot does not support inline mode (BotFather: /setinline)")
    user = state.world.users.get(user_id)
    if user is None:
        raise ApiError(404, "Not Found: user not found")
    if len(text) > MAX_QUERY:
        raise bad_request(f"an inline query is at most {MAX_QUERY} characters")
    cached = state.inline.cached(user_id, text, offset)
    if cached is not None:
        return cached, True
    chat = human.chat_of(state, chat_id) if chat_id is not None else None
    query = state.inline.new_query(user_id, text, offset, _chat_type(chat, user_id), chat_id)
    state.updates.push_nowait("inline_query", query.to_update(user.to_api()))
    return query, False


def _chat_type(chat: ChatRecord | None, user_id: int) -> str | None:
    if chat is None:
        return None
    if chat.type == "private":
        return "sender" if chat.id == user_id else "private"
    return chat.type


def find_query(state: TelegramState, query_id: str) -> InlineQuery:
    query = state.inline.queries.get(query_id)
    if query is None:
        raise ApiError(404, "Not Found: inline query not found")
    return query


async def wait_answer(query: InlineQuery, seconds: float) -> InlineAnswer | None:
    if query.answer is None and seconds > 0:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(query.answered.wait(), seconds)
    return query.answer


async def choose(
    ctx: ApiContext, query: InlineQuery, result_id: str, chat_id: int | None, thread_id: int | None
) -> StoredMessage:
    """Post the chosen result's message as the person, via the bot."""
    state = ctx.state
    if query.answer is None:
        raise bad_request("the bot has not answered this inline query")
    result = query.answer.result(result_id)
    if result is None:
        raise ApiError(404, "Not Found: no result with this id")
    chat = human.chat_of(state, chat_id or query.chat_id or query.user_id)
    user = human.author(state, chat, query.user_id)
    if thread_id is not None and thread_id not in chat.topics:
        raise bad_request("message thread not found")
    content = await _content(ctx, result)
    content["via_bot"] = state.world.bot.to_api()
    ready = human.Prepared(chat, user, content, thread_id, None)
    message, _ = human.publish(state, ready)
    _feedback(state, query, result_id, message, user.to_api())
    return message


async def _content(ctx: ApiContext, result: dict[str, Any]) -> dict[str, Any]:
    given = result.get("input_message_content")
    if isinstance(given, dict):
        content = text_content(text_params(given))
    else:
        url_field, id_field, kind = MEDIA_RESULTS[result["type"]]
        source = result.get(url_field) or result.get(id_field)
        stored = await input_file(ctx, Params({"media": source}, {}), "media", kind)
        content = {**media_content(stored), **caption_content(Params(result, {}))}
    markup = inline_markup(Params({"reply_markup": result.get("reply_markup")}, {}))
    if markup is not None:
        content["reply_markup"] = markup
    return content


def _feedback(
    state: TelegramState,
    query: InlineQuery,
    result_id: str,
    message: StoredMessage,
    sender: dict[str, Any],
) -> None:
    chosen: dict[str, Any] = {"result_id": result_id, "from": sender, "query": query.query}
    if "reply_markup" in message.data:
        chat_id = message.data["chat"]["id"]
        chosen["inline_message_id"] = state.inline.new_inline_message(chat_id, message.message_id)
    if state.config.inline_feedback:
        state.updates.push_nowait("chosen_inline_result", chosen)
