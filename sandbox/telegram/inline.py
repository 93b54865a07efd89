"""Inline mode: what people type after @botname, the bot's answers, and chosen results.

Telegram caches an answer for ``cache_time`` seconds (300 unless the bot says otherwise), for
everyone or, with ``is_personal``, for the one person; a query met by a fresh cached answer
never reaches the bot, and neither does it here. Choosing a result posts its message in the
chosen chat as the person, ``via_bot`` the bot; when the result carries an inline keyboard the
message gets an ``inline_message_id`` the bot can edit it by. With inline feedback on
(BotFather's /setinlinefeedback) the bot also gets ``chosen_inline_result``.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

ANSWER_WINDOW = 15.0
DEFAULT_CACHE_TIME = 300
QUERY_EXPIRED = "query is too old and response timeout expired or query ID is invalid"


@dataclass(frozen=True)
class InlineAnswer:
    results: list[dict[str, Any]]
    next_offset: str
    cache_time: int
    is_personal: bool
    button: dict[str, Any] | None
    at: float = field(default_factory=time.monotonic)

    def fresh(self, now: float) -> bool:
        return now - self.at < self.cache_time

    def result(self, result_id: str) -> dict[str, Any] | None:
        return next((r for r in self.results if r["id"] == result_id), None)

    def to_api(self) -> dict[str, Any]:
        return {
            "results": self.results,
            "next_offset": self.next_offset,
            "cache_time": self.cache_time,
            "is_personal": self.is_personal,
            "button": self.button,
        }


@dataclass
class InlineQuery:
    id: str
    user_id: int
    query: str
    offset: str
    chat_type: str | None
    chat_id: int | None
    created: float = field(default_factory=time.monotonic)
    answer: InlineAnswer | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    def to_update(self, sender: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "from": sender, "query": self.query,
                                "offset": self.offset}  # fmt: skip
        if self.chat_type:
            data["chat_type"] = self.chat_type
        return data


class InlineBook:
    """Queries, their cached answers, and the inline messages chosen results made."""

    def __init__(self) -> None:
        self.queries: dict[str, InlineQuery] = {}
        self._cache: dict[tuple[str, str, int | None], InlineQuery] = {}
        self.messages: dict[str, tuple[int, int]] = {}

    def new_query(
        self, user_id: int, text: str, offset: str, chat_type: str | None, chat_id: int | None
    ) -> InlineQuery:
        query = InlineQuery(str(secrets.randbits(63)), user_id, text, offset, chat_type, chat_id)
        self.queries[query.id] = query
        return query

    def cached(self, user_id: int, text: str, offset: str) -> InlineQuery | None:
        now = time.monotonic()
        for key in ((text, offset, user_id), (text, offset, None)):
            found = self._cache.get(key)
            if found is not None and found.answer is not None and found.answer.fresh(now):
                return found
        return None

    def answer(self, query: InlineQuery, answer: InlineAnswer) -> None:
        query.answer = answer
        query.answered.set()
        if answer.cache_time > 0:
            who = query.user_id if answer.is_personal else None
            self._cache[(query.query, query.offset, who)] = query

    def new_inline_message(self, chat_id: int, message_id: int) -> str:
        inline_message_id = secrets.token_urlsafe(24)
        self.messages[inline_message_id] = (chat_id, message_id)
        return inline_message_id
