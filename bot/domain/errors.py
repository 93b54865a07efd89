"""One error tree for the whole bot; the edges turn these into chat replies or HTTP statuses."""

from __future__ import annotations

from typing import Any


class BotError(Exception):
    """Root of every error the bot raises on purpose."""


class RequestRuleError(BotError):
    """A request breaks a rule; `rule` names it and `params` fill in the user's message."""

    def __init__(self, rule: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.rule = rule
        self.params = params


class ProviderError(BotError):
    """The provider refused or failed a call. `code` is its envelope code."""

    retryable = False

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


class ProviderAuthError(ProviderError):
    """401: the API key is missing or wrong; an operator must fix the configuration."""


class InsufficientCreditsError(ProviderError):
    """402: the account has run out of credits."""


class TaskNotFoundError(ProviderError):
    """404: the task is unknown (or not visible yet right after submission)."""


class ProviderRejectedError(ProviderError):
    """422, 451, 400: the request itself is wrong; `message` says why."""


class GenerationFailedError(ProviderError):
    """408, 501: the provider took the task and could not make the video."""


class FeatureDisabledError(ProviderError):
    """505: the provider has switched this feature off."""


class ProviderUnavailableError(ProviderError):
    """429, 455, 5xx, network: worth retrying later; raised once retries are spent."""

    retryable = True


class JobNotFoundError(BotError):
    """No job matches a task id, callback token or delivered message."""


class AccessDeniedError(BotError):
    """The user or chat is not on the allowlist."""


class QuotaExceededError(BotError):
    """A per-user budget is spent; `retry_at` says when it frees up (None: when a job ends)."""

    def __init__(self, limit: str, retry_at: Any = None) -> None:
        super().__init__(f"{limit} limit reached")
        self.limit = limit
        self.retry_at = retry_at


class RecipientGoneError(BotError):
    """Telegram refuses to deliver to this chat for good (blocked, kicked, deleted)."""
