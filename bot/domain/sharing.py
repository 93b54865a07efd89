"""Sharing in any chat through inline mode: a user's own delivered videos, found by words of
their prompts, newest first, a page at a time. Only the asker's videos are ever listed, and
each is shared by the file Telegram already has (no upload)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.models import Job
from bot.domain.ports import JobStore

PAGE = 20  # results per answer; Telegram takes up to 50
MAX_WORDS = 8  # more words than this in a query only narrow it further, so they are dropped


@dataclass(frozen=True, slots=True)
class SharedPage:
    """One answer's videos, and the offset of the next page ("" when this is the last)."""

    jobs: list[Job]
    next_offset: str


def words_of(query: str) -> list[str]:
    """The words a prompt must contain, case-folded (so "Кот" finds "кот")."""
    return query.casefold().split()[:MAX_WORDS]


async def own_videos(
    store: JobStore, user_id: int, query: str, offset: str, page: int = PAGE
) -> SharedPage:
    """The page after `offset` (the id of the last video of the previous page; "" or anything
    else unreadable: the first page) of the user's videos whose prompts hold every word."""
    before = int(offset) if offset.isdigit() else None
    jobs = await store.delivered_videos(user_id, words_of(query), page + 1, before)
    more = len(jobs) > page
    shown = jobs[:page]
    return SharedPage(shown, str(shown[-1].id) if more else "")
