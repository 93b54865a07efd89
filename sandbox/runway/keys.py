"""Typed keys of the emulator's application."""

from __future__ import annotations

from aiohttp import web

from sandbox.runway.engine import Engine

ENGINE = web.AppKey("runway_engine", Engine)
