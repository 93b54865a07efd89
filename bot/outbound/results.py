"""Sending a finished result into its chat: a video, a photo, a sound track or text, as a reply
to the request in its topic. Videos go by URL when Telegram can fetch them (up to 20 MB),
otherwise downloaded from the provider's host and uploaded (up to 50 MB), otherwise as a link.

Nothing here retries: a timeout is the notifier's to judge, since Telegram may have the result
already."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO

from telegram import InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot

from bot.domain.claims import CLAIM_CHECK
from bot.domain.models import Job, Origin, ResultKind
from bot.media.downloads import MB, TooLargeError, download, remote_size
from bot.media.fetching import ResultFetcher
from bot.outbound.calls import call
from bot.outbound.sending import Priority, Send
from bot.telegram.i18n import text
from bot.telegram.keyboards import result_keyboard
from bot.telegram.render import caption, result_text

logger = logging.getLogger(__name__)

URL_LIMITS = {ResultKind.VIDEO: 20 * MB, ResultKind.AUDIO: 20 * MB, ResultKind.PHOTO: 5 * MB}
UPLOAD_LIMITS = {ResultKind.VIDEO: 50 * MB, ResultKind.AUDIO: 50 * MB, ResultKind.PHOTO: 10 * MB}
SUFFIXES = {ResultKind.VIDEO: ".mp4", ResultKind.AUDIO: ".mp3", ResultKind.PHOTO: ".jpg"}
ACTIONS = {
    ResultKind.VIDEO: ChatAction.UPLOAD_VIDEO,
    ResultKind.AUDIO: ChatAction.UPLOAD_VOICE,
    ResultKind.PHOTO: ChatAction.UPLOAD_PHOTO,
}
# Telegram answers a send only once it has fetched the URL (up to 20 MB) or taken in the upload
# (up to 50 MB; the write side has build_bot's media_write_timeout) and processed it.
MEDIA_READ_TIMEOUT = 120.0
DELIVERY = Send(Priority.DELIVERY)


def delivery() -> Send:
    """How a result goes: as a delivery that, when its turn comes, first makes sure the
    worker's claim on the job is still its own (CLAIM_CHECK), and is dropped if not."""
    check = CLAIM_CHECK.get()
    return DELIVERY if check is None else Send(Priority.DELIVERY, check=check)


def reply_to(origin: Origin) -> ReplyParameters | None:
    if origin.request_message_id is None:
        return None
    return ReplyParameters(origin.request_message_id, allow_sending_without_reply=True)


def _open_for_reading(path: Path) -> BinaryIO:
    return path.open("rb")


class ResultSender:
    def __init__(self, bot: ExtBot[Send], fetcher: ResultFetcher) -> None:
        self.bot = bot
        self.fetcher = fetcher

    async def send(self, job: Job, file: Path | None = None) -> Message:
        result = job.result
        assert result is not None, "only a job with a result is delivered"
        if result.kind is ResultKind.TEXT:
            return await self.send_text(job.origin, _text_of(job), result_keyboard(job))
        if file is not None:
            return await self.upload(job, result.kind, file)
        assert result.url is not None, "a media result has a URL or a local file"
        size = await remote_size(self.fetcher, result.url)
        if size is not None and size <= URL_LIMITS[result.kind]:
            try:
                return await self.send_media(job, result.kind, result.url)
            except BadRequest as exc:
                logger.info("job %s: Telegram refused the URL (%s); uploading", job.id, exc)
        return await self._fetch_and_upload(job, result.kind, result.url)

    async def _fetch_and_upload(self, job: Job, kind: ResultKind, url: str) -> Message:
        with tempfile.TemporaryDirectory(prefix="delivery-") as tmp:
            path = Path(tmp) / f"job-{job.id}{SUFFIXES[kind]}"
            try:
                await download(self.fetcher, url, path, UPLOAD_LIMITS[kind])
            except TooLargeError as exc:
                note = text(
                    job.origin.language, "delivery.too_big", size_mb=round(exc.size / MB), url=url
                )
                return await self.send_text(job.origin, note, result_keyboard(job))
            return await self.upload(job, kind, path)

    async def upload(self, job: Job, kind: ResultKind, path: Path) -> Message:
        """A local file, streamed from disk (memory stays flat up to 50 MB)."""
        with _open_for_reading(path) as handle:
            upload = InputFile(handle, filename=path.name, read_file_handle=False)
            return await self.send_media(job, kind, upload)

    async def send_media(self, job: Job, kind: ResultKind, media: str | InputFile) -> Message:
        origin = job.origin
        common: dict[str, Any] = {
            "caption": caption(job),
            "message_thread_id": origin.thread_id,
            "reply_parameters": reply_to(origin),
            "reply_markup": result_keyboard(job),
            "read_timeout": MEDIA_READ_TIMEOUT,
            "rate_limit_args": delivery(),
        }
        async with self.showing(origin, ACTIONS[kind]):
            if kind is ResultKind.PHOTO:
                return await call(self.bot.send_photo(origin.chat_id, media, **common))
            if kind is ResultKind.AUDIO:
                return await call(self.bot.send_audio(origin.chat_id, media, **common))
            return await call(
                self.bot.send_video(origin.chat_id, media, supports_streaming=True, **common)
            )

    async def send_text(
        self, origin: Origin, body: str, markup: InlineKeyboardMarkup | None
    ) -> Message:
        return await call(
            self.bot.send_message(
                origin.chat_id,
                body[:4096],
                message_thread_id=origin.thread_id,
                reply_parameters=reply_to(origin),
                reply_markup=markup,
                rate_limit_args=delivery(),
            )
        )

    @asynccontextmanager
    async def showing(self, origin: Origin, action: str) -> AsyncIterator[None]:
        """One "sending ..." action alongside the upload. The scheduler sends it only when the
        chat has budget to spare, after the result itself; if the block ends first, it is
        withdrawn, so it never shows after the result."""
        task = asyncio.create_task(self._show(origin, action))
        try:
            yield
        finally:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _show(self, origin: Origin, action: str) -> None:
        try:
            await self.bot.send_chat_action(
                origin.chat_id,
                action,
                message_thread_id=origin.thread_id,
                rate_limit_args=Send(Priority.ACTION),
            )
        except TelegramError as exc:
            logger.info("chat action refused: %s", exc)


def _text_of(job: Job) -> str:
    """A text result in words: facts about a photo or a video, or a sentence."""
    return result_text(job)
