"""Growing the world at run time: people (each with a private chat with the bot), groups,
supergroups, channels and forums, their members and topics.

Specs are the control API's JSON objects (see control_world.py). A batch is checked whole
before anything changes, so a refused batch leaves the world as it was. Chats created with
their members are as if they had always been so; changing members later sends the bot
``my_chat_member`` (its own status) and ``chat_member`` (others, when allowed_updates asks).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from typing import Any

from sandbox.telegram.api_chats import member_json
from sandbox.telegram.errors import ApiError, bad_request
from sandbox.telegram.state import ChatLog, StoredMessage, TelegramState
from sandbox.telegram.world import (
    ADMIN,
    CHAT_TYPES,
    CREATOR,
    MEMBER,
    STATUSES,
    ChatRecord,
    Topic,
    UserRecord,
)

MAX_BATCH = 10_000
TOPIC_COLORS = (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F)
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_USER_FIELDS = frozenset({"id", "first_name", "last_name", "username", "language_code"})
_CHAT_FIELDS = frozenset(
    {"id", "type", "title", "username", "is_forum", "members", "bot_status", "topics"}
)


@dataclass(frozen=True)
class ChatSpec:
    chat: ChatRecord
    topics: list[tuple[str, int]]


# ---------- people ----------


def create_users(state: TelegramState, body: dict[str, Any]) -> list[UserRecord]:
    """``{"users": [spec, ...]}`` or ``{"count": N, "language_code"?, "first_name"?}``.

    A person with no id gets the next free one; with no first name (or in the ``count`` form)
    they are named after their id, "User 100001" or "<first_name> 100001".
    """
    specs, numbered = _user_specs(body)
    _check_new_ids(state, [s["id"] for s in specs if "id" in s])
    users = [_user_record(spec) for spec in specs]
    for index, (user, spec) in enumerate(zip(users, specs, strict=True)):
        if "id" not in spec:
            user = replace(user, id=state.world.new_user_id())
        if numbered or not spec.get("first_name"):
            user = replace(user, first_name=f"{user.first_name[:56]} {user.id}")
        _add_user(state, user)
        users[index] = user
    state.events.publish({"type": "world"})
    return users


def _user_specs(body: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    if "count" in body:
        count = body["count"]
        if not _is_int(count) or not 1 <= count <= MAX_BATCH:
            raise bad_request(f"count must be 1-{MAX_BATCH}")
        template: dict[str, Any] = {
            k: body[k] for k in ("language_code", "first_name") if k in body
        }
        return [dict(template) for _ in range(count)], True
    specs = body.get("users")
    if not isinstance(specs, list) or not 1 <= len(specs) <= MAX_BATCH:
        raise bad_request(f"users must be a list of 1-{MAX_BATCH} objects")
    if not all(isinstance(s, dict) for s in specs):
        raise bad_request("each user must be an object")
    return specs, False


def _check_new_ids(state: TelegramState, ids: list[Any]) -> None:
    if len(set(map(str, ids))) != len(ids):
        raise bad_request("user ids repeat in the batch")
    for user_id in ids:
        if not _is_int(user_id) or user_id <= 0:
            raise bad_request("user id must be a positive integer")
        if user_id in state.world.users or user_id in state.world.chats or user_id == state.bot_id:
            raise bad_request(f"user {user_id} already exists")


def _user_record(spec: dict[str, Any]) -> UserRecord:
    unknown = set(spec) - _USER_FIELDS
    if unknown:
        raise bad_request(f"unknown user field {sorted(unknown)[0]}")
    first_name = _text(spec, "first_name", 64, default="User")
    return UserRecord(
        int(spec.get("id", 0)),
        first_name,
        username=_username(spec),
        language_code=_language(spec.get("language_code")),
        last_name=_optional_text(spec, "last_name", 64),
    )


def _add_user(state: TelegramState, user: UserRecord) -> None:
    state.world.users[user.id] = user
    state.world.chats[user.id] = _private_chat(user)
    state.logs[user.id] = ChatLog()


def _private_chat(user: UserRecord) -> ChatRecord:
    return ChatRecord(
        user.id,
        "private",
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        crowd=True,
    )


def update_user(state: TelegramState, user_id: int, body: dict[str, Any]) -> UserRecord:
    """Change a person's names or language; later updates from them carry the new values."""
    user = state.world.users.get(user_id)
    if user is None:
        raise ApiError(404, "Not Found: user not found")
    unknown = set(body) - (_USER_FIELDS - {"id"})
    if unknown:
        raise bad_request(f"unknown user field {sorted(unknown)[0]}")
    changes: dict[str, Any] = {}
    if "language_code" in body:
        changes["language_code"] = _language(body["language_code"])
    if "first_name" in body:
        changes["first_name"] = _text(body, "first_name", 64)
    if "last_name" in body:
        changes["last_name"] = _optional_text(body, "last_name", 64)
    if "username" in body:
        changes["username"] = _username(body)
    user = replace(user, **changes)
    state.world.users[user_id] = user
    chat = state.world.chats.get(user_id)
    if chat is not None:
        chat.first_name, chat.last_name = user.first_name, user.last_name
        chat.username = user.username
    state.events.publish({"type": "user", "user": user.to_api()})
    return user


# ---------- chats ----------


def create_chats(state: TelegramState, body: dict[str, Any]) -> list[ChatRecord]:
    """``{"chats": [spec, ...]}`` or one spec as the whole body."""
    raw = body.get("chats", [body])
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_BATCH:
        raise bad_request(f"chats must be a list of 1-{MAX_BATCH} objects")
    if not all(isinstance(s, dict) for s in raw):
        raise bad_request("each chat must be an object")
    specs = [_chat_spec(state, spec) for spec in raw]
    _check_new_chat_ids(state, [s.chat.id for s in specs if s.chat.id])
    for spec in specs:
        if not spec.chat.id:
            spec.chat.id = state.world.new_chat_id(spec.chat.type)
        state.world.chats[spec.chat.id] = spec.chat
        state.logs[spec.chat.id] = ChatLog()
        for name, color in spec.topics:
            add_topic(state, spec.chat, name, color, notify=False)
    state.events.publish({"type": "world"})
    return [s.chat for s in specs]


def _chat_spec(state: TelegramState, spec: dict[str, Any]) -> ChatSpec:
    unknown = set(spec) - _CHAT_FIELDS
    if unknown:
        raise bad_request(f"unknown chat field {sorted(unknown)[0]}")
    chat_type = spec.get("type")
    if chat_type not in CHAT_TYPES:
        raise bad_request(f"type must be one of {', '.join(CHAT_TYPES)}")
    is_forum = bool(spec.get("is_forum"))
    if is_forum and chat_type != "supergroup":
        raise bad_request("only a supergroup can be a forum")
    chat_id = spec.get("id", 0)
    if not _is_int(chat_id) or chat_id > 0:
        raise bad_request("chat id must be a negative integer")
    members = _members(state, spec.get("members") or [])
    if "bot_status" in spec or state.bot_id not in members:
        default = ADMIN if chat_type == "channel" else MEMBER
        members[state.bot_id] = _status(spec.get("bot_status") or default)
    if list(members.values()).count(CREATOR) > 1:
        raise bad_request("a chat has at most one creator")
    chat = ChatRecord(
        chat_id,
        str(chat_type),
        title=_text(spec, "title", 128),
        username=_username(spec),
        is_forum=is_forum,
        members=members,
        crowd=True,
    )
    return ChatSpec(chat, _topic_specs(spec.get("topics") or [], is_forum))


def _check_new_chat_ids(state: TelegramState, ids: list[int]) -> None:
    if len(set(ids)) != len(ids):
        raise bad_request("chat ids repeat in the batch")
    for chat_id in ids:
        if chat_id in state.world.chats:
            raise bad_request(f"chat {chat_id} already exists")


def _members(state: TelegramState, raw: Any) -> dict[int, str]:
    if not isinstance(raw, list):
        raise bad_request("members must be a list")
    members: dict[int, str] = {}
    for item in raw:
        user_id, status = (item, MEMBER) if _is_int(item) else _member_item(item)
        if user_id not in state.world.users and user_id != state.bot_id:
            raise bad_request(f"user {user_id} not found")
        members[user_id] = status
    return members


def _member_item(item: Any) -> tuple[int, str]:
    if not isinstance(item, dict) or not _is_int(item.get("user_id")):
        raise bad_request("a member is a user id or {user_id, status}")
    return int(item["user_id"]), _status(item.get("status") or MEMBER)


def _status(value: Any) -> str:
    if value not in STATUSES:
        raise bad_request(f"status must be one of {', '.join(STATUSES)}")
    return str(value)


def _topic_specs(raw: Any, is_forum: bool) -> list[tuple[str, int]]:
    if not isinstance(raw, list):
        raise bad_request("topics must be a list")
    if raw and not is_forum:
        raise bad_request("only a forum has topics")
    return [_topic_spec(item) for item in raw]


def _topic_spec(item: Any) -> tuple[str, int]:
    spec = {"name": item} if isinstance(item, str) else item
    if not isinstance(spec, dict):
        raise bad_request("a topic is a name or {name, icon_color}")
    color = spec.get("icon_color", TOPIC_COLORS[0])
    if color not in TOPIC_COLORS:
        raise bad_request("TOPIC_COLOR_INVALID")
    return _text(spec, "name", 128), int(color)


def set_members(state: TelegramState, chat: ChatRecord, raw: Any) -> list[dict[str, Any]]:
    """Change statuses; the bot hears of its own change, and of others' when it asked."""
    if chat.type == "private":
        raise bad_request("a private chat has no members to change")
    changes = _members(state, raw)
    for user_id, status in changes.items():
        old = member_json(state, chat, user_id)
        chat.members[user_id] = status
        _announce_member(state, chat, user_id, old)
    state.events.publish({"type": "world"})
    return [member_json(state, chat, uid) for uid in changes]


def _announce_member(
    state: TelegramState, chat: ChatRecord, user_id: int, old: dict[str, Any]
) -> None:
    new = member_json(state, chat, user_id)
    if new["status"] == old["status"]:
        return
    actor = _chat_owner(state, chat) or state.world.bot
    payload = {
        "chat": chat.to_api(),
        "from": actor.to_api(),
        "date": int(time.time()),
        "old_chat_member": old,
        "new_chat_member": new,
    }
    kind = "my_chat_member" if user_id == state.bot_id else "chat_member"
    state.updates.push_nowait(kind, payload)


def _chat_owner(state: TelegramState, chat: ChatRecord) -> UserRecord | None:
    owners = [uid for uid, st in chat.members.items() if st == CREATOR and uid != state.bot_id]
    present = [uid for uid in chat.members if state.world.is_member(chat, uid)]
    for user_id in [*owners, *present]:
        if user_id in state.world.users:
            return state.world.users[user_id]
    return None


# ---------- topics ----------


def create_topic(
    state: TelegramState, chat: ChatRecord, spec: dict[str, Any]
) -> tuple[Topic, StoredMessage]:
    if not chat.is_forum:
        raise bad_request("the chat is not a forum")
    name, color = _topic_spec(spec)
    return add_topic(state, chat, name, color, notify=True)


def add_topic(
    state: TelegramState, chat: ChatRecord, name: str, color: int, *, notify: bool
) -> tuple[Topic, StoredMessage]:
    """A topic and its creation message, whose id is the topic's thread id."""
    log = state.logs[chat.id]
    thread_id = log.allocate()
    topic = Topic(thread_id, name, color)
    chat.topics[thread_id] = topic
    data: dict[str, Any] = {"message_id": thread_id, "message_thread_id": thread_id}
    author = _chat_owner(state, chat)
    if author is not None:
        data["from"] = author.to_api()
    data.update(
        chat=chat.to_api(),
        date=int(time.time()),
        is_topic_message=True,
        forum_topic_created={"name": name, "icon_color": color},
    )
    message = StoredMessage(data, by_bot=False)
    log.messages[thread_id] = message
    if notify:
        state.events.publish({"type": "world"})
        state.events.publish({"type": "message", "chat_id": chat.id,
                              "message": message.to_control()})  # fmt: skip
        if state.world.is_member(chat, state.bot_id):
            state.updates.push_nowait("message", data)
    return topic, message


# ---------- checks ----------


def _text(spec: dict[str, Any], name: str, limit: int, default: str | None = None) -> str:
    value = spec.get(name, default)
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= limit:
        raise bad_request(f"{name} must be 1-{limit} characters")
    return value


def _optional_text(spec: dict[str, Any], name: str, limit: int) -> str | None:
    return _text(spec, name, limit) if spec.get(name) not in (None, "") else None


def _username(spec: dict[str, Any]) -> str | None:
    value = spec.get("username")
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _USERNAME.match(value.removeprefix("@")):
        raise bad_request("USERNAME_INVALID")
    return value.removeprefix("@")


def _language(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise bad_request("language_code must be an IETF language tag such as en or pt-br")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
