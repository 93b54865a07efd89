"""What a Bot API call asks of the scheduler: its priority, its latest-wins key, its chat."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from telegram.error import NetworkError

from bot.outbound.budgets import ChatKey, chat_key

ACTION_ENDPOINT = "sendChatAction"
EDITS = frozenset(
    {"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia"}
)
# Calls that put a message in a chat (or change one) and count against its flood budget.
_MESSAGES = ("send", "editMessage", "copyMessage", "forwardMessage", "stopMessage", "stopPoll")


class Priority(enum.IntEnum):
    """Lower goes first."""

    DELIVERY = 0  # a finished video, photo or audio, or a failure notice
    REPLY = 1  # an answer to a command
    STATUS_NEW = 2  # a new status message
    STATUS_EDIT = 3  # an edit of a status message
    ACTION = 4  # a chat action ("sending video...")


@dataclass(frozen=True)
class Send:
    """`rate_limit_args` of every ExtBot method. `coalesce`: a newer waiting call with the same
    key replaces this one (edits default to one key per message). `drop_if`: asked just before
    the call would go out; true drops it (the caller gets Dropped). `check`: awaited once the
    call has its grant, as the last thing before it goes; false drops it the same way."""

    priority: Priority
    coalesce: Hashable | None = None
    drop_if: Callable[[], bool] | None = None
    check: Callable[[], Awaitable[bool]] | None = None


class OutboundSkipped(Exception):
    """A call the scheduler did not send, on purpose (not an error, hence no Error suffix)."""


class Superseded(OutboundSkipped):
    """A newer call with the same latest-wins key took this one's place."""


class Dropped(OutboundSkipped):
    """The call's `drop_if` said it was no longer wanted."""


class OutboundClosedError(NetworkError):
    """The scheduler is shut down (or not started): the call was not sent."""

    def __init__(self) -> None:
        super().__init__("the outbound scheduler is not running; the request was not sent")


class Kind(enum.Enum):
    MESSAGE = "message"  # waits for its chat's and the bot's budget
    ACTION = "action"  # goes only with budget to spare, else is dropped
    CALL = "call"  # anything else (getMe, answerCallbackQuery, ...): at once


@dataclass(frozen=True)
class Outgoing:
    """One Bot API call as the scheduler sees it."""

    endpoint: str
    kind: Kind
    chat: ChatKey | None
    priority: Priority
    coalesce: Hashable | None
    drop_if: Callable[[], bool] | None
    check: Callable[[], Awaitable[bool]] | None

    @classmethod
    def of(cls, endpoint: str, data: Mapping[str, Any], send: Send | None) -> Outgoing:
        kind = _kind(endpoint)
        chat = chat_key(data.get("chat_id"))
        priority = send.priority if send else _default_priority(endpoint, kind)
        key = send.coalesce if send else None
        coalesce = key if key is not None else _default_key(endpoint, chat, data)
        drop_if = send.drop_if if send else None
        check = send.check if send else None
        return cls(endpoint, kind, chat, priority, coalesce, drop_if, check)


def _kind(endpoint: str) -> Kind:
    if endpoint == ACTION_ENDPOINT:
        return Kind.ACTION
    return Kind.MESSAGE if endpoint.startswith(_MESSAGES) else Kind.CALL


def _default_priority(endpoint: str, kind: Kind) -> Priority:
    if kind is Kind.ACTION:
        return Priority.ACTION
    return Priority.STATUS_EDIT if endpoint.startswith("editMessage") else Priority.REPLY


def _default_key(endpoint: str, chat: ChatKey | None, data: Mapping[str, Any]) -> Hashable:
    """Edits of one message are latest-wins; so are chat actions in one chat and topic."""
    if endpoint in EDITS and data.get("inline_message_id"):
        return (endpoint, str(data["inline_message_id"]))
    if endpoint in EDITS and chat is not None and data.get("message_id") is not None:
        return (endpoint, chat, int(data["message_id"]))
    if endpoint == ACTION_ENDPOINT and chat is not None:
        return (endpoint, chat, data.get("message_thread_id"))
    return None
