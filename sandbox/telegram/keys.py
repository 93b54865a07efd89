"""Typed keys for what the emulator's aiohttp application holds."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from sandbox.telegram.state import TelegramState

TELEGRAM_STATE: web.AppKey[TelegramState] = web.AppKey("telegram_state", TelegramState)
HTTP_SESSION: web.AppKey[aiohttp.ClientSession] = web.AppKey(
    "telegram_http_session", aiohttp.ClientSession
)
