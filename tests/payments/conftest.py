"""Payments through both emulators: the bot with STARS_PER_CREDIT=1 (a 5 s 720p clip, 12
credits, costs 12 Stars), the Telegram emulator's Stars and the Runway emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.domain.payments import Payments
from sandbox.telegram import PRIVATE_CHAT_ID
from storage.sqlite import SqliteJobStore
from tests.chat.conftest import Sandbox, StartSandbox, start_sandbox, text_of
from tests.support import eventually

__all__ = ["Sandbox", "StartSandbox", "start_sandbox"]

PRICE = 12  # Stars for a 5 s 720p text-to-video clip at one Star per credit
Message = dict[str, Any]


@pytest.fixture
async def sandbox(start_sandbox: StartSandbox) -> AsyncIterator[Sandbox]:
    async with start_sandbox(stars_per_credit=1) as running:
        yield running


def payments_of(sandbox: Sandbox) -> Payments:
    payments = sandbox.bot.service.payments
    assert payments is not None
    return payments


def is_invoice(message: Message) -> bool:
    return "invoice" in message


async def invoice_for(
    sandbox: Sandbox, request: Message, chat_id: int = PRIVATE_CHAT_ID
) -> Message:
    """The invoice the bot sent as a reply to this request."""
    request_id = request["message_id"]

    def matches(message: Message) -> bool:
        reply = message.get("reply_to_message") or {}
        return is_invoice(message) and reply.get("message_id") == request_id

    return await sandbox.client.wait_for_message(chat_id, matches, timeout=10)


async def bot_says(sandbox: Sandbox, words: str, chat_id: int = PRIVATE_CHAT_ID) -> Message:
    return await sandbox.client.wait_for_message(
        chat_id, lambda message: words in text_of(message), timeout=20
    )


async def ledger_rows(sandbox: Sandbox, kind: str | None = None) -> list[dict[str, Any]]:
    store = sandbox.bot.store
    assert isinstance(store, SqliteJobStore)  # the payment tests run on the SQLite file
    db = store.connection
    rows = await db.execute_fetchall("SELECT * FROM ledger ORDER BY id")
    found = [dict(row) for row in rows]
    return [row for row in found if kind is None or row["kind"] == kind]


async def wait_rows(sandbox: Sandbox, kind: str, count: int) -> list[dict[str, Any]]:
    async def enough() -> bool:
        return len(await ledger_rows(sandbox, kind)) >= count

    await eventually(enough, timeout=20, what=f"{count} {kind} rows in the ledger")
    return await ledger_rows(sandbox, kind)


async def buy(sandbox: Sandbox, stars: int, chat_id: int = PRIVATE_CHAT_ID) -> None:
    """Top the user's balance up through /buy and its invoice."""
    request = await sandbox.client.send_text(chat_id, f"/buy {stars}")
    invoice = await invoice_for(sandbox, request, chat_id)
    outcome = await sandbox.client.pay(chat_id, invoice["message_id"])
    assert outcome.paid, outcome.reason
    await bot_says(sandbox, "added; your balance is")
