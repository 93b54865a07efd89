"""What the provider's failure codes and messages mean: the reason a user is told, and whether
the failure is the provider's own trouble, worth submitting again."""

from __future__ import annotations

from bot.domain.models import Failure, FailureReason

# The provider's own trouble: a later submission of the same request may well work.
_TEMPORARY = (
    "concurrent generations",
    "network reason",
    "try again",
    "maintenance",
    "too many requests",
    "server is busy",
    "temporarily",
)
_MODERATION = ("nsfw", "moderat", "inappropriate", "sensitive", "policy", "violat")
_BAD_INPUT = (
    "image info",
    "image format",
    "width or height",
    "decode",
    "resolution",
    "could not fetch",
    "video format",
    "unreadable",
)
_EXPIRED = ("expired", "has been deleted")
_TEMPORARY_CODES = {"429", "455", "500", "502", "503", "504"}
_FINAL_CODES = {
    "401": FailureReason.MISCONFIGURED,
    "402": FailureReason.NO_CREDITS,
    "408": FailureReason.GENERATION_FAILED,
    "501": FailureReason.GENERATION_FAILED,
    "505": FailureReason.MISCONFIGURED,
}


def classify(code: str, message: str) -> tuple[FailureReason, bool]:
    """(reason, temporary) for a failure the provider reported with this code and message."""
    words = message.lower()
    if any(part in words for part in _MODERATION):
        return FailureReason.MODERATION, False
    if any(part in words for part in _EXPIRED):
        return FailureReason.EXPIRED, False
    if any(part in words for part in _BAD_INPUT):
        return FailureReason.BAD_INPUT, False
    if any(part in words for part in _TEMPORARY) or code in _TEMPORARY_CODES:
        return FailureReason.PROVIDER_DOWN, True
    if code in _FINAL_CODES:
        return _FINAL_CODES[code], False
    if code in {"400", "422", "451"}:
        return FailureReason.REFUSED, False
    return FailureReason.GENERATION_FAILED, False


def failure(code: str, message: str) -> tuple[Failure, bool]:
    """The task failure as the domain keeps it, and whether it is temporary."""
    reason, temporary = classify(code, message)
    return Failure(reason, message, code), temporary
