"""SandboxClient: the human side of the emulator, over its control API, for tests and drivers."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from sandbox.telegram.world import YOU_ID

Message = dict[str, Any]
_POLL_SECONDS = 0.05


class SandboxError(Exception):
    """The control API refused a request."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"{status}: {description}")
        self.status = status
        self.description = description


class SandboxClient:
    """Plays the people in the emulated world. The session is owned by the caller."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session

    async def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> Message:
        body = _fields(text, user_id, reply_to, thread_id)
        result: Message = await self._call("POST", f"/chats/{chat_id}/messages", json=body)
        return result

    async def send_photo(
        self, chat_id: int, photo: Path | str | bytes, caption: str = "", **where: int | None
    ) -> Message:
        return await self._send_file(chat_id, "photo", photo, caption, "photo.jpg", **where)

    async def send_video(
        self, chat_id: int, video: Path | str | bytes, caption: str = "", **where: int | None
    ) -> Message:
        return await self._send_file(chat_id, "video", video, caption, "video.mp4", **where)

    async def send_document(
        self, chat_id: int, document: Path | str | bytes, caption: str = "", **where: int | None
    ) -> Message:
        return await self._send_file(chat_id, "document", document, caption, "file.bin", **where)

    async def edit_text(self, chat_id: int, message_id: int, text: str) -> Message:
        path = f"/chats/{chat_id}/messages/{message_id}/edit"
        result: Message = await self._call("POST", path, json={"text": text})
        return result

    async def delete(self, chat_id: int, message_id: int) -> None:
        await self._call("DELETE", f"/chats/{chat_id}/messages/{message_id}")

    async def press_button(
        self, chat_id: int, message_id: int, callback_data: str, user_id: int | None = None
    ) -> dict[str, Any]:
        body = {"message_id": message_id, "data": callback_data, "user_id": user_id or YOU_ID}
        result: dict[str, Any] = await self._call("POST", f"/chats/{chat_id}/callbacks", json=body)
        return result

    async def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        result: dict[str, Any] = await self._call("GET", f"/callbacks/{query_id}")
        return result["answer"]  # type: ignore[no-any-return]

    async def messages(self, chat_id: int, thread_id: int | None = None) -> list[Message]:
        query = {"thread_id": str(thread_id)} if thread_id is not None else {}
        path = f"/chats/{chat_id}/messages"
        result: list[Message] = await self._call("GET", path, params=query)
        return result

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[Message], bool] = lambda _: True,
        timeout: float = 10.0,  # noqa: ASYNC109 - a deadline for the whole wait
        *,
        thread_id: int | None = None,
    ) -> Message:
        """The first bot message in the chat (as it is now, edits included) that matches."""
        deadline = time.monotonic() + timeout
        while True:
            for message in await self.messages(chat_id, thread_id):
                if message.get("_by_bot") and predicate(message):
                    return message
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no matching bot message in chat {chat_id} after {timeout}s")
            await asyncio.sleep(_POLL_SECONDS)

    async def actions(self, chat_id: int) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._call("GET", f"/chats/{chat_id}/actions")
        return result

    async def block(self, user_id: int = YOU_ID) -> None:
        await self._call("POST", f"/users/{user_id}/block")

    async def unblock(self, user_id: int = YOU_ID) -> None:
        await self._call("POST", f"/users/{user_id}/unblock")

    async def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("GET", "/stats")
        return result

    async def reset_stats(self) -> None:
        await self._call("POST", "/stats/reset")

    async def set_flood_limits(self, enabled: bool) -> None:
        await self._call("POST", "/flood", json={"enabled": enabled})

    async def updates(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._call("GET", "/updates")
        return result

    async def world(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("GET", "/world")
        return result

    async def download(self, file_id: str) -> bytes:
        async with self._session.get(f"{self.base_url}/_emulator/files/{file_id}") as response:
            if response.status != 200:
                raise SandboxError(response.status, await response.text())
            return await response.read()

    async def _send_file(
        self,
        chat_id: int,
        field: str,
        source: Path | str | bytes,
        caption: str,
        default_name: str,
        *,
        user_id: int | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> Message:
        form = aiohttp.FormData()
        for key, value in _fields(caption, user_id, reply_to, thread_id).items():
            form.add_field(key, str(value))
        # A file object, not bytes: aiohttp warns about large bytes payloads.
        if isinstance(source, bytes):
            payload, name = io.BytesIO(source), default_name
        else:
            data = await asyncio.to_thread(Path(source).read_bytes)
            payload, name = io.BytesIO(data), Path(source).name
        form.add_field(field, payload, filename=name)
        result: Message = await self._call("POST", f"/chats/{chat_id}/messages", data=form)
        return result

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        url = f"{self.base_url}/_emulator{path}"
        async with self._session.request(method, url, **kwargs) as response:
            body = await response.json()
        if not body.get("ok"):
            raise SandboxError(int(body.get("error_code", 0)), str(body.get("description")))
        return body["result"]


def _fields(
    text: str, user_id: int | None, reply_to: int | None, thread_id: int | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"text": text, "user_id": user_id or YOU_ID}
    if reply_to is not None:
        body["reply_to"] = reply_to
    if thread_id is not None:
        body["thread_id"] = thread_id
    return body
