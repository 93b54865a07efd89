"""HTTP statuses of the Runway AI API to the domain's error tree. The seed shows no errors;
the statuses' usual meanings are assumed, and the message is read from whichever of the
common shapes the body has."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.domain.errors import (
    InsufficientCreditsError,
    ProviderAuthError,
    ProviderError,
    ProviderRejectedError,
)

MAX_MESSAGE = 300
URL = re.compile(r"https?://\S+")  # a quoted media URL is a secret of the bot's: never repeat it
_REFUSALS: dict[int, type[ProviderError]] = {
    401: ProviderAuthError,
    403: ProviderAuthError,
    402: InsufficientCreditsError,
}
NOT_DONE = frozenset({408, 425, 429})  # the server says it did nothing: safe to send again


def refusal(status: int, raw: bytes) -> ProviderError:
    """The error for a 4xx that is no invitation to try again."""
    kind = _REFUSALS.get(status, ProviderRejectedError)
    return kind(message_of(status, raw), status)


def message_of(status: int, raw: bytes) -> str:
    """The provider's own words: `error.message`, `error`, `message`, `detail`, `msg`, or the
    text of the body; "HTTP 422" when it says nothing."""
    text = raw.decode(errors="replace").strip()
    try:
        found = _from_json(json.loads(text))
    except ValueError:
        found = None if text.startswith("<") else text  # an HTML error page says nothing useful
    return URL.sub("<url>", found or f"HTTP {status}")[:MAX_MESSAGE]


def _from_json(body: Any) -> str | None:
    if isinstance(body, str):
        return body or None
    if not isinstance(body, dict):
        return None
    for key in ("error", "message", "detail", "msg"):
        found = _words(body.get(key))
        if found:
            return found
    return None


def _words(value: Any) -> str | None:
    """A message from a string, `{"message": ...}`, or a list of either (FastAPI's detail)."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        return _from_json(value)
    if isinstance(value, list):
        parts = [part for part in map(_words, value) if part]
        return "; ".join(parts) or None
    return None
