"""One catalog per language: keys to `str.format` templates (or plural forms, see i18n). A new
language is one new file."""

from __future__ import annotations

from bot.telegram.locales import en, ru
from bot.telegram.locales.types import Entry

CATALOGS: dict[str, dict[str, Entry]] = {"en": en.TEXTS, "ru": ru.TEXTS}

__all__ = ["CATALOGS", "Entry"]
