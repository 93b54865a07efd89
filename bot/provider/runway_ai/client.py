"""The HTTP client for the synchronous Runway AI API (seed 004): the only code that knows its
URLs and JSON. Every call answers with the finished result, so a render call may take as long
as the render: it gets its own, long timeout.

What is retried: a GET (metadata does no work), and any call that surely never reached the
provider (connection refused, a connect timeout, 429). What is never retried: a POST or
DELETE that may have been received (a 5xx, a timeout or a dropped connection after sending):
it raises OutcomeUnknownError, because sending it again could do the work twice."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from pydantic import BaseModel, SecretStr, ValidationError

from bot.domain.errors import OutcomeUnknownError, ProviderUnavailableError
from bot.domain.tools import MediaInfo, PhotoEditType, PictureStyle, TextPosition
from bot.provider.kie.client import RetryPolicy
from bot.provider.runway_ai import schemas as wire
from bot.provider.runway_ai.errors import NOT_DONE, message_of, refusal
from bot.provider.runway_ai.units import parse_duration, parse_size

logger = logging.getLogger(__name__)

A = TypeVar("A", bound=BaseModel)
TELEGRAM_FILE_PATH = "/file/bot"
DEFAULT_RETRY = RetryPolicy()


class _Unsent(ProviderUnavailableError):
    """An attempt that surely did nothing at the provider: worth another try."""

    def __init__(self, message: str, code: int = 0, retry_after: float | None = None) -> None:
        super().__init__(message, code)
        self.retry_after = retry_after


class _Lost(ProviderUnavailableError):
    """An attempt that was sent and may have done its work (5xx, timeout, dropped)."""


@dataclass(frozen=True, slots=True)
class _Call:
    """One logical call; `name` is what logs show (never a URL, never a body)."""

    name: str
    method: str
    path: str
    timeout: aiohttp.ClientTimeout
    json: Mapping[str, object] | None = None
    params: Mapping[str, str] | None = None

    @property
    def does_work(self) -> bool:
        return self.method != "GET"


class RunwayAiClient:
    """Talks to the Runway AI API over one injected aiohttp session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        api_url: str,
        api_key: SecretStr,
        timeout: float = 30.0,
        render_timeout: float = 600.0,
        retry: RetryPolicy = DEFAULT_RETRY,
    ) -> None:
        self._session = session
        self._api_url = api_url.rstrip("/")
        self._api_key = api_key
        self._retry = retry
        self._short = aiohttp.ClientTimeout(total=timeout)
        self._render = aiohttp.ClientTimeout(total=render_timeout, sock_connect=timeout)

    # --- photos ------------------------------------------------------------------------------

    async def generate_image(self, prompt: str, style: PictureStyle | None = None) -> str:
        body = wire.GenerateImageBody(prompt=prompt, style=style)
        answer = await self._render_call("generate-image", body, wire.ImageUrlAnswer)
        return answer.image_url

    async def edit_image(
        self,
        image_url: str,
        edit_type: PhotoEditType,
        *,
        filter_name: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> str:
        body = wire.EditImageBody(
            image_url=_fetchable(image_url),
            edit_type=edit_type,
            filter_name=filter_name,
            resize_width=width,
            resize_height=height,
        )
        answer = await self._render_call("edit-image", body, wire.EditedImageAnswer)
        return answer.edited_image_url

    async def add_text_to_image(
        self, image_url: str, text: str, position: TextPosition, font_size: int | None = None
    ) -> str:
        body = wire.AddTextBody(
            image_url=_fetchable(image_url), text=text, position=position, font_size=font_size
        )
        answer = await self._render_call("add-text-to-image", body, wire.TextImageAnswer)
        return answer.text_image_url

    async def style_transfer(self, image_url: str, style_reference: str) -> str:
        body = wire.StyleTransferBody(
            image_url=_fetchable(image_url), style_reference=_fetchable(style_reference)
        )
        answer = await self._render_call("style-transfer", body, wire.StyledImageAnswer)
        return answer.styled_image_url

    async def image_metadata(self, image_url: str) -> MediaInfo:
        params = {"image_url": _fetchable(image_url)}
        meta = await self._get("image-metadata", params, wire.ImageMetadata)
        return MediaInfo(
            kind="photo",
            size_bytes=parse_size(meta.size),
            width=meta.width,
            height=meta.height,
            format=meta.format,
            created_at=meta.created_at,
        )

    # --- videos ------------------------------------------------------------------------------

    async def generate_video(self, prompt: str, duration: int, fps: int | None = None) -> str:
        body = wire.GenerateVideoBody(prompt=prompt, duration=duration, fps=fps)
        answer = await self._render_call("generate-video", body, wire.VideoUrlAnswer)
        return answer.video_url

    async def image_to_video(self, image_url: str, duration: int) -> str:
        body = wire.ImageToVideoBody(image_url=_fetchable(image_url), duration=duration)
        answer = await self._render_call("image-to-video", body, wire.VideoUrlAnswer)
        return answer.video_url

    async def edit_video(
        self,
        video_url: str,
        edit_type: wire.VideoEditType,
        *,
        start_time: float | None = None,
        end_time: float | None = None,
        filter_name: str | None = None,
        speed_factor: float | None = None,
    ) -> str:
        body = wire.EditVideoBody(
            video_url=_fetchable(video_url),
            edit_type=edit_type,
            start_time=_seconds(start_time),
            end_time=_seconds(end_time),
            filter_name=filter_name,
            speed_factor=speed_factor,
        )
        answer = await self._render_call("edit-video", body, wire.EditedVideoAnswer)
        return answer.edited_video_url

    async def video_filter(self, video_url: str, filter_name: str) -> str:
        body = wire.VideoFilterBody(video_url=_fetchable(video_url), filter_name=filter_name)
        answer = await self._render_call("video-filter", body, wire.FilteredVideoAnswer)
        return answer.filtered_video_url

    async def speed_adjust(self, video_url: str, speed_factor: float) -> str:
        body = wire.SpeedAdjustBody(video_url=_fetchable(video_url), speed_factor=speed_factor)
        answer = await self._render_call("speed-adjust", body, wire.SpeedAnswer)
        return answer.adjusted_speed_video_url

    async def resize_video(self, video_url: str, width: int, height: int) -> str:
        body = wire.ResizeVideoBody(
            video_url=_fetchable(video_url), new_width=width, new_height=height
        )
        answer = await self._render_call("resize-video", body, wire.ResizedVideoAnswer)
        return answer.resized_video_url

    async def generate_thumbnail(self, video_url: str, time_position: float | None = None) -> str:
        body = wire.ThumbnailBody(
            video_url=_fetchable(video_url), time_position=_seconds(time_position)
        )
        answer = await self._render_call("generate-thumbnail", body, wire.ThumbnailAnswer)
        return answer.thumbnail_url

    async def extract_audio(self, video_url: str) -> str:
        body = wire.VideoBody(video_url=_fetchable(video_url))
        answer = await self._render_call("extract-audio", body, wire.AudioAnswer)
        return answer.audio_url

    async def video_metadata(self, video_url: str) -> MediaInfo:
        params = {"video_url": _fetchable(video_url)}
        meta = await self._get("video-metadata", params, wire.VideoMetadata)
        return MediaInfo(
            kind="video",
            size_bytes=parse_size(meta.size),
            width=meta.width,
            height=meta.height,
            duration=parse_duration(meta.duration),
            fps=meta.fps,
            has_audio=meta.has_audio,
            format=meta.format,
            created_at=meta.created_at,
        )

    # --- results -----------------------------------------------------------------------------

    async def delete_media(self, media_url: str) -> str:
        """Delete one of the provider's results; its confirmation message. The key goes in
        the JSON body as `auth_token` (never in the query string, which servers log)."""
        body = wire.DeleteMediaBody(
            media_url=_fetchable(media_url), auth_token=self._api_key.get_secret_value()
        )
        call = _Call("delete-media", "DELETE", "/v1/delete-media", self._short, json=_dump(body))
        return _answer(call, await self._run(call), wire.DeleteAnswer).message

    # --- calls -------------------------------------------------------------------------------

    async def _render_call(self, name: str, body: BaseModel, answer: type[A]) -> A:
        call = _Call(name, "POST", f"/v1/{name}", self._render, json=_dump(body))
        return _answer(call, await self._run(call), answer)

    async def _get(self, name: str, params: Mapping[str, str], answer: type[A]) -> A:
        call = _Call(name, "GET", f"/v1/{name}", self._short, params=params)
        return _answer(call, await self._run(call), answer)

    async def _run(self, call: _Call) -> dict[str, Any]:
        """Try the call until it works, fails for good, or the retry policy is spent."""
        attempts = max(1, self._retry.attempts)
        for attempt in range(1, attempts + 1):
            try:
                return await self._attempt(call)
            except (_Unsent, _Lost) as exc:
                if isinstance(exc, _Lost) and call.does_work:
                    logger.warning("runway-ai %s: outcome unknown (%s)", call.name, _reason(exc))
                    raise OutcomeUnknownError(str(exc), exc.code) from None
                if attempt == attempts:
                    raise ProviderUnavailableError(str(exc), exc.code) from None
                await self._back_off(call, exc, attempt, attempts)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _back_off(
        self, call: _Call, exc: _Unsent | _Lost, attempt: int, attempts: int
    ) -> None:
        delay = self._retry.delay(attempt)
        if isinstance(exc, _Unsent) and exc.retry_after is not None:
            delay = max(delay, min(exc.retry_after, self._retry.max_delay))
        logger.warning(
            "runway-ai %s failed (%s; attempt %d of %d); retrying in %.2f s",
            call.name,
            _reason(exc),
            attempt,
            attempts,
            delay,
        )
        await asyncio.sleep(delay)

    async def _attempt(self, call: _Call) -> dict[str, Any]:
        started = time.monotonic()
        try:
            async with self._session.request(
                call.method,
                self._api_url + call.path,
                json=call.json,
                params=call.params,
                headers=self._headers(),
                timeout=call.timeout,
            ) as response:
                raw = await response.read()
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            raise _Unsent(f"could not connect ({type(exc).__name__})") from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _Lost(f"no answer ({type(exc).__name__})") from None
        logger.info(
            "runway-ai %s answered HTTP %d in %.1f s",
            call.name,
            response.status,
            time.monotonic() - started,
        )
        return _decode(call, response, raw)

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._api_key.get_secret_value()}",
            "Accept": "application/json",
        }


def _decode(call: _Call, response: aiohttp.ClientResponse, raw: bytes) -> dict[str, Any]:
    """A 2xx body as a JSON object, or the error its status stands for."""
    status = response.status
    if status in NOT_DONE:
        retry_after = _retry_after(response.headers.get("Retry-After"))
        raise _Unsent(message_of(status, raw), status, retry_after)
    if status >= 500:
        raise _Lost(message_of(status, raw), status)
    if status >= 300:
        raise refusal(status, raw)
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise _unreadable(call, f"an unreadable answer (HTTP {status})")
    return payload


def _answer(call: _Call, payload: dict[str, Any], model: type[A]) -> A:
    try:
        return model.model_validate(payload)
    except ValidationError:
        raise _unreadable(call, "an answer without the expected fields") from None


def _unreadable(call: _Call, what: str) -> ProviderUnavailableError:
    """A 2xx we cannot read: the work was done (if any) but its result is lost to us."""
    if call.does_work:
        return OutcomeUnknownError(f"the provider sent {what}")
    return ProviderUnavailableError(f"the provider sent {what}")


def _reason(exc: ProviderUnavailableError) -> str:
    """What a log line may say about a failure: the status, or our own words for a network
    error; never the provider's text, which may quote a URL back."""
    return f"HTTP {exc.code}" if exc.code else str(exc)


def _retry_after(header: str | None) -> float | None:
    try:
        return max(0.0, float(header)) if header else None
    except ValueError:
        return None


def _fetchable(url: str) -> str:
    """Refuse, before anything is sent, a Telegram file URL: it carries the bot's token."""
    if TELEGRAM_FILE_PATH in url:
        raise ValueError("a Telegram file URL must never be sent to the provider")
    return url


def _seconds(value: float | None) -> int | float | None:
    """Whole seconds as the int the seed shows; a fraction only when one was asked for."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _dump(body: BaseModel) -> dict[str, Any]:
    return body.model_dump(by_alias=True, exclude_none=True)
