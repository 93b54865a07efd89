"""Knobs of the Telegram Bot API emulator."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class TelegramEmulatorConfig:
    """How the emulated Bot API behaves.

    ``private_chat_limit`` is ``(messages, seconds)``: the sustained rate per private chat, with
    ``private_chat_burst`` messages allowed back to back. Groups and channels get at most
    ``group_limit_per_minute`` in any ``group_window_seconds`` (Telegram: 60; shorter lets a
    test see a full window pass), and the whole bot at most ``global_limit_per_second`` in any
    second (flood.py).
    """

    bot_token: str = "1000:sandbox"  # noqa: S105 - the sandbox's own, not a real token
    bot_username: str = "runway_video_bot"
    bot_first_name: str = "Runway Video"
    private_chat_limit: tuple[int, float] = (1, 1.0)
    private_chat_burst: int = 3
    group_limit_per_minute: int = 20
    group_window_seconds: float = 60.0
    global_limit_per_second: int = 30
    flood_limits: bool = True
    # In plain groups where the bot is no admin it sees only commands, replies to it and
    # mentions of it, as Telegram's default privacy mode does.
    privacy_mode: bool = True
    # Files and webhooks by URL are fetched from loopback addresses only.
    loopback_only: bool = True
    webhook_retry_initial: float = 0.1
    webhook_retry_max: float = 2.0
    # Telegram Stars: each person's balance at first sight, and how long a payment waits for
    # answerPreCheckoutQuery (Telegram: 10 s).
    stars_balance: int = 500
    pre_checkout_timeout: float = 10.0
    # Inline mode as set with BotFather: /setinline (getMe's supports_inline_queries) and
    # /setinlinefeedback (chosen_inline_result updates).
    inline_queries: bool = True
    inline_feedback: bool = False
