"""An offline Telegram Bot API emulator with a web chat (see control.py for its control API)."""

from sandbox.telegram.app import create_telegram_app
from sandbox.telegram.client import SandboxClient, SandboxError
from sandbox.telegram.config import TelegramEmulatorConfig
from sandbox.telegram.keys import TELEGRAM_STATE
from sandbox.telegram.server import RunningTelegram, serve_telegram
from sandbox.telegram.state import TelegramState
from sandbox.telegram.summaries import (
    Duplicate,
    FaultInfo,
    InlineAnswerInfo,
    InlineQueryInfo,
    PaymentOutcome,
    Posted,
    StatsSummary,
    TimelineEntry,
)
from sandbox.telegram.world import (
    ANNA_ID,
    BEN_ID,
    CHANNEL_ID,
    FORUM_ID,
    GROUP_ID,
    PRIVATE_CHAT_ID,
    YOU_ID,
)

__all__ = [
    "ANNA_ID",
    "BEN_ID",
    "CHANNEL_ID",
    "FORUM_ID",
    "GROUP_ID",
    "PRIVATE_CHAT_ID",
    "TELEGRAM_STATE",
    "YOU_ID",
    "Duplicate",
    "FaultInfo",
    "InlineAnswerInfo",
    "InlineQueryInfo",
    "PaymentOutcome",
    "Posted",
    "RunningTelegram",
    "SandboxClient",
    "SandboxError",
    "StatsSummary",
    "TelegramEmulatorConfig",
    "TelegramState",
    "TimelineEntry",
    "create_telegram_app",
    "serve_telegram",
]
