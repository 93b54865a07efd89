"""The one place that wires concrete pieces together: store, provider, Telegram, web server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.domain.chat import ChatService
from bot.domain.policy import AccessPolicy, ServicePolicy, Timing
from bot.domain.service import JobService, keep_working
from bot.provider.client import RunwayClient
from bot.provider.pacing import GenerationPacer
from bot.telegram.app import build_application, build_bot
from bot.telegram.notifier import TelegramNotifier
from bot.web.app import create_web_app
from bot.web.keys import WebConfig
from storage.sqlite import SqliteJobStore

logger = logging.getLogger(__name__)

HTTP_TIMEOUT = aiohttp.ClientTimeout(total=None, connect=15, sock_read=120)


@dataclass(frozen=True, slots=True)
class RunningBot:
    settings: Settings
    service: JobService
    chat: ChatService
    application: Application[Any, Any, Any, Any, Any, Any]
    store: SqliteJobStore
    web_url: str


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[RunningBot]:
    """Start everything; on exit stop it all in reverse order of starting."""
    async with AsyncExitStack() as stack:
        session = await stack.enter_async_context(aiohttp.ClientSession(timeout=HTTP_TIMEOUT))
        store = await stack.enter_async_context(SqliteJobStore.open(settings.database_path))
        bot = build_bot(settings)
        service = JobService(
            store,
            create_provider(settings, session),
            TelegramNotifier(bot, session),
            _policy(settings),
        )
        chat = ChatService(service)
        application = build_application(settings, bot, service, chat)
        await stack.enter_async_context(application)
        await application.start()
        stack.push_async_callback(application.stop)
        stack.push_async_callback(service.background.drain, 10.0)
        web_url = await _serve_http(stack, settings, service, application)
        await _receive_updates(stack, settings, application)
        await service.recover()
        _keep_working(stack, service, settings)
        logger.info("bot is running; HTTP server at %s", web_url)
        yield RunningBot(settings, service, chat, application, store, web_url)


def create_provider(settings: Settings, session: aiohttp.ClientSession) -> RunwayClient:
    return RunwayClient(
        session,
        api_url=settings.runway_api_url,
        upload_url=settings.runway_upload_url,
        api_key=settings.runway_api_key or SecretStr(""),
        pacer=GenerationPacer(),
    )


def _policy(settings: Settings) -> ServicePolicy:
    return ServicePolicy(
        callback_base_url=settings.public_url,
        timing=Timing(
            poll_interval=settings.poll_interval_seconds,
            job_timeout=settings.job_timeout_seconds,
        ),
        access=AccessPolicy(
            allowed_user_ids=settings.allowed_user_ids,
            allowed_chat_ids=settings.allowed_chat_ids,
            admin_user_ids=settings.admin_user_ids,
            daily_jobs_per_user=settings.daily_jobs_per_user,
            active_jobs_per_user=settings.active_jobs_per_user,
        ),
    )


async def _serve_http(
    stack: AsyncExitStack,
    settings: Settings,
    service: JobService,
    application: Application[Any, Any, Any, Any, Any, Any],
) -> str:
    async def queue_update(payload: dict[str, Any]) -> None:
        update = Update.de_json(payload, application.bot)
        await application.update_queue.put(update)

    config = WebConfig(
        callback_hmac_key=settings.runway_webhook_hmac_key.get_secret_value(),
        telegram_secret=settings.telegram_webhook_secret.get_secret_value(),
    )
    app = create_web_app(service, config, queue_update if settings.webhook_mode else None)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    return f"http://{settings.http_host}:{settings.http_port}"


async def _receive_updates(
    stack: AsyncExitStack,
    settings: Settings,
    application: Application[Any, Any, Any, Any, Any, Any],
) -> None:
    bot = application.bot
    if settings.webhook_mode:
        await bot.set_webhook(
            f"{settings.public_url}/telegram",
            secret_token=settings.telegram_webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
        return
    updater = application.updater
    if updater is None:
        raise RuntimeError("long polling needs the application's updater")
    await bot.delete_webhook()
    await updater.start_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=10)
    stack.push_async_callback(updater.stop)


def _keep_working(stack: AsyncExitStack, service: JobService, settings: Settings) -> None:
    tick = min(1.0, settings.poll_interval_seconds / 2)
    sweep_every = service.policy.timing.sweep_interval
    worker = asyncio.create_task(keep_working(service, tick, sweep_every), name="poller")

    async def stop() -> None:
        worker.cancel()
        with suppress(asyncio.CancelledError):
            await worker

    stack.push_async_callback(stop)


async def serve_forever(settings: Settings) -> None:
    """Run the bot until cancelled."""
    async with running_bot(settings):
        await asyncio.Event().wait()
