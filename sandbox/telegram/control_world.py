"""Control API for a crowd: people, chats, members and topics made at run time, bulk posts.

- ``POST /_emulator/users``: ``{"users": [{"id"?, "first_name"?, "last_name"?, "username"?,
  "language_code"?}, ...]}`` or ``{"count": N, "first_name"?, "language_code"?}`` (up to
  10,000); each person gets a private chat with the bot (chat id = user id). Returns the Users.
- ``POST /_emulator/users/{user_id}``: change ``language_code`` (null clears it),
  ``first_name``, ``last_name`` or ``username``; returns the User.
- ``POST /_emulator/chats``: ``{"chats": [spec, ...]}`` or one spec; a spec is ``{"type":
  "group"|"supergroup"|"channel", "title", "id"?, "username"?, "is_forum"?, "members"?:
  [user_id | {"user_id", "status"}], "bot_status"?, "topics"?: [name | {"name",
  "icon_color"}]}``. The bot is a plain member by default (an administrator in channels).
  Returns the chats as ``/world`` shows them.
- ``POST /_emulator/chats/{chat_id}/members``: ``{"members": [{"user_id", "status"}]}``;
  status is creator, administrator, member, restricted, left or kicked.
- ``POST /_emulator/chats/{chat_id}/topics``: ``{"name", "icon_color"?}``: a forum topic;
  returns ``{"message_thread_id", "name", "icon_color"}``.
- ``POST /_emulator/messages``: ``{"messages": [{"chat_id", "user_id"?, "text", "reply_to"?,
  "thread_id"?}, ...]}`` (up to 10,000): people post, in order, each post its own update.
  All are checked before any is made. Returns ``[{"chat_id", "message_id", "update_id"}]``
  (``update_id`` null when the bot does not see the message).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.telegram import crowd, human
from sandbox.telegram.control_base import Route, ok, path_int, state_of
from sandbox.telegram.errors import bad_request
from sandbox.telegram.params import json_object
from sandbox.telegram.world import chat_summary

MAX_POSTS = 10_000


async def create_users(request: web.Request) -> web.StreamResponse:
    users = crowd.create_users(state_of(request), await json_object(request))
    return ok([user.to_api() for user in users])


async def update_user(request: web.Request) -> web.StreamResponse:
    body = await json_object(request)
    user = crowd.update_user(state_of(request), path_int(request, "user_id"), body)
    return ok(user.to_api())


async def create_chats(request: web.Request) -> web.StreamResponse:
    chats = crowd.create_chats(state_of(request), await json_object(request))
    return ok([chat_summary(chat) for chat in chats])


async def set_members(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    body = await json_object(request)
    chat = human.chat_of(state, path_int(request, "chat_id"))
    return ok(crowd.set_members(state, chat, body.get("members")))


async def create_topic(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    body = await json_object(request)
    chat = human.chat_of(state, path_int(request, "chat_id"))
    topic, _ = crowd.create_topic(state, chat, body)
    return ok({"message_thread_id": topic.thread_id, "name": topic.name,
               "icon_color": topic.icon_color})  # fmt: skip


async def post_many(request: web.Request) -> web.StreamResponse:
    body = await json_object(request)
    items = body.get("messages")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_POSTS:
        raise bad_request(f"messages must be a list of 1-{MAX_POSTS} objects")
    posts = [_post(index, item) for index, item in enumerate(items)]
    made = human.post_many(state_of(request), posts)
    return ok(
        [
            {
                "chat_id": message.data["chat"]["id"],
                "message_id": message.message_id,
                "update_id": update["update_id"] if update else None,
            }
            for message, update in made
        ]
    )


def _post(index: int, item: Any) -> tuple[int, human.Post]:
    if not isinstance(item, dict) or not _is_int(item.get("chat_id")):
        raise bad_request(f"messages[{index}] needs an integer chat_id")
    for name in ("user_id", "reply_to", "thread_id"):
        if item.get(name) is not None and not _is_int(item[name]):
            raise bad_request(f"messages[{index}].{name} must be an integer")
    text = item.get("text", "")
    if not isinstance(text, str):
        raise bad_request(f"messages[{index}].text must be a string")
    post = human.Post(
        user_id=item.get("user_id") or human.default_author(item["chat_id"]),
        text=text,
        reply_to=item.get("reply_to"),
        thread_id=item.get("thread_id"),
    )
    return int(item["chat_id"]), post


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


ROUTES: list[Route] = [
    ("POST", "/users", create_users),
    ("POST", "/users/{user_id}", update_user),
    ("POST", "/chats", create_chats),
    ("POST", "/chats/{chat_id}/members", set_members),
    ("POST", "/chats/{chat_id}/topics", create_topic),
    ("POST", "/messages", post_many),
]
