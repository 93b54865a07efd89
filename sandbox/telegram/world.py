"""The people and chats the emulator starts with, and their Bot API shapes.

Seeded world (ids are stable, tests rely on them):

- users: You (1001, "en"), Anna (1002, "ru"), Ben (1003, "en"); the bot itself.
- 1001: the private chat with You.
- -100 "Sandbox Group": a plain group; You own it, Ben is an admin, the bot a plain member (so
  privacy mode applies: it sees commands, replies to it and mentions only).
- -1001000000200 "Sandbox Forum": a forum supergroup with General and two topics (thread ids 2
  and 3, the ids of their creation messages); the bot is an admin and sees everything.
- -1001000000300 "Sandbox Channel" (@sandbox_channel): You own it, the bot is an admin that
  may post. Supergroup and channel ids have Telegram's -100 prefix, so t.me/c/... links to
  their messages work as they do in Telegram.

More people and chats can be added at run time (crowd.py); ids picked by the emulator start
at ``FIRST_CROWD_USER_ID`` for people, ``-FIRST_CROWD_GROUP_ID`` for plain groups and
``-FIRST_CROWD_SUPERGROUP_ID`` for supergroups and channels (Telegram's -100... form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

YOU_ID = 1001
ANNA_ID = 1002
BEN_ID = 1003
PRIVATE_CHAT_ID = YOU_ID
GROUP_ID = -100
FORUM_ID = -1001000000200
CHANNEL_ID = -1001000000300
DEMO_USER_IDS = (YOU_ID, ANNA_ID, BEN_ID)

FIRST_CROWD_USER_ID = 100_000
FIRST_CROWD_GROUP_ID = 10_000
FIRST_CROWD_SUPERGROUP_ID = 1_000_000_000_000

CREATOR = "creator"
ADMIN = "administrator"
MEMBER = "member"
RESTRICTED = "restricted"
LEFT = "left"
KICKED = "kicked"
STATUSES = (CREATOR, ADMIN, MEMBER, RESTRICTED, LEFT, KICKED)
PRESENT = frozenset({CREATOR, ADMIN, MEMBER, RESTRICTED})
CHAT_TYPES = ("group", "supergroup", "channel")


@dataclass(frozen=True)
class UserRecord:
    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    last_name: str | None = None

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value:
                data[key] = value
        return data


@dataclass(frozen=True)
class Topic:
    thread_id: int
    name: str
    icon_color: int = 0x6FB9F0


@dataclass
class ChatRecord:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    is_forum: bool = False
    members: dict[int, str] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)
    crowd: bool = False  # made at run time (the web chat lists these apart)

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value:
                data[key] = value
        if self.is_forum:
            data["is_forum"] = True
        return data

    @property
    def is_group_like(self) -> bool:
        return self.type != "private"


@dataclass
class World:
    bot: UserRecord
    users: dict[int, UserRecord]
    chats: dict[int, ChatRecord]
    next_ids: dict[str, int] = field(
        default_factory=lambda: {
            "user": FIRST_CROWD_USER_ID,
            "group": FIRST_CROWD_GROUP_ID,
            "supergroup": FIRST_CROWD_SUPERGROUP_ID,
        }
    )

    def find_chat(self, chat_id: int | str) -> ChatRecord | None:
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@").lower()
            found = (c for c in self.chats.values() if (c.username or "").lower() == name)
            return next(found, None)
        return self.chats.get(chat_id)

    def member_status(self, chat: ChatRecord, user_id: int) -> str | None:
        if chat.type == "private":
            return MEMBER if user_id in (chat.id, self.bot.id) else None
        return chat.members.get(user_id)

    def is_member(self, chat: ChatRecord, user_id: int) -> bool:
        return self.member_status(chat, user_id) in PRESENT

    def bot_is_admin(self, chat: ChatRecord) -> bool:
        return chat.members.get(self.bot.id) in (ADMIN, CREATOR)

    def new_user_id(self) -> int:
        while self.next_ids["user"] in self.users:
            self.next_ids["user"] += 1
        return self.next_ids["user"]

    def new_chat_id(self, chat_type: str) -> int:
        key = "group" if chat_type == "group" else "supergroup"
        while -self.next_ids[key] in self.chats:
            self.next_ids[key] += 1
        return -self.next_ids[key]

    def to_api(self) -> dict[str, Any]:
        return {
            "bot": self.bot.to_api(),
            "me": YOU_ID,
            "demo_user_ids": list(DEMO_USER_IDS),
            "users": [u.to_api() for u in self.users.values()],
            "chats": [chat_summary(c) for c in self.chats.values()],
        }


def chat_summary(chat: ChatRecord) -> dict[str, Any]:
    data = chat.to_api()
    if chat.crowd:
        data["crowd"] = True
    data["members"] = [
        {"user_id": uid, "status": st} for uid, st in chat.members.items() if st in PRESENT
    ]
    data["topics"] = [
        {"message_thread_id": t.thread_id, "name": t.name, "icon_color": t.icon_color}
        for t in chat.topics.values()
    ]
    return data


def create_world(bot_id: int, bot_username: str, bot_first_name: str) -> World:
    bot = UserRecord(bot_id, bot_first_name, username=bot_username, is_bot=True)
    users = {
        YOU_ID: UserRecord(YOU_ID, "You", username="sandbox_you", language_code="en"),
        ANNA_ID: UserRecord(ANNA_ID, "Anna", username="anna_sandbox", language_code="ru"),
        BEN_ID: UserRecord(BEN_ID, "Ben", language_code="en"),
    }
    chats = {
        PRIVATE_CHAT_ID: ChatRecord(
            PRIVATE_CHAT_ID, "private", first_name="You", username="sandbox_you"
        ),
        GROUP_ID: ChatRecord(
            GROUP_ID,
            "group",
            title="Sandbox Group",
            members={YOU_ID: CREATOR, ANNA_ID: MEMBER, BEN_ID: ADMIN, bot_id: MEMBER},
        ),
        FORUM_ID: ChatRecord(
            FORUM_ID,
            "supergroup",
            title="Sandbox Forum",
            is_forum=True,
            members={YOU_ID: CREATOR, ANNA_ID: MEMBER, BEN_ID: MEMBER, bot_id: ADMIN},
            topics={2: Topic(2, "Ideas", 0x6FB9F0), 3: Topic(3, "Renders", 0xFFD67E)},
        ),
        CHANNEL_ID: ChatRecord(
            CHANNEL_ID,
            "channel",
            title="Sandbox Channel",
            username="sandbox_channel",
            members={YOU_ID: CREATOR, bot_id: ADMIN},
        ),
    }
    return World(bot=bot, users=users, chats=chats)
