"""The provider and the notifier as the alerts see them: each call passes through unchanged,
and what it answered is observed (bot/domain/alerts.py). Plus the probe that asks for the
credits now and then, so a low balance or an outage shows between jobs too."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.domain.alerts import Alerts, Call
from bot.domain.errors import ProviderError, RecipientGoneError
from bot.domain.models import Delivery, GenerationRequest, Job, JobKind, MediaFile
from bot.domain.ports import Notifier, VideoProvider
from bot.domain.updates import TaskUpdate

if TYPE_CHECKING:
    from bot.domain.service import Place

logger = logging.getLogger(__name__)

T = TypeVar("T")


class WatchedProvider:
    """A VideoProvider whose answers feed the alerts."""

    def __init__(self, provider: VideoProvider, alerts: Alerts) -> None:
        self.provider = provider
        self.alerts = alerts

    async def upload(self, media: MediaFile) -> str:
        return await self._watch(Call.READ, self.provider.upload(media))

    async def submit(
        self,
        request: GenerationRequest,
        callback_url: str | None,
        on_send: Callable[[], Awaitable[None]] | None = None,
    ) -> str:
        return await self._watch(Call.SUBMIT, self.provider.submit(request, callback_url, on_send))

    def wait_before(self, ahead: int) -> float:
        return self.provider.wait_before(ahead)

    async def fetch(self, kind: JobKind, task_id: str) -> TaskUpdate:
        return await self._watch(Call.READ, self.provider.fetch(kind, task_id))

    async def credits(self) -> int:
        credits = await self._watch(Call.READ, self.provider.credits())
        self.alerts.credits_seen(credits)
        return credits

    async def _watch(self, call: Call, work: Awaitable[T]) -> T:
        try:
            result = await work
        except ProviderError as exc:
            self.alerts.provider_failed(call, exc)
            raise
        self.alerts.provider_answered(call)
        return result


class WatchedNotifier:
    """A Notifier whose deliveries feed the alerts. A chat that refuses us for good is that
    chat's matter, not a failing delivery."""

    def __init__(self, notifier: Notifier, alerts: Alerts) -> None:
        self.notifier = notifier
        self.alerts = alerts

    async def show_status(self, job: Job, place: Place | None = None) -> int | None:
        return await self.notifier.show_status(job, place)

    async def report_failure(self, job: Job) -> None:
        await self.notifier.report_failure(job)

    async def deliver(self, job: Job, file: Path | None = None) -> Delivery:
        try:
            delivery = await self.notifier.deliver(job, file)
        except RecipientGoneError:
            raise
        except Exception as exc:
            self.alerts.delivery_failed(f"{type(exc).__name__}: {exc}")
            raise
        self.alerts.delivered()
        return delivery


async def probe_credits(provider: VideoProvider, every: float) -> None:
    """Ask for the credits now and every `every` seconds, until cancelled; the answer (or the
    refusal) is observed by the WatchedProvider it is given."""
    while True:
        try:
            await provider.credits()
        except ProviderError:
            pass  # observed already
        except Exception:
            logger.exception("the credit probe failed")
        await asyncio.sleep(every)
