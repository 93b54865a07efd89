"""Getting updates: getUpdates long polling and the webhook methods."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sandbox.telegram.api_common import ApiContext
from sandbox.telegram.errors import ApiError, bad_request, conflict
from sandbox.telegram.inputs import is_loopback
from sandbox.telegram.params import Params
from sandbox.telegram.updates import Update

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_MAX_POLL_SECONDS = 50.0


def _set_allowed(ctx: ApiContext, p: Params) -> None:
    allowed = p.get_json("allowed_updates")
    if allowed is None:
        return
    if not isinstance(allowed, list):
        raise bad_request("can't parse allowed_updates JSON object")
    ctx.state.updates.allowed = frozenset(allowed) if allowed else None


async def get_updates(ctx: ApiContext, p: Params) -> list[Update]:
    if ctx.state.webhook.url:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    offset = p.get_int("offset")
    if offset is not None and offset != 0:
        ctx.state.updates.confirm(offset)
    limit = min(max(p.get_int("limit") or 100, 1), 100)
    timeout = min(max(float(p.get_int("timeout") or 0), 0.0), _MAX_POLL_SECONDS)
    _set_allowed(ctx, p)
    try:
        return await ctx.state.updates.poll(limit, timeout)
    except ApiError as error:
        if error.code == 409 and ctx.gone():
            return []  # a poller that hung up is answered nothing: Telegram cannot reach it
        raise


def _check_webhook_url(ctx: ApiContext, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if ctx.state.config.loopback_only and not is_loopback(parts.hostname):
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")


async def set_webhook(ctx: ApiContext, p: Params) -> bool:
    url = p.get_str("url") or ""
    secret = p.get_str("secret_token")
    if url:
        _check_webhook_url(ctx, url)
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.get_bool("drop_pending_updates"):
        ctx.state.updates.drop_all()
    _set_allowed(ctx, p)
    webhook = ctx.state.webhook
    webhook.url, webhook.secret_token = url, secret
    webhook.max_connections = p.get_int("max_connections") or 40
    webhook.last_error_date = webhook.last_error_message = None
    await ctx.state.updates.wake()
    return True


async def delete_webhook(ctx: ApiContext, p: Params) -> bool:
    if p.get_bool("drop_pending_updates"):
        ctx.state.updates.drop_all()
    ctx.state.webhook.url = ""
    ctx.state.webhook.secret_token = None
    return True


async def get_webhook_info(ctx: ApiContext, p: Params) -> dict[str, Any]:
    queue = ctx.state.updates
    return ctx.state.webhook.info(len(queue.pending), queue.allowed)
