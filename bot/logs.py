"""Logging set-up that keeps secrets out of every line, whoever logs it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TextIO

# A bot token inside a Bot API URL: /bot<id>:<secret>/ or /file/bot<id>:<secret>/
TOKEN_IN_URL = re.compile(r"(/bot)\d+:[A-Za-z0-9_-]+")


class RedactingFilter(logging.Filter):
    """Replaces known secrets and anything shaped like a Bot API token path in each record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_IN_URL.sub(r"\1<redacted>", message)
        for secret in self._secrets:
            redacted = redacted.replace(secret, "<redacted>")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def redacting_handler(secrets: Iterable[str] = (), stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    return handler


def quiet_noisy_loggers() -> None:
    # httpx logs every request URL at INFO, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(logging.INFO)


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    logging.basicConfig(level=level.upper(), handlers=[redacting_handler(secrets)], force=True)
    quiet_noisy_loggers()
