"""Hand a draft to the job service. A refusal (a rule, an option, the allowlist, a budget)
raises UserError, which the error handler answers in plain words."""

from __future__ import annotations

from telegram import Update

from bot.domain.models import Draft, Job, Origin
from bot.telegram.context import ChatContext
from bot.telegram.replies import origin_of


async def submit(
    update: Update,
    context: ChatContext,
    draft: Draft,
    *,
    origin: Origin | None = None,
    publish_channel_id: int | None = None,
) -> Job:
    service = context.bot_data.service
    return await service.submit(
        origin or origin_of(update), draft, publish_channel_id=publish_channel_id
    )
