"""One catalog per language: keys to `str.format` templates. A new language is one new file."""

from __future__ import annotations

from bot.telegram.locales import en, ru

CATALOGS: dict[str, dict[str, str]] = {"en": en.TEXTS, "ru": ru.TEXTS}
