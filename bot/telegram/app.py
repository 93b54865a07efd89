"""Build the PTB bot and Application: the outbound scheduler, timeouts, typed bot_data, handlers,
the error handler."""

from __future__ import annotations

import functools
import logging
import ssl
from typing import Any

import certifi
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    PreCheckoutQueryHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.domain.chat import ChatService
from bot.domain.payments import Payments
from bot.domain.service import JobService
from bot.outbound.budgets import Budgets
from bot.outbound.scheduler import OutboundScheduler
from bot.outbound.sending import Send
from bot.telegram import access, keyboards
from bot.telegram.cashier import TelegramCashier
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
    inline,
    jobs,
    photo,
    stars,
    tool_buttons,
    tools,
    video,
)
from bot.telegram.handlers import (
    settings as settings_handlers,
)

logger = logging.getLogger(__name__)

MEDIA_WRITE_TIMEOUT = 300.0  # 50 MB uploads on a slow link
IN_FLIGHT = 32  # calls the scheduler lets out at once...
CONNECTION_POOL = 48  # ...below the pool, so getMe or answerCallbackQuery always find a connection
CONCURRENT_UPDATES = 32  # a status edit waits for its slot; other chats must not wait with it

ChatApplication = Application[
    ExtBot[Send], ChatContext, dict[Any, Any], dict[Any, Any], BotData, Any
]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context per process for the Bot API clients: httpx would load the CA bundle
    again for each client (tens of milliseconds every time a bot is built)."""
    return ssl.create_default_context(cafile=certifi.where())


def bot_api_request(**options: Any) -> HTTPXRequest:
    """PTB's HTTPXRequest on the process's one TLS context; `options` are HTTPXRequest's."""
    return HTTPXRequest(httpx_kwargs={"verify": tls_context()}, **options)


def build_bot(settings: Settings, budgets: Budgets | None = None) -> ExtBot[Send]:
    """Every call but getUpdates goes through one OutboundScheduler; `budgets` lets several
    replicas share the flood budgets (default: this process's own)."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    request = bot_api_request(
        connection_pool_size=CONNECTION_POOL, media_write_timeout=MEDIA_WRITE_TIMEOUT
    )
    return ExtBot(
        token,
        base_url=f"{settings.telegram_api_url}/bot",
        base_file_url=f"{settings.telegram_api_url}/file/bot",
        request=request,
        get_updates_request=bot_api_request(read_timeout=30.0),
        rate_limiter=OutboundScheduler(budgets, max_in_flight=IN_FLIGHT),
        # Every answer replies to its request, and still goes out if the request was deleted.
        defaults=Defaults(do_quote=True, allow_sending_without_reply=True),
    )


def build_application(
    settings: Settings,
    bot: ExtBot[Send],
    service: JobService,
    chat: ChatService,
    payments: Payments | None = None,
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
    if payments is not None and isinstance(payments.cashier, TelegramCashier):
        application.bot_data.payments = payments
        application.bot_data.cashier = payments.cashier
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
    application.add_handler(TypeHandler(Update, access.gate), group=-1)
    aleph_caption = filters.CaptionRegex(r"^/aleph(@\w+)?\b")
    tool_caption = filters.CaptionRegex(tools.COMMAND_PATTERN)
    channel_tool = filters.UpdateType.CHANNEL_POST & (
        filters.Regex(tools.COMMAND_PATTERN) | tool_caption
    )
    application.add_handlers(
        [
            MessageHandler(filters.VIA_BOT, inline.posted_via_bot),
            InlineQueryHandler(inline.inline_query),
            _command(("video", "generate"), video.video),
            _command(tools.NAMES, tools.tool_command),
            MessageHandler(channel_tool, tools.tool_command),
            MessageHandler(tool_caption & filters.UpdateType.MESSAGE, tools.tool_command),
            _command("extend", extend.extend),
            _command("aleph", aleph.aleph),
            _command("settings", settings_handlers.settings),
            _command("status", jobs.status),
            _command("history", jobs.history),
            _command("cancel", jobs.cancel),
            _command(("help", "start"), help.help_command),
            _command("channel", channel.bind),
            _command("post", channel.post),
            _command("balance", stars.balance),
            _command("buy", stars.buy),
            _command("refund", stars.refund),
            PreCheckoutQueryHandler(stars.pre_checkout),
            MessageHandler(filters.SUCCESSFUL_PAYMENT, stars.successful_payment),
            _command("usage", admin.usage),
            MessageHandler(channel_video, channel.channel_video),
            MessageHandler(
                (filters.PHOTO | filters.Document.IMAGE) & aleph_caption & filters.REPLY,
                aleph.photo_as_reference,
            ),
            MessageHandler(filters.PHOTO | filters.Document.IMAGE, photo.photo),
            MessageHandler(filters.VIDEO | filters.Document.VIDEO, aleph.video_message),
            MessageHandler(filters.Document.ALL | filters.AUDIO, photo.unsupported),
            MessageHandler(text_reply, extend.reply),
            MessageHandler(private_text & filters.UpdateType.MESSAGE, video.plain_text),
            CallbackQueryHandler(buttons.job_button, pattern=keyboards.JOB_PATTERN),
            CallbackQueryHandler(tool_buttons.tool_button, pattern=keyboards.TOOL_PATTERN),
            CallbackQueryHandler(settings_handlers.button, pattern=settings_handlers.PATTERN),
            CallbackQueryHandler(jobs.history_button, pattern=jobs.HISTORY_PATTERN),
        ]
    )
