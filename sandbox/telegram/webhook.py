"""Webhook mode: updates POSTed one by one, in order, retried with backoff until accepted."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from sandbox.telegram.updates import Update, UpdateQueue

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


@dataclass
class Webhook:
    url: str = ""
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None
    delivered: int = 0

    def info(self, pending: int, allowed: frozenset[str] | None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }
        if self.url:
            data["max_connections"] = self.max_connections
        if self.last_error_date is not None:
            data["last_error_date"] = self.last_error_date
            data["last_error_message"] = self.last_error_message
        if allowed is not None:
            data["allowed_updates"] = sorted(allowed)
        return data


async def deliver_webhooks(
    webhook: Webhook,
    updates: UpdateQueue,
    session: aiohttp.ClientSession,
    retry: tuple[float, float],
) -> None:
    """Run until cancelled: post each pending update while a webhook is set."""
    initial, ceiling = retry
    delay = initial
    while True:
        update = await updates.wait_for_work(lambda: bool(webhook.url))
        error = await _post(session, webhook, update)
        if error is None:
            updates.remove(update)
            webhook.delivered += 1
            delay = initial
            continue
        webhook.last_error_date = int(time.time())
        webhook.last_error_message = error
        logger.info("webhook delivery of update %s failed: %s", update["update_id"], error)
        await asyncio.sleep(delay)
        delay = min(delay * 2, ceiling)


async def _post(session: aiohttp.ClientSession, webhook: Webhook, update: Update) -> str | None:
    headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
    try:
        async with session.post(
            webhook.url, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=10)
        ) as response:
            await response.read()
            if 200 <= response.status < 300:
                return None
            return f"Wrong response from the webhook: {response.status} {response.reason}"
    except (aiohttp.ClientError, TimeoutError) as exc:
        return f"Connection failed: {type(exc).__name__}"
