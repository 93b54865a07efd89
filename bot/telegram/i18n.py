"""Pick a catalog from Telegram's `language_code` and fill in a text. A catalog entry is a
`str.format` template, or a dict of plural forms chosen by the `count` parameter: English has
"one" and "other"; Russian "one" (1, 21), "few" (2-4, 22-24) and "many" (5-20, 25...)."""

from __future__ import annotations

from typing import Any

from bot.telegram.locales import CATALOGS, Entry

DEFAULT_LANGUAGE = "en"


def language_of(language_code: str | None) -> str:
    """`ru*` -> Russian; anything else (or nothing) -> English."""
    code = (language_code or "").lower()
    return "ru" if code.startswith("ru") else DEFAULT_LANGUAGE


def plural_form(language: str, count: int) -> str:
    """The CLDR plural category of an integer in English or Russian."""
    if language != "ru":
        return "one" if count == 1 else "other"
    last, last_two = count % 10, count % 100
    if last == 1 and last_two != 11:
        return "one"
    if 2 <= last <= 4 and not 12 <= last_two <= 14:
        return "few"
    return "many"


def text(language: str, key: str, **params: Any) -> str:
    catalog = CATALOGS.get(language, CATALOGS[DEFAULT_LANGUAGE])
    entry: Entry = catalog.get(key) or CATALOGS[DEFAULT_LANGUAGE][key]
    if isinstance(entry, dict):
        count = int(params.get("count", 0))
        forms = entry
        entry = (
            forms.get(plural_form(language, count))
            or forms["other" if "other" in forms else "many"]
        )
    return entry.format(**params) if params else entry
