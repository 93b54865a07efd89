"""Everything the emulator remembers: the world, messages, files, updates, limits, counters."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.telegram.config import TelegramEmulatorConfig
from sandbox.telegram.events import EventBus
from sandbox.telegram.faults import FaultSet
from sandbox.telegram.files import FileStore
from sandbox.telegram.flood import FloodControl
from sandbox.telegram.inline import InlineBook
from sandbox.telegram.stars import StarLedger
from sandbox.telegram.stats import Stats
from sandbox.telegram.updates import UpdateQueue
from sandbox.telegram.webhook import Webhook
from sandbox.telegram.world import FORUM_ID, YOU_ID, ChatRecord, World, create_world


@dataclass
class StoredMessage:
    data: dict[str, Any]
    by_bot: bool
    bot_reactions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def message_id(self) -> int:
        return int(self.data["message_id"])

    @property
    def thread_id(self) -> int | None:
        value = self.data.get("message_thread_id")
        return int(value) if value is not None and self.data.get("is_topic_message") else None

    def to_control(self) -> dict[str, Any]:
        """The message with ``_by_bot`` and, when the bot reacted, ``_bot_reactions``."""
        extra: dict[str, Any] = {"_by_bot": self.by_bot}
        if self.bot_reactions:
            extra["_bot_reactions"] = self.bot_reactions
        return {**self.data, **extra}


@dataclass
class ChatLog:
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_id: int = 1

    def allocate(self) -> int:
        message_id = self.next_id
        self.next_id += 1
        return message_id


@dataclass
class CallbackQuery:
    id: str
    data: dict[str, Any]
    created: float
    answer: dict[str, Any] | None = None


class TelegramState:
    def __init__(self, config: TelegramEmulatorConfig, file_root: Path) -> None:
        self.config = config
        bot_id = int(config.bot_token.split(":", 1)[0])
        self.world: World = create_world(bot_id, config.bot_username, config.bot_first_name)
        self.files = FileStore(file_root)
        self.upload_dir = file_root / "uploads"
        self.upload_dir.mkdir(exist_ok=True)
        self.logs: dict[int, ChatLog] = {chat_id: ChatLog() for chat_id in self.world.chats}
        self.updates = UpdateQueue()
        self.webhook = Webhook()
        self.flood = FloodControl(config)
        self.stats = Stats()
        self.faults = FaultSet()
        self.stars = StarLedger(config.stars_balance)
        self.inline = InlineBook()
        self.events = EventBus()
        self.blocked: set[int] = set()
        self.closing = False
        self.callbacks: dict[str, CallbackQuery] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.actions: dict[tuple[int, int | None], tuple[str, float]] = {}
        self._seed_forum_topics()

    async def close(self) -> None:
        """End long polls and event streams so the server can stop at once."""
        self.closing = True
        self.events.publish({"type": "closing"})
        await self.updates.close()

    @property
    def bot_id(self) -> int:
        return self.world.bot.id

    def chat(self, chat_id: int) -> ChatRecord:
        return self.world.chats[chat_id]

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        log = self.logs.get(chat_id)
        return log.messages.get(message_id) if log else None

    def messages(self, chat_id: int, thread_id: int | None = None) -> list[StoredMessage]:
        log = self.logs.get(chat_id)
        if log is None:
            return []
        items = list(log.messages.values())
        if thread_id is not None:
            items = [m for m in items if m.thread_id == thread_id]
        return items

    def _seed_forum_topics(self) -> None:
        forum = self.chat(FORUM_ID)
        log = self.logs[FORUM_ID]
        log.next_id = min(forum.topics) if forum.topics else 1
        you = self.world.users[YOU_ID].to_api()
        for topic in forum.topics.values():
            message_id = log.allocate()
            log.messages[message_id] = StoredMessage(
                {
                    "message_id": message_id,
                    "message_thread_id": topic.thread_id,
                    "from": you,
                    "chat": forum.to_api(),
                    "date": int(time.time()),
                    "is_topic_message": True,
                    "forum_topic_created": {"name": topic.name, "icon_color": topic.icon_color},
                },
                by_bot=False,
            )
