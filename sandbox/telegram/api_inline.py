"""answerInlineQuery: the bot's results for a person's inline query."""

from __future__ import annotations

import time
from typing import Any

from sandbox.telegram.api_common import ApiContext
from sandbox.telegram.errors import bad_request
from sandbox.telegram.inline import ANSWER_WINDOW, DEFAULT_CACHE_TIME, QUERY_EXPIRED, InlineAnswer
from sandbox.telegram.inline_results import check_results
from sandbox.telegram.params import Params

_DAY = 24 * 3600


async def answer_inline_query(ctx: ApiContext, p: Params) -> bool:
    query_id = p.get_str("inline_query_id") or ""
    query = ctx.state.inline.queries.get(query_id)
    late = query is not None and time.monotonic() - query.created > ANSWER_WINDOW
    if query is None or late or query.answer is not None:
        raise bad_request(QUERY_EXPIRED)
    results = check_results(p.get_json("results"), ctx.state.files)
    next_offset = p.get_str("next_offset") or ""
    if len(next_offset.encode()) > 64:
        raise bad_request("NEXT_OFFSET_INVALID")
    cache_time = p.get_int("cache_time")
    answer = InlineAnswer(
        results,
        next_offset,
        min(max(DEFAULT_CACHE_TIME if cache_time is None else cache_time, 0), _DAY),
        p.get_bool("is_personal"),
        _button(p),
    )
    ctx.state.inline.answer(query, answer)
    ctx.state.events.publish({"type": "inline_answer", "inline_query_id": query.id})
    return True


def _button(p: Params) -> dict[str, Any] | None:
    button = p.get_json("button")
    if button is None:
        return None
    if not isinstance(button, dict) or not button.get("text"):
        raise bad_request("InlineQueryResultsButton must be an Object")
    if len([k for k in ("web_app", "start_parameter") if k in button]) != 1:
        raise bad_request("InlineQueryResultsButton must have exactly one optional field")
    return button
