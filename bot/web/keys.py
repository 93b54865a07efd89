"""Typed keys for what the web app shares with its views."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.domain.service import JobService

UpdateSink = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class WebConfig:
    """What the views need beyond the service; secrets stay plain strings only in memory.

    `header_timeout` bounds how long a connection may take to deliver a request's headers (from
    connecting, or from the previous response); `body_timeout` how long its body may take.
    """

    callback_hmac_key: str = ""
    telegram_secret: str = ""
    max_body_bytes: int = 64 * 1024
    max_update_bytes: int = 1024 * 1024
    signature_window: float = 300.0
    header_timeout: float = 10.0
    body_timeout: float = 10.0


SERVICE = web.AppKey("service", JobService)
CONFIG = web.AppKey("config", WebConfig)
UPDATE_SINK: web.AppKey[UpdateSink] = web.AppKey("update_sink")
