"""Pick a catalog from Telegram's `language_code` and fill in a text."""

from __future__ import annotations

from typing import Any

from bot.telegram.locales import CATALOGS

DEFAULT_LANGUAGE = "en"


def language_of(language_code: str | None) -> str:
    """`ru*` -> Russian; anything else (or nothing) -> English."""
    code = (language_code or "").lower()
    return "ru" if code.startswith("ru") else DEFAULT_LANGUAGE


def text(language: str, key: str, **params: Any) -> str:
    catalog = CATALOGS.get(language, CATALOGS[DEFAULT_LANGUAGE])
    template = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
    return template.format(**params) if params else template
