"""The HTTP client for the provider's Runway API (kie.ai, apikley): the only code that knows
its URLs, its envelope and its error codes. Implements bot.domain.ports.VideoProvider."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from pydantic import SecretStr, ValidationError

from bot.domain.errors import NotSentError, OutcomeUnknownError, ProviderUnavailableError
from bot.domain.models import GenerationRequest, JobKind, MediaFile
from bot.domain.updates import TaskUpdate
from bot.provider.kie import bodies
from bot.provider.kie.errors import (
    MAINTENANCE,
    NOT_JSON,
    OK,
    RetryableError,
    error_for,
)
from bot.provider.kie.pacing import GenerationPacer
from bot.provider.kie.schemas import (
    AlephRecordInfo,
    Envelope,
    EnvelopeHead,
    RecordDetail,
    TaskIdData,
    UploadResult,
)
from bot.provider.kie.states import aleph_update, record_update

logger = logging.getLogger(__name__)

M = TypeVar("M")

RECORD_DETAIL_PATH = "/api/v1/runway/record-detail"
ALEPH_RECORD_PATH = "/api/v1/aleph/record-info"
CREDIT_PATH = "/api/v1/chat/credit"
STREAM_UPLOAD_PATH = "/api/file-stream-upload"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter; `attempts` counts the first try."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, attempt: int) -> float:
        """How long to wait after failed attempt number `attempt` (1-based)."""
        cap = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return random.uniform(0.0, cap)


@dataclass(frozen=True, slots=True)
class _Call:
    """One logical call; `name` is what logs show (never the URL, never a body)."""

    name: str
    method: str
    url: str
    timeout: aiohttp.ClientTimeout
    params: Mapping[str, str] | None = None
    json: Mapping[str, object] | None = None
    media: MediaFile | None = None


class RunwayClient:
    """Talks to the provider over one injected aiohttp session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        api_url: str,
        upload_url: str,
        api_key: SecretStr,
        retry: RetryPolicy = RetryPolicy(),
        pacer: GenerationPacer | None = None,
        timeout: float = 30.0,
        upload_timeout: float = 600.0,
    ) -> None:
        self._session = session
        self._api_url = api_url.rstrip("/")
        self._upload_url = upload_url.rstrip("/")
        self._api_key = api_key
        self._retry = retry
        self._pacer = pacer or GenerationPacer()
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._upload_timeout = aiohttp.ClientTimeout(total=upload_timeout, sock_read=timeout)

    # --- the port --------------------------------------------------------------------------

    async def upload(self, media: MediaFile) -> str:
        """Stream a local file to the upload host; return the URL the provider can fetch."""
        call = self._upload_call("stream upload", STREAM_UPLOAD_PATH, media=media)
        return await self._upload(call)

    @property
    def submissions_per_second(self) -> float:
        """How fast a long line of submissions moves."""
        return self._pacer.rate

    def wait_before(self, ahead: int) -> float:
        """About how long a submission with `ahead` others before it waits for the rate limit."""
        return self._pacer.wait_before(ahead)

    async def submit(
        self,
        request: GenerationRequest,
        callback_url: str | None,
        on_send: Callable[[], Awaitable[None]] | None = None,
    ) -> str:
        """Start a task and return its id; paced, so bursts wait instead of earning 429s.

        Tried again only where the provider cannot have created the task: a 429 (after the
        window allows) and a connection refused before the request left. A 455 raises
        ProviderUnavailableError at once; anything that may have created the task (a timeout,
        a dropped connection, a 5xx) raises OutcomeUnknownError and is never repeated.
        `on_send` runs once, when the pacer lets the first attempt go."""
        path, body = bodies.submission(request, callback_url)
        call = self._api_call(
            f"{request.kind.value} submit", "POST", path, json=bodies.to_wire(body)
        )
        payload = await self._submit(call, on_send)
        try:
            task_id = _data(payload, TaskIdData).task_id
        except ProviderUnavailableError as exc:  # code 200: the task exists, its id is unread
            raise OutcomeUnknownError(str(exc), exc.code) from None
        logger.info("submitted %s task %s", request.kind.value, task_id)
        return task_id

    async def _submit(
        self, call: _Call, on_send: Callable[[], Awaitable[None]] | None
    ) -> dict[str, Any]:
        attempts = max(1, self._retry.attempts)
        for attempt in range(1, attempts + 1):
            async with self._pacer.slot() as slot:
                if on_send is not None and attempt == 1:
                    try:
                        await on_send()
                    except NotSentError:
                        slot.refused = True  # nothing left: the place is free again
                        raise
                try:
                    return await self._attempt(call)
                except RetryableError as exc:
                    if exc.maybe_done:
                        raise OutcomeUnknownError(str(exc), exc.code) from None
                    slot.refused = True  # the provider did not count it
                    if exc.code == MAINTENANCE or attempt == attempts:
                        raise ProviderUnavailableError(str(exc), exc.code) from None
                    refusal = exc
            await self._back_off(call, refusal, attempt, attempts)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def fetch(self, kind: JobKind, task_id: str) -> TaskUpdate:
        """How the task is doing. A task not visible yet raises TaskNotFoundError."""
        params = {"taskId": task_id}
        if kind is JobKind.ALEPH:
            call = self._api_call("aleph record-info", "GET", ALEPH_RECORD_PATH, params=params)
            return aleph_update(_data(await self._run(call), AlephRecordInfo))
        call = self._api_call("record-detail", "GET", RECORD_DETAIL_PATH, params=params)
        return record_update(_data(await self._run(call), RecordDetail))

    async def credits(self) -> int:
        call = self._api_call("credit", "GET", CREDIT_PATH)
        return _data(await self._run(call), int)

    # --- calls -----------------------------------------------------------------------------

    def _api_call(
        self,
        name: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Mapping[str, object] | None = None,
    ) -> _Call:
        url = self._api_url + path
        return _Call(name, method, url, self._timeout, params=params, json=json)

    def _upload_call(
        self,
        name: str,
        path: str,
        *,
        json: Mapping[str, object] | None = None,
        media: MediaFile | None = None,
    ) -> _Call:
        url = self._upload_url + path
        return _Call(name, "POST", url, self._upload_timeout, json=json, media=media)

    async def _upload(self, call: _Call) -> str:
        return _data(await self._run(call), UploadResult).download_url

    async def _run(self, call: _Call) -> dict[str, Any]:
        """Try a call that does no work twice (a look-up, an upload) until it works, fails for
        good, or the retry policy is spent."""
        attempts = max(1, self._retry.attempts)
        for attempt in range(1, attempts + 1):
            try:
                return await self._attempt(call)
            except RetryableError as exc:
                if attempt == attempts:
                    raise ProviderUnavailableError(str(exc), exc.code) from exc
                await self._back_off(call, exc, attempt, attempts)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _back_off(self, call: _Call, exc: RetryableError, attempt: int, of: int) -> None:
        delay = self._retry.delay(attempt)
        logger.warning(
            "provider %s failed with code %s (attempt %d of %d); retrying in %.2f s",
            call.name,
            exc.code,
            attempt,
            of,
            delay,
        )
        await asyncio.sleep(delay)

    async def _attempt(self, call: _Call) -> dict[str, Any]:
        try:
            async with (
                _form(call.media) as form,
                self._session.request(
                    call.method,
                    call.url,
                    params=call.params,
                    json=call.json,
                    data=form,
                    headers=self._headers(),
                    timeout=call.timeout,
                ) as response,
            ):
                raw = await response.read()
        except aiohttp.ClientConnectorError as exc:
            name = type(exc).__name__
            raise RetryableError(f"network error: {name}", 0, maybe_done=False) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RetryableError(f"network error: {type(exc).__name__}", 0) from None
        return _decode(response.status, raw)

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._api_key.get_secret_value()}",
            "Accept": "application/json",
        }


@asynccontextmanager
async def _form(media: MediaFile | None) -> AsyncIterator[aiohttp.FormData | None]:
    """A multipart body that streams the file from disk; opened afresh for every attempt."""
    if media is None:
        yield None
        return
    handle = await asyncio.to_thread(media.path.open, "rb")
    try:
        form = aiohttp.FormData()
        form.add_field(
            "file",
            handle,
            filename=media.filename,
            content_type=bodies.content_type(media.filename),
        )
        form.add_field("uploadPath", bodies.upload_path(media.filename))
        form.add_field("fileName", media.filename)
        yield form
    finally:
        handle.close()


def _decode(status: int, raw: bytes) -> dict[str, Any]:
    """The reply as a JSON object, or the error its envelope code stands for."""
    try:
        payload = json.loads(raw)
    except ValueError:
        raise RetryableError(f"unreadable reply (HTTP {status})", NOT_JSON) from None
    try:
        head = EnvelopeHead.model_validate(payload)
    except ValidationError:
        code = status if status != OK else NOT_JSON
        raise error_for(code, f"reply without an envelope (HTTP {status})") from None
    if head.code != OK:
        raise error_for(head.code, head.msg or f"the provider answered code {head.code}")
    if head.success is False:
        raise RetryableError(head.msg or "the upload did not succeed", NOT_JSON)
    assert isinstance(payload, dict)
    return payload


def _data(payload: dict[str, Any], model: type[M]) -> M:
    """The envelope's `data` as `model`; a 200 reply without it is a provider fault."""
    try:
        return Envelope[model].model_validate(payload).data  # type: ignore[valid-type]
    except ValidationError:
        raise ProviderUnavailableError("the provider's reply lacks the expected data", OK) from None
