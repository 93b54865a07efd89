"""The one place that wires concrete pieces together: store, provider, Telegram, web server."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import SecretStr
from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.config import Settings
from bot.domain.alerts import AlertPolicy, Alerts
from bot.domain.chat import ChatService
from bot.domain.engines import Engines, resolve_tools
from bot.domain.line import Sender, SubmissionLine, send_to_kie
from bot.domain.models import Engine, Job
from bot.domain.payments import Payments
from bot.domain.policy import AccessPolicy, Prices, ServicePolicy, Timing
from bot.domain.ports import JobStore, MediaPublisher, MediaSource, Notifier, VideoProvider
from bot.domain.service import JobService
from bot.domain.timers import Resend, Timers
from bot.domain.tools import MediaTools
from bot.domain.toolwork import ProviderUpload, ToolWork
from bot.domain.watched import WatchedNotifier, WatchedProvider, probe_credits
from bot.media.fetching import ResultFetcher, result_policy
from bot.media.fitting import MediaFitter
from bot.media.stitch import FfmpegJoiner
from bot.media.tools import LocalTools
from bot.outbound.admin_alerts import TelegramAdminChannel
from bot.outbound.notifier import TelegramNotifier
from bot.provider.kie.client import RetryPolicy, RunwayClient
from bot.provider.kie.pacing import GenerationPacer
from bot.provider.runway_ai.client import RunwayAiClient
from bot.provider.runway_ai.tools import RunwayAiTools
from bot.replicas.lease import PollerLease
from bot.replicas.setup import open_replica, poller_lease
from bot.telegram.app import build_application, build_bot
from bot.telegram.cashier import TelegramCashier
from bot.telegram.media import TelegramMedia
from bot.web.app import create_web_app
from bot.web.health import ReplicaHealth
from bot.web.keys import UpdateSink, WebConfig
from bot.web.media import MediaRoute
from bot.web.media_cache import MediaCache
from bot.web.media_links import MediaLinks, derive_key
from storage.backends import ledger_of, open_store

logger = logging.getLogger(__name__)

HTTP_TIMEOUT = aiohttp.ClientTimeout(total=None, connect=15, sock_read=120)
KIE_IN_FLIGHT = 4  # submissions out at once; the client's pacer keeps the provider's rate
RUNWAY_AI_IN_FLIGHT = 4  # synchronous calls out at once: each holds a connection for its render
LOCAL_IN_FLIGHT = 2  # ffmpeg processes at once (LocalTools keeps the same bound)


@dataclass(frozen=True, slots=True)
class RunningBot:
    settings: Settings
    service: JobService
    chat: ChatService
    store: JobStore
    web_url: str
    timers: Timers
    telegram: Application[Any, Any, Any, Any, Any, Any] | None
    toolwork: ToolWork | None = None
    alerts: Alerts | None = None  # with admins to tell and Telegram to tell them on

    @property
    def application(self) -> Application[Any, Any, Any, Any, Any, Any]:
        assert self.telegram is not None, "this bot runs without Telegram"
        return self.telegram


@asynccontextmanager
async def running_bot(
    settings: Settings,
    *,
    notifier: Notifier | None = None,
    timing: Timing | None = None,
    web: WebConfig | None = None,
    update_sink: UpdateSink | None = None,
) -> AsyncIterator[RunningBot]:
    """Start everything; on exit stop it all in reverse order of starting. `python -m bot run`,
    the demo and the tests all start the bot here. With `notifier` given the bot runs without
    Telegram, everything it would say going to that notifier (the core tests' seam); `timing`
    replaces the timers' defaults (tests make them fast); `web` the HTTP server's limits, and
    `update_sink` takes webhook updates in place of Telegram's Application."""
    async with AsyncExitStack() as stack:
        session = await stack.enter_async_context(aiohttp.ClientSession(timeout=HTTP_TIMEOUT))
        store = await stack.enter_async_context(open_store(settings))
        replica = await stack.enter_async_context(open_replica(settings))
        bot = None
        if notifier is None:
            bot = build_bot(settings, replica.budgets if replica else None)
            fetcher = await stack.enter_async_context(ResultFetcher.open(result_policy(settings)))
            notifier = TelegramNotifier(bot, fetcher)
        policy = policy_of(settings)
        if timing is not None:
            policy = replace(policy, timing=timing)
        provider: VideoProvider = create_provider(settings, session)
        alerts = channel = None
        if bot is not None and settings.admin_user_ids:
            channel = TelegramAdminChannel(bot, settings.admin_user_ids)
            alerts = Alerts(channel, alert_policy(settings, policy.timing))
            provider = WatchedProvider(provider, alerts)
        media = TelegramMedia(bot) if bot is not None else None
        route = media_route(settings, media)
        publisher: MediaPublisher | None = route.links if route else None
        if publisher is None and settings.kie_enabled:
            publisher = ProviderUpload(provider)
        service = JobService(
            store,
            provider,
            WatchedNotifier(notifier, alerts) if alerts else notifier,
            policy,
            fitter=MediaFitter(),
            engines=engines_of(settings),
        )
        if isinstance(notifier, TelegramNotifier):
            notifier.board_rows = service.board_rows
        chat = ChatService(service, media=media, joiner=FfmpegJoiner())
        application = None
        if bot is not None:
            payments = Payments(service, ledger_of(store), TelegramCashier(bot))
            service.payments = payments
            application = build_application(settings, bot, service, chat, payments)
            await stack.enter_async_context(application)
            await application.start()
            stack.push_async_callback(application.stop)
            if alerts is not None and channel is not None:
                application.add_handler(TypeHandler(Update, channel.remember), group=-2)
                _watch_provider(stack, settings, provider, alerts, policy.timing)
        stack.push_async_callback(service.background.drain, settings.drain_seconds)
        work = ToolWork(
            service,
            create_tools(settings, session),
            data_dir(settings) / "tool-results",
            media=media,
            publisher=publisher,
        )
        await work.restore()
        hooks: dict[Engine, Resend] = {
            Engine.RUNWAY_AI: work.redo_lost,
            Engine.LOCAL: work.redo_lost,
        }
        timers = Timers(service, redo_lost=hooks, on_succeeded={Engine.LOCAL: work.follow_up})
        lease = None
        if application is not None and settings.database_url and not settings.webhook_mode:
            lease = poller_lease(settings, application)
        health = replica_health(settings, timers, application, lease)
        web_url = await _serve_http(
            stack, settings, service, application, web, update_sink, route, health
        )
        if application is not None:
            await _receive_updates(stack, settings, application, lease)
        _run_workers(stack, service, timers, work)
        if service.payments is not None:
            service.background.spawn(service.payments.sweep(), name="refund-sweep")
        logger.info("bot is running; HTTP server at %s", web_url)
        yield RunningBot(settings, service, chat, store, web_url, timers, application, work, alerts)


def replica_health(
    settings: Settings,
    timers: Timers,
    application: Application[Any, Any, Any, Any, Any, Any] | None,
    lease: PollerLease | None,
) -> ReplicaHealth:
    """What /healthz says of this process: its backend, start-up recovery, and whether it
    polls Telegram now (on SQLite the one process polls whenever it runs in polling mode)."""
    polls = application is not None and not settings.webhook_mode

    def polling() -> bool:
        return lease.held if lease is not None else polls

    return ReplicaHealth("postgres" if settings.database_url else "sqlite", timers.ready, polling)


def create_provider(settings: Settings, session: aiohttp.ClientSession) -> RunwayClient:
    return RunwayClient(
        session,
        api_url=settings.runway_api_url,
        upload_url=settings.runway_upload_url,
        api_key=settings.runway_api_key or SecretStr(""),
        pacer=GenerationPacer(limit=settings.runway_rate_limit),
        retry=RetryPolicy(),
        timeout=settings.runway_timeout_seconds,
    )


def alert_policy(settings: Settings, timing: Timing) -> AlertPolicy:
    return AlertPolicy(
        low_credits=settings.low_credits_alert,
        down_after=timing.provider_down_alert,
        repeat_after=timing.alert_repeat,
    )


def _watch_provider(
    stack: AsyncExitStack,
    settings: Settings,
    provider: VideoProvider,
    alerts: Alerts,
    timing: Timing,
) -> None:
    """The credit probe (kie.ai only: the other engine has no balance to ask), stopped and its
    last alerts sent before Telegram stops."""
    stack.push_async_callback(alerts.background.drain, settings.drain_seconds)
    if not settings.kie_enabled:
        return
    probe = asyncio.create_task(probe_credits(provider, timing.alert_probe), name="credit-probe")

    async def stop() -> None:
        probe.cancel()
        with suppress(asyncio.CancelledError):
            await probe

    stack.push_async_callback(stop)


def create_tools(settings: Settings, session: aiohttp.ClientSession) -> dict[Engine, MediaTools]:
    """The media tools of each synchronous engine: the bundled ffmpeg always, the Runway AI API
    when its key is set."""
    tools: dict[Engine, MediaTools] = {Engine.LOCAL: LocalTools()}
    if settings.runway_ai_enabled:
        client = RunwayAiClient(
            session, api_url=settings.runway_ai_api_url, api_key=settings.runway_ai_api_key
        )
        tools[Engine.RUNWAY_AI] = RunwayAiTools(client)
    return tools


def engines_of(settings: Settings) -> Engines:
    runway_ai = settings.runway_ai_enabled
    if settings.media_tools == "provider" and not runway_ai:
        logger.warning("MEDIA_TOOLS=provider, but RUNWAY_AI_API_KEY is empty: the local tools edit")
    return Engines(
        video=Engine(settings.video_engine),
        tools=resolve_tools(settings.media_tools, runway_ai),
        runway_ai=runway_ai,
        kie=settings.kie_enabled,
    )


def data_dir(settings: Settings) -> Path:
    """Where the bot keeps files besides its database: next to the SQLite file."""
    return Path(settings.database_path).parent


def media_route(settings: Settings, media: MediaSource | None) -> MediaRoute | None:
    """GET /media/{token} for the Runway AI API's inputs: with PUBLIC_URL set, the key set and
    Telegram to fetch the files from; the links' key comes from the bot's token."""
    token = settings.telegram_bot_token
    if not (settings.public_url and settings.runway_ai_enabled and media and token):
        return None
    cache = MediaCache(data_dir(settings) / "media-cache", media)
    links = MediaLinks(derive_key(token.get_secret_value()), settings.public_url, cache)
    return MediaRoute(links, cache)


def policy_of(settings: Settings) -> ServicePolicy:
    return ServicePolicy(
        callback_base_url=settings.public_url,
        timing=Timing(
            poll_interval=settings.poll_interval_seconds,
            job_timeout=settings.job_timeout_seconds,
            tick=min(1.0, settings.poll_interval_seconds / 2),
            claim_ttl=settings.claim_seconds,
        ),
        access=AccessPolicy(
            allowed_user_ids=settings.allowed_user_ids,
            allowed_chat_ids=settings.allowed_chat_ids,
            admin_user_ids=settings.admin_user_ids,
            daily_jobs_per_user=settings.daily_jobs_per_user,
            active_jobs_per_user=settings.active_jobs_per_user,
        ),
        prices=Prices(stars_per_credit=settings.stars_per_credit),
    )


async def _serve_http(
    stack: AsyncExitStack,
    settings: Settings,
    service: JobService,
    application: Application[Any, Any, Any, Any, Any, Any] | None,
    web_config: WebConfig | None = None,
    sink: UpdateSink | None = None,
    media: MediaRoute | None = None,
    health: ReplicaHealth | None = None,
) -> str:
    async def queue_update(payload: dict[str, Any]) -> None:
        assert application is not None
        update = Update.de_json(payload, application.bot)
        check_ids(update)
        await application.update_queue.put(update)

    config = web_config or WebConfig(
        callback_hmac_key=settings.runway_webhook_hmac_key.get_secret_value(),
        telegram_secret=settings.telegram_webhook_secret.get_secret_value(),
    )
    if sink is None and settings.webhook_mode and application is not None:
        sink = queue_update
    app = create_web_app(service, config, sink, media, health)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    stack.push_async_callback(runner.cleanup)
    site = web.TCPSite(runner, settings.http_host, settings.http_port)
    await site.start()
    return f"http://{settings.http_host}:{settings.http_port}"


def check_ids(update: Update) -> None:
    """PTB does not check the types inside an update; a chat id of "x" would reach the store.
    Refuse (ValueError: the webhook answers 400) an update whose ids are not integers."""
    message = update.effective_message
    ids = [
        update.effective_chat.id if update.effective_chat else 0,
        update.effective_user.id if update.effective_user else 0,
        message.message_id if message else 0,
    ]
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in ids):
        raise ValueError("an update with ids that are not integers")


async def _receive_updates(
    stack: AsyncExitStack,
    settings: Settings,
    application: Application[Any, Any, Any, Any, Any, Any],
    lease: PollerLease | None = None,
) -> None:
    bot = application.bot
    if lease is not None:  # replicas: polling only under the lease
        task = asyncio.create_task(lease.run(), name="poller-lease")

        async def stop() -> None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

        stack.push_async_callback(stop)
        return
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


def _run_workers(
    stack: AsyncExitStack, service: JobService, timers: Timers, work: ToolWork
) -> None:
    """The line before each engine and the timers that own every open job."""

    async def send_kie(job: Job) -> None:
        await send_to_kie(service, job)

    senders: dict[Engine, tuple[Sender, int]] = {
        Engine.KIE: (send_kie, KIE_IN_FLIGHT),
        Engine.LOCAL: (work.send, LOCAL_IN_FLIGHT),
    }
    if Engine.RUNWAY_AI in work.tools:
        senders[Engine.RUNWAY_AI] = (work.send, RUNWAY_AI_IN_FLIGHT)
    line = SubmissionLine(service, senders)
    workers = [
        asyncio.create_task(line.run(), name="line"),
        asyncio.create_task(timers.run(), name="timers"),
        asyncio.create_task(work.keep_tidy(), name="tool-results"),
    ]

    async def stop() -> None:
        for worker in workers:
            worker.cancel()
        for worker in workers:
            with suppress(asyncio.CancelledError):
                await worker
        await timers.drain()

    stack.push_async_callback(stop)


# Objects allocated, less those freed, before the youngest generation is collected (CPython:
# 700). Every pending delivery keeps a task and its job alive; a burst of thousands, waiting
# their turn at Telegram's 30/s, made the collector walk them all several times a second and
# stop the event loop for 75-195 ms each time (bench.callbacks, SQLite paced: p99 132 ms;
# 42-45 ms with this in two runs of three).
GC_YOUNG_THRESHOLD = 50_000


def settle_collector() -> None:
    """For a long-running bot process, once started: what start-up allocated (modules, the
    application) is kept out of every later collection, and collections run less often."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


async def serve_forever(settings: Settings) -> None:
    """Run the bot until cancelled."""
    async with running_bot(settings):
        settle_collector()
        await asyncio.Event().wait()
