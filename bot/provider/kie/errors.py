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
from bot.provider.kie.failures import classify

OK = 200
RATE_LIMITED = 429
MAINTENANCE = 455
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
    """One failed attempt that a later attempt may fix (429, 455, 5xx, network, timeout).
    `maybe_done`: the provider may have acted on the request anyway (a 5xx, a timeout or a
    dropped connection after sending); only 429, 455 and a refused connection say it did not."""

    def __init__(self, message: str, code: int = 0, *, maybe_done: bool = True) -> None:
        super().__init__(message, code)
        self.maybe_done = maybe_done


def is_retryable(code: int) -> bool:
    return code not in _ERRORS and (code in (429, 455) or code >= 500)


def error_for(code: int, message: str) -> ProviderError:
    """The error for a non-200 envelope code; the provider's message is kept as is, and read
    for what it means to the user."""
    if is_retryable(code):
        return RetryableError(message, code, maybe_done=code not in (429, 455))
    kind = _ERRORS.get(code, ProviderRejectedError)
    reason, _ = classify(str(code), message)
    return kind(message, code, reason if kind is ProviderRejectedError else None)
