"""One error tree for the whole bot; the edges turn these into chat replies or HTTP statuses."""

from __future__ import annotations

from typing import Any

from bot.domain.models import FailureReason


class BotError(Exception):
    """Root of every error the bot raises on purpose."""


class UserError(BotError):
    """A request refused before it costs anything. `key` names the catalog text that says what
    was wrong and what is valid; `params` fill it in. The chat edge turns it into one reply."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class RequestRuleError(UserError):
    """A request breaks one of the provider's rules; `rule` names it (catalog key rule.<rule>)."""

    def __init__(self, rule: str, message: str, **params: Any) -> None:
        super().__init__(f"rule.{rule}", **params)
        self.rule = rule
        self.message = message

    def __str__(self) -> str:
        return self.message


class ProviderError(BotError):
    """The provider refused or failed a call. `code` is its envelope code; `reason` says what
    it means for the user (the provider layer reads it from the code and the message)."""

    retryable = False
    default_reason = FailureReason.REFUSED

    def __init__(self, message: str, code: int = 0, reason: FailureReason | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason or self.default_reason


class ProviderAuthError(ProviderError):
    """401: the API key is missing or wrong; an operator must fix the configuration."""

    default_reason = FailureReason.MISCONFIGURED


class InsufficientCreditsError(ProviderError):
    """402: the account has run out of credits."""

    default_reason = FailureReason.NO_CREDITS


class TaskNotFoundError(ProviderError):
    """404: the task is unknown (or not visible yet right after submission)."""


class ProviderRejectedError(ProviderError):
    """422, 451, 400: the request itself is wrong; `message` says why."""


class GenerationFailedError(ProviderError):
    """408, 501: the provider took the task and could not make the video."""

    default_reason = FailureReason.GENERATION_FAILED


class FeatureDisabledError(ProviderError):
    """505: the provider has switched this feature off."""

    default_reason = FailureReason.MISCONFIGURED


class ProviderUnavailableError(ProviderError):
    """429, 455, 5xx, network: worth retrying later; raised once retries are spent."""

    retryable = True
    default_reason = FailureReason.PROVIDER_DOWN


class OutcomeUnknownError(ProviderUnavailableError):
    """The request may have reached the provider and done its work (a timeout, a dropped
    connection or a 5xx after sending): repeating it could do the work, and charge for it, twice.
    Never retried; the job waits for its callback or gives up."""

    retryable = False
    default_reason = FailureReason.UNCONFIRMED


class NotSentError(BotError):
    """A request was not sent after all: its job was cancelled (or taken over) while it waited
    for the provider's rate limit. Nothing reached the provider."""


class JobNotFoundError(BotError):
    """No job matches a task id, callback token or delivered message."""


class AccessDeniedError(UserError):
    """The user or chat is not on the allowlist."""

    def __init__(self, message: str = "not on the allowlist") -> None:
        super().__init__("access.denied")
        self.message = message


class QuotaExceededError(UserError):
    """A per-user budget is spent; `retry_at` says when it frees up (None: when a job ends)."""

    def __init__(self, limit: str, retry_at: Any = None, *, count: int = 0) -> None:
        params = {"count": count} if retry_at is None else {"count": count, "retry_at": retry_at}
        super().__init__(f"quota.{limit}", **params)
        self.limit = limit
        self.retry_at = retry_at


class ResultUnavailableError(BotError):
    """The result cannot be fetched from where the provider says it is (an address the bot
    never fetches from, or a file that is gone): trying again will not help."""


class ClaimLostError(BotError):
    """This worker's claim on a job ran out before its result went (the worker stalled past
    it): another may hold the job now, so this one sends nothing."""


class RecipientGoneError(BotError):
    """Telegram refuses to deliver to this chat for good (blocked, kicked, deleted)."""
