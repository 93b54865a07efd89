"""Build the PTB bot and Application: pacing, timeouts, typed bot_data, handlers, error handler."""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.domain.chat import ChatService
from bot.domain.service import JobService
from bot.telegram import keyboards
from bot.telegram.commands import register_commands
from bot.telegram.context import BotData, ChatContext, context_types
from bot.telegram.errors import on_error
from bot.telegram.handlers import (
    admin,
    aleph,
    buttons,
    channel,
    extend,
    help,
    jobs,
    photo,
    video,
)
from bot.telegram.handlers import (
    settings as settings_handlers,
)
from bot.telegram.ratelimit import ChatRateLimiter

logger = logging.getLogger(__name__)

MEDIA_WRITE_TIMEOUT = 300.0  # 50 MB uploads on a slow link
CONCURRENT_UPDATES = 32  # a status edit waits for its slot; other chats must not wait with it

ChatApplication = Application[
    ExtBot[int], ChatContext, dict[Any, Any], dict[Any, Any], BotData, Any
]


def build_bot(settings: Settings) -> ExtBot[int]:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    return ExtBot(
        token,
        base_url=f"{settings.telegram_api_url}/bot",
        base_file_url=f"{settings.telegram_api_url}/file/bot",
        request=HTTPXRequest(connection_pool_size=16, media_write_timeout=MEDIA_WRITE_TIMEOUT),
        get_updates_request=HTTPXRequest(read_timeout=30.0),
        rate_limiter=ChatRateLimiter(),
    )


def build_application(
    settings: Settings, bot: ExtBot[int], service: JobService, chat: ChatService
) -> ChatApplication:
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(context_types())
        .concurrent_updates(CONCURRENT_UPDATES)
        .application_class(CommandsApplication)
    )
    if settings.webhook_mode:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data.configure(settings, service, chat)
    add_handlers(application)
    application.add_error_handler(on_error)
    return application


class CommandsApplication(Application[Any, Any, Any, Any, Any, Any]):
    """Registers the command menus while initializing. PTB calls `post_init` only from
    run_polling/run_webhook; the bot runs its Application by hand (`async with application`),
    so `initialize` is the hook both ways of running share."""

    async def initialize(self) -> None:
        await super().initialize()
        try:
            await register_commands(self.bot)
        except TelegramError as exc:
            logger.warning("could not register the command menus: %s", exc)


def _command(names: str | tuple[str, ...], callback: Any) -> CommandHandler[ChatContext, None]:
    """Commands in new messages only: an edited /video must not make a second video."""
    return CommandHandler(names, callback, filters=filters.UpdateType.MESSAGE)


def add_handlers(application: ChatApplication) -> None:
    text_reply = filters.REPLY & filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    channel_video = filters.UpdateType.CHANNEL_POST & filters.Regex(r"^/(video|generate)\b")
    application.add_handlers(
        [
            _command(("video", "generate"), video.video),
            _command("extend", extend.extend),
            _command("aleph", aleph.aleph),
            _command("settings", settings_handlers.settings),
            _command("status", jobs.status),
            _command("history", jobs.history),
            _command("cancel", jobs.cancel),
            _command(("help", "start"), help.help_command),
            _command("channel", channel.bind),
            _command("post", channel.post),
            _command("balance", admin.balance),
            _command("usage", admin.usage),
            MessageHandler(channel_video, channel.channel_video),
            MessageHandler(filters.PHOTO | filters.Document.IMAGE, photo.photo),
            MessageHandler(filters.VIDEO | filters.Document.VIDEO, aleph.video_message),
            MessageHandler(filters.Document.ALL | filters.AUDIO, photo.unsupported),
            MessageHandler(text_reply, extend.reply),
            MessageHandler(private_text & filters.UpdateType.MESSAGE, video.plain_text),
            CallbackQueryHandler(buttons.job_button, pattern=keyboards.JOB_PATTERN),
            CallbackQueryHandler(settings_handlers.button, pattern=settings_handlers.PATTERN),
        ]
    )
