"""Hand a draft to the job service and turn its refusals into chat answers."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Update

from bot.domain.errors import AccessDeniedError, QuotaExceededError, RequestRuleError
from bot.domain.models import Draft, Job, Origin
from bot.telegram.context import ChatContext
from bot.telegram.i18n import text
from bot.telegram.options import OptionError
from bot.telegram.render import rule_text
from bot.telegram.replies import answer, language, origin_of, send

logger = logging.getLogger(__name__)


async def submit(
    update: Update,
    context: ChatContext,
    draft: Draft,
    *,
    origin: Origin | None = None,
    publish_channel_id: int | None = None,
) -> Job | None:
    """Submit; on a refusal answer the user and return None."""
    data = context.bot_data
    try:
        job = await data.service.submit(
            origin or origin_of(update), draft, publish_channel_id=publish_channel_id
        )
    except RequestRuleError as exc:
        await send(update, context, rule_text(language(update), exc))
        return None
    except AccessDeniedError:
        await answer(update, context, "access.denied")
        return None
    except QuotaExceededError as exc:
        await refuse_quota(update, context, exc)
        return None
    return job


async def refuse_quota(update: Update, context: ChatContext, exc: QuotaExceededError) -> None:
    access = context.bot_data.service.policy.access
    if exc.limit == "daily":
        await answer(
            update,
            context,
            "quota.daily",
            limit=access.daily_jobs_per_user,
            retry_at=format_time(exc.retry_at),
        )
        return
    await answer(update, context, "quota.active", limit=access.active_jobs_per_user)


def format_time(moment: object) -> str:
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return "?"


async def refuse_option(update: Update, context: ChatContext, exc: OptionError) -> None:
    params = dict(exc.params)
    if params.get("valid") == "TEXT":
        params["valid"] = text(language(update), "option.any_text")
    await answer(update, context, exc.key, **params)
