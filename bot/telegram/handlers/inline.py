"""Inline mode: `@bot words` in any chat lists the asker's own delivered videos whose prompt
holds the words (an empty query: the latest ones); choosing one posts it with its caption."""

from __future__ import annotations

from telegram import InlineQueryResultCachedVideo, InlineQueryResultsButton, Update

from bot.domain.models import Job
from bot.domain.sharing import own_videos
from bot.telegram.context import ChatContext
from bot.telegram.i18n import text
from bot.telegram.render import caption, settings_line, short_prompt
from bot.telegram.replies import language

# Answers are personal; a short cache lets a video delivered a moment ago show up soon.
CACHE_SECONDS = 10
START_PARAMETER = "inline"  # what /start carries when the person taps "make a video"


async def inline_query(update: Update, context: ChatContext) -> None:
    query = update.inline_query
    assert query is not None  # the handler is registered for inline queries only
    store = context.bot_data.service.store
    page = await own_videos(store, query.from_user.id, query.query, query.offset)
    lang = language(update)
    button = None
    if not page.jobs and not query.offset:
        label = text(lang, "inline.none" if query.query.strip() else "inline.empty")
        button = InlineQueryResultsButton(label, start_parameter=START_PARAMETER)
    await query.answer(
        [video_result(lang, job) for job in page.jobs],
        cache_time=CACHE_SECONDS,
        is_personal=True,
        # None, not "": with Defaults set, PTB 22 turns an empty string into "[]".
        next_offset=page.next_offset or None,
        button=button,
    )


def video_result(lang: str, job: Job) -> InlineQueryResultCachedVideo:
    assert job.delivery is not None and job.delivery.file_id is not None  # the store's promise
    return InlineQueryResultCachedVideo(
        id=str(job.id),
        video_file_id=job.delivery.file_id,
        title=short_prompt(job.prompt) or text(lang, "inline.untitled"),
        description=settings_line(lang, job),
        caption=caption(job),
    )


async def posted_via_bot(update: Update, context: ChatContext) -> None:
    """A message someone posted through inline mode (a shared video of ours, or another
    bot's result) is content, not a request: it is left alone."""
