"""Unguessable, expiring URLs for the media the bot hands the Runway AI API, served by the bot
itself at `GET {PUBLIC_URL}/media/{token}`.

A token is stateless, so whichever replica a fetch reaches can serve it: `<payload>.<mac>`, both
base64url. The payload is `<expires>:<suffix>:<file_id>` (unix seconds; the file's suffix, which
picks its content type; Telegram's file_id, which is worth nothing without the bot's token) and
the mac is its HMAC-SHA256, cut to 128 bits, under a key derived from the bot's token, which
every replica has. A token whose mac does not match, whose time has passed, or that is not of
this shape is unknown. No Telegram file URL is ever part of one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from bot.domain.models import MediaFile
from bot.web.media_cache import MediaCache

TTL = 30 * 60.0  # seconds a link works: a call fetches its inputs as it starts
MAC_BYTES = 16
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
}
MAX_TOKEN = 600  # a file_id is under 200 characters; nothing longer is one of ours
_B64 = re.compile(r"^[A-Za-z0-9_-]+$")
_FILE_ID = re.compile(r"^[A-Za-z0-9_-]{8,300}$")


@dataclass(frozen=True, slots=True)
class MediaLink:
    """What a valid token names."""

    file_id: str
    suffix: str
    expires: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.suffix]


def derive_key(secret: str) -> bytes:
    """The links' own key: a secret every replica shares, never used as it is."""
    return hmac.new(secret.encode(), b"media-links/v1", hashlib.sha256).digest()


class MediaLinks:
    """Signs and reads /media tokens, and (as the MediaPublisher port) publishes a file the
    bot has fetched: the link, with the file already in this replica's cache."""

    def __init__(
        self,
        key: bytes,
        public_url: str,
        cache: MediaCache | None = None,
        *,
        ttl: float = TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = key
        self._base = public_url.rstrip("/")
        self.cache = cache
        self.ttl = ttl
        self._clock = clock

    def url(self, file_id: str, suffix: str) -> str:
        return f"{self._base}/media/{self.token(file_id, suffix)}"

    def token(self, file_id: str, suffix: str) -> str:
        if suffix not in CONTENT_TYPES or not _FILE_ID.match(file_id):
            raise ValueError("only photos and videos with a Telegram file_id are published")
        expires = int(self._clock() + self.ttl)
        payload = f"{expires}:{suffix}:{file_id}".encode()
        return f"{_encode(payload)}.{_encode(self._mac(payload))}"

    def read(self, token: str) -> MediaLink | None:
        """The link a token names, or None for anything unknown, forged or expired."""
        if len(token) > MAX_TOKEN or token.count(".") != 1:
            return None
        payload_text, mac_text = token.split(".")
        payload, mac = _decode(payload_text), _decode(mac_text)
        if payload is None or mac is None or not hmac.compare_digest(mac, self._mac(payload)):
            return None
        link = _parse(payload)
        if link is None or link.expires < self._clock():
            return None
        return link

    async def publish(self, media: MediaFile) -> str:
        if media.source_id is None:
            raise ValueError("a file without a Telegram file_id cannot be published here")
        suffix = PurePath(media.filename).suffix.lower() or ".jpg"
        url = self.url(media.source_id, suffix)
        if self.cache is not None:
            await self.cache.put(media.source_id, suffix, media.path)
        return url

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, payload, hashlib.sha256).digest()[:MAC_BYTES]


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(text: str) -> bytes | None:
    if not _B64.match(text):
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _parse(payload: bytes) -> MediaLink | None:
    try:
        expires, suffix, file_id = payload.decode().split(":", 2)
        link = MediaLink(file_id, suffix, int(expires))
    except ValueError:
        return None
    if suffix not in CONTENT_TYPES or not _FILE_ID.match(file_id):
        return None
    return link
