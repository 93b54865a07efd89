"""The Notifier port on Telegram: status messages, delivered videos and failure reports."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import aiohttp
from telegram import Bot, InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError

from bot.domain.models import Delivery, Job, Origin
from bot.telegram.calls import call, is_not_modified
from bot.telegram.downloads import MB, TooLargeError, download, remote_size
from bot.telegram.i18n import text
from bot.telegram.keyboards import video_keyboard
from bot.telegram.pacing import ChatPacer, Coalescer
from bot.telegram.render import caption, status_text

logger = logging.getLogger(__name__)

URL_LIMIT = 20 * MB  # Telegram fetches videos by URL up to 20 MB
UPLOAD_LIMIT = 50 * MB  # and takes uploads up to 50 MB
ACTION_EVERY = 4.5  # a chat action shows for about 5 s


def _now() -> datetime:
    return datetime.now(UTC)


def reply_to(origin: Origin) -> ReplyParameters | None:
    if origin.request_message_id is None:
        return None
    return ReplyParameters(origin.request_message_id, allow_sending_without_reply=True)


def _open_for_reading(path: Path) -> BinaryIO:
    return path.open("rb")


class TelegramNotifier:
    """Implements bot.domain.ports.Notifier with a PTB Bot; `session` fetches provider videos."""

    def __init__(
        self,
        bot: Bot,
        session: aiohttp.ClientSession,
        *,
        pacer: ChatPacer | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.bot = bot
        self.session = session
        self.pacer = pacer or ChatPacer()
        self.clock = clock
        self._edits: Coalescer[Job] = Coalescer(self._edit_slot, self._edit)
        self._shown: dict[tuple[int, int], str] = {}

    # -- status -----------------------------------------------------------------------------

    async def show_status(self, job: Job) -> int | None:
        if job.status_message_id is None:
            message = await self.send_text(job.origin, status_text(job, self.clock()))
            self._shown[job.origin.chat_id, message.message_id] = message.text or ""
            return message.message_id
        await self._edits.push((job.origin.chat_id, job.status_message_id), job)
        return None

    async def report_failure(self, job: Job) -> None:
        if job.status_message_id is None:
            await self.send_text(job.origin, status_text(job, self.clock()))
            return
        await self._edits.push((job.origin.chat_id, job.status_message_id), job)

    async def _edit_slot(self, job: Job) -> None:
        await self.pacer.wait(job.origin.chat_id)

    async def _edit(self, job: Job) -> None:
        assert job.status_message_id is not None
        key = (job.origin.chat_id, job.status_message_id)
        body = status_text(job, self.clock())
        if self._shown.get(key) == body:
            return
        try:
            await call(
                lambda: self.bot.edit_message_text(body, job.origin.chat_id, job.status_message_id)
            )
        except BadRequest as exc:
            if not is_not_modified(exc):
                raise
        if job.active:
            self._shown[key] = body
        else:  # its last edit: forget it, so the map does not grow with every job ever made
            self._shown.pop(key, None)

    async def send_text(
        self, origin: Origin, body: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message:
        """A paced text reply to the request, in its chat and topic."""
        self.pacer.note(origin.chat_id)
        return await call(
            lambda: self.bot.send_message(
                origin.chat_id,
                body,
                message_thread_id=origin.thread_id,
                reply_parameters=reply_to(origin),
                reply_markup=markup,
            )
        )

    # -- delivery -----------------------------------------------------------------------------

    async def deliver(self, job: Job) -> Delivery:
        assert job.video_url is not None
        async with self.uploading(job.origin):
            message = await self._send_video(job, job.video_url)
        file_id = message.video.file_id if message.video else None
        return Delivery(job.origin.chat_id, message.message_id, file_id)

    async def _send_video(self, job: Job, url: str) -> Message:
        size = await remote_size(self.session, url)
        if size is not None and size <= URL_LIMIT:
            try:
                return await self.send_video(job.origin, url, caption(job), video_keyboard(job))
            except BadRequest as exc:
                logger.info("job %s: Telegram refused the URL (%s); uploading", job.id, exc)
        return await self._upload(job, url)

    async def _upload(self, job: Job, url: str) -> Message:
        with tempfile.TemporaryDirectory(prefix="delivery-") as tmp:
            path = Path(tmp) / f"job-{job.id}.mp4"
            try:
                await download(self.session, url, path, UPLOAD_LIMIT)
            except TooLargeError as exc:
                note = text(
                    job.origin.language,
                    "delivery.too_big",
                    size_mb=round(exc.size / MB),
                    url=url,
                )
                return await self.send_text(job.origin, note, video_keyboard(job))
            return await self.send_video_file(job.origin, path, caption(job), video_keyboard(job))

    async def send_video_file(
        self, origin: Origin, path: Path, body: str, markup: InlineKeyboardMarkup | None
    ) -> Message:
        """Upload a local video, streaming it from disk (memory stays flat up to 50 MB)."""
        with _open_for_reading(path) as handle:
            upload = InputFile(handle, filename=path.name, read_file_handle=False)
            return await self.send_video(origin, upload, body, markup)

    async def send_video(
        self,
        origin: Origin,
        video: str | InputFile,
        body: str,
        markup: InlineKeyboardMarkup | None,
    ) -> Message:
        """A paced video reply to the request, by URL, file_id or upload."""
        self.pacer.note(origin.chat_id)
        return await call(
            lambda: self.bot.send_video(
                origin.chat_id,
                video,
                caption=body,
                supports_streaming=True,
                message_thread_id=origin.thread_id,
                reply_parameters=reply_to(origin),
                reply_markup=markup,
            )
        )

    @asynccontextmanager
    async def uploading(self, origin: Origin) -> AsyncIterator[None]:
        """Show "sending video" in the chat until the block ends."""
        task = asyncio.create_task(self._keep_uploading(origin))
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _keep_uploading(self, origin: Origin) -> None:
        while True:
            try:
                await self.bot.send_chat_action(
                    origin.chat_id, ChatAction.UPLOAD_VIDEO, message_thread_id=origin.thread_id
                )
            except TelegramError as exc:
                logger.info("chat action refused: %s", exc)
                return
            await asyncio.sleep(ACTION_EVERY)
