"""SandboxClient: the human side of the emulator, over its control API, for tests and drivers."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import aiohttp

from sandbox.telegram.summaries import (
    Duplicate,
    FaultInfo,
    InlineAnswerInfo,
    InlineQueryInfo,
    PaymentOutcome,
    Posted,
    StatsSummary,
    TimelineEntry,
)
from sandbox.telegram.world import YOU_ID

Message = dict[str, Any]
User = dict[str, Any]
Chat = dict[str, Any]
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
        body = _without_none(message_id=message_id, data=callback_data, user_id=user_id)
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

    # ---------- a crowd (control_world.py) ----------

    async def create_users(
        self, count: int, *, language_code: str | None = None, first_name: str | None = None
    ) -> list[User]:
        """``count`` new people with private chats, named "<first_name or User> <id>"."""
        body: dict[str, Any] = {"count": count}
        if language_code is not None:
            body["language_code"] = language_code
        if first_name is not None:
            body["first_name"] = first_name
        result: list[User] = await self._call("POST", "/users", json=body)
        return result

    async def add_users(self, users: Sequence[Mapping[str, Any]]) -> list[User]:
        """People from specs ``{"id"?, "first_name"?, "last_name"?, "username"?, ...}``."""
        result: list[User] = await self._call("POST", "/users", json={"users": list(users)})
        return result

    async def create_user(
        self,
        first_name: str,
        *,
        user_id: int | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> User:
        spec = _without_none(
            id=user_id, first_name=first_name, username=username, language_code=language_code
        )
        (user,) = await self.add_users([spec])
        return user

    async def update_user(self, user_id: int, **fields: str | None) -> User:
        result: User = await self._call("POST", f"/users/{user_id}", json=fields)
        return result

    async def set_language(self, user_id: int, language_code: str | None) -> User:
        """From now on this person's updates carry ``language_code`` (None: none)."""
        return await self.update_user(user_id, language_code=language_code)

    async def create_chat(
        self,
        chat_type: str,
        title: str,
        *,
        members: Mapping[int, str] | Sequence[int] = (),
        bot_status: str | None = None,
        is_forum: bool = False,
        topics: Sequence[str] = (),
        username: str | None = None,
        chat_id: int | None = None,
    ) -> Chat:
        """A group, supergroup (a forum with ``is_forum``) or channel; members by id."""
        listed = (
            [{"user_id": uid, "status": st} for uid, st in members.items()]
            if isinstance(members, Mapping)
            else list(members)
        )
        spec = _without_none(
            type=chat_type, title=title, members=listed, bot_status=bot_status,
            is_forum=is_forum or None, topics=list(topics) or None, username=username,
            id=chat_id,
        )  # fmt: skip
        (chat,) = await self.create_chats([spec])
        return chat

    async def create_chats(self, specs: Sequence[Mapping[str, Any]]) -> list[Chat]:
        result: list[Chat] = await self._call("POST", "/chats", json={"chats": list(specs)})
        return result

    async def set_members(self, chat_id: int, members: Mapping[int, str]) -> list[dict[str, Any]]:
        """Change statuses (creator, administrator, member, restricted, left, kicked)."""
        body = {"members": [{"user_id": uid, "status": st} for uid, st in members.items()]}
        result: list[dict[str, Any]] = await self._call(
            "POST", f"/chats/{chat_id}/members", json=body
        )
        return result

    async def create_topic(
        self, chat_id: int, name: str, *, icon_color: int | None = None
    ) -> dict[str, Any]:
        body = _without_none(name=name, icon_color=icon_color)
        result: dict[str, Any] = await self._call("POST", f"/chats/{chat_id}/topics", json=body)
        return result

    async def post_many(self, posts: Sequence[Mapping[str, Any]]) -> list[Posted]:
        """Many posts in one call, each ``{"chat_id", "user_id"?, "text", "reply_to"?,
        "thread_id"?}``; each becomes its own update, in order."""
        result = await self._call("POST", "/messages", json={"messages": list(posts)})
        return [Posted.from_api(item) for item in result]

    # ---------- faults (control_faults.py) ----------

    async def inject_delay(
        self,
        seconds: float,
        *,
        methods: Sequence[str] = (),
        chat_ids: Sequence[int] = (),
        times: int | None = None,
        phase: str = "after",
    ) -> FaultInfo:
        """Answer matching requests ``seconds`` late, after doing the work (or before)."""
        spec = _fault("delay", methods, chat_ids, seconds=seconds, times=times, phase=phase)
        return await self.inject(spec)

    async def inject_flood_wait(
        self,
        seconds: float,
        *,
        methods: Sequence[str] = (),
        chat_ids: Sequence[int] = (),
        retry_after: int | None = None,
        times: int | None = None,
    ) -> FaultInfo:
        """For ``seconds`` answer matching requests 429 (no methods: every method)."""
        spec = _fault(
            "flood_wait", methods, chat_ids, seconds=seconds, retry_after=retry_after, times=times
        )
        return await self.inject(spec)

    async def inject_failure(
        self,
        error_code: int,
        description: str | None = None,
        *,
        methods: Sequence[str] = (),
        chat_ids: Sequence[int] = (),
        times: int | None = None,
        phase: str = "before",
        retry_after: int | None = None,
    ) -> FaultInfo:
        """Answer matching requests with an error, ``times`` times (None: until removed)."""
        spec = _fault(
            "fail", methods, chat_ids, error_code=error_code, description=description,
            times=times, phase=phase, retry_after=retry_after,
        )  # fmt: skip
        return await self.inject(spec)

    async def inject(self, spec: Mapping[str, Any]) -> FaultInfo:
        return FaultInfo.from_api(await self._call("POST", "/faults", json=dict(spec)))

    async def faults(self) -> list[FaultInfo]:
        return [FaultInfo.from_api(f) for f in await self._call("GET", "/faults")]

    async def remove_fault(self, fault_id: str) -> None:
        await self._call("DELETE", f"/faults/{fault_id}")

    async def clear_faults(self) -> None:
        await self._call("DELETE", "/faults")

    # ---------- benchmark stats (control_stats.py) ----------

    async def timeline(
        self, chat_id: int | None = None, kind: str | None = None
    ) -> list[TimelineEntry]:
        query = {k: str(v) for k, v in (("chat_id", chat_id), ("kind", kind)) if v is not None}
        items = await self._call("GET", "/stats/timeline", params=query)
        return [TimelineEntry.from_api(item) for item in items]

    async def stats_summary(self) -> StatsSummary:
        return StatsSummary.from_api(await self._call("GET", "/stats/summary"))

    async def duplicates(self, content: str = "video", min_count: int = 2) -> list[Duplicate]:
        query = {"content": content, "min_count": str(min_count)}
        items = await self._call("GET", "/stats/duplicates", params=query)
        return [Duplicate.from_api(item) for item in items]

    # ---------- Telegram Stars (control_payments.py) ----------

    async def pay(
        self, chat_id: int, message_id: int, *, user_id: int | None = None
    ) -> PaymentOutcome:
        """Pay the invoice; returns once the bot answered the pre-checkout query (or 10 s)."""
        body = _without_none(user_id=user_id)
        path = f"/chats/{chat_id}/messages/{message_id}/pay"
        return PaymentOutcome.from_api(await self._call("POST", path, json=body))

    async def stars_balance(self, user_id: int) -> int:
        stars = await self.stars()
        return int(stars["balances"].get(str(user_id), stars["opening_balance"]))

    async def stars(self) -> dict[str, Any]:
        """``{"balances", "bot_balance", "opening_balance", "charges"}``."""
        result: dict[str, Any] = await self._call("GET", "/stars")
        return result

    async def set_stars_balance(self, user_id: int, balance: int) -> None:
        await self._call("POST", f"/users/{user_id}/stars", json={"balance": balance})

    # ---------- inline mode (control_inline.py) ----------

    async def inline_query(
        self,
        query: str,
        *,
        user_id: int | None = None,
        chat_id: int | None = None,
        offset: str = "",
    ) -> InlineQueryInfo:
        """A person types ``@bot query``; the bot gets inline_query unless a cache answers."""
        body = _without_none(query=query, user_id=user_id, chat_id=chat_id, offset=offset)
        return InlineQueryInfo.from_api(await self._call("POST", "/inline", json=body))

    async def inline_answer(
        self,
        inline_query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - the emulator waits, not this client
    ) -> InlineAnswerInfo | None:
        query = {"wait": str(timeout)}
        result = await self._call("GET", f"/inline/{inline_query_id}", params=query)
        return InlineAnswerInfo.from_api(result["answer"]) if result["answer"] else None

    async def choose_inline_result(
        self,
        inline_query_id: str,
        result_id: str,
        *,
        chat_id: int | None = None,
        thread_id: int | None = None,
    ) -> Message:
        body = _without_none(result_id=result_id, chat_id=chat_id, thread_id=thread_id)
        path = f"/inline/{inline_query_id}/choose"
        result: Message = await self._call("POST", path, json=body)
        return result

    async def set_bot_settings(
        self, *, inline_queries: bool | None = None, inline_feedback: bool | None = None
    ) -> dict[str, bool]:
        """BotFather's /setinline and /setinlinefeedback."""
        body = _without_none(inline_queries=inline_queries, inline_feedback=inline_feedback)
        result: dict[str, bool] = await self._call("POST", "/bot", json=body)
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


def _without_none(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _fault(
    kind: str, methods: Sequence[str], chat_ids: Sequence[int], **knobs: Any
) -> dict[str, Any]:
    return _without_none(
        kind=kind, methods=list(methods) or None, chat_ids=list(chat_ids) or None, **knobs
    )


def _fields(
    text: str, user_id: int | None, reply_to: int | None, thread_id: int | None
) -> dict[str, Any]:
    """The post's fields; with no user_id the emulator picks the chat's person or You."""
    body: dict[str, Any] = {"text": text}
    if user_id is not None:
        body["user_id"] = user_id
    if reply_to is not None:
        body["reply_to"] = reply_to
    if thread_id is not None:
        body["thread_id"] = thread_id
    return body
