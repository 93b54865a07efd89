"""Envelope codes to the domain's ProviderError tree, and which codes are worth retrying."""

from __future__ import annotations

from bot.domain.errors import (
    FeatureDisabledError,
    GenerationFailedError,
    InsufficientCreditsError,
    ProviderAuthError,
    ProviderError,
    ProviderRejectedError,
    ProviderUnavailableError,
    TaskNotFoundError,
)

OK = 200
NOT_JSON = 500  # a reply we cannot read counts as a server error

_ERRORS: dict[int, type[ProviderError]] = {
    400: ProviderRejectedError,
    401: ProviderAuthError,
    402: InsufficientCreditsError,
    404: TaskNotFoundError,
    408: GenerationFailedError,
    422: ProviderRejectedError,
    451: ProviderRejectedError,
    501: GenerationFailedError,
    505: FeatureDisabledError,
}


class RetryableError(ProviderUnavailableError):
    """One failed attempt that a later attempt may fix (429, 455, 5xx, network, timeout)."""


def is_retryable(code: int) -> bool:
    return code not in _ERRORS and (code in (429, 455) or code >= 500)


def error_for(code: int, message: str) -> ProviderError:
    """The error for a non-200 envelope code; the provider's message is kept as is."""
    if is_retryable(code):
        return RetryableError(message, code)
    kind = _ERRORS.get(code, ProviderRejectedError)
    return kind(message, code)
