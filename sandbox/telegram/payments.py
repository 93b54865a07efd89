"""Paying an invoice in Telegram Stars, as Telegram runs it, and refunding a payment.

A person pays: the bot gets a ``pre_checkout_query`` and has ``pre_checkout_timeout`` seconds
(10 in Telegram) to answer it. ``ok=false`` with an error message, or no answer in time, fails
the payment and no Stars move. ``ok=true`` moves the Stars and the person's
``successful_payment`` message reaches the bot as an update. An invoice is paid at most once.
A refund gives the Stars back and leaves a ``refunded_payment`` service message in the chat.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sandbox.telegram.errors import ApiError, bad_request, conflict
from sandbox.telegram.human import author, chat_of
from sandbox.telegram.messages import create_message
from sandbox.telegram.stars import Charge, Invoice, PreCheckout
from sandbox.telegram.state import TelegramState
from sandbox.telegram.world import UserRecord

QUERY_EXPIRED = "query is too old and response timeout expired or query ID is invalid"


@dataclass(frozen=True)
class Outcome:
    paid: bool
    reason: str | None
    charge: Charge | None
    balance: int

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": "paid" if self.paid else "failed",
                                "balance": self.balance}  # fmt: skip
        if self.reason:
            data["reason"] = self.reason
        if self.charge is not None:
            data["telegram_payment_charge_id"] = self.charge.id
        return data


async def pay(state: TelegramState, chat_id: int, message_id: int, user_id: int) -> Outcome:
    invoice = _payable(state, chat_id, message_id)
    user = author(state, chat_of(state, chat_id), user_id)
    ledger = state.stars
    if ledger.balance(user.id) < invoice.amount:
        have = ledger.balance(user.id)
        reason = f"not enough Stars: {have} ⭐ on balance, {invoice.amount} ⭐ due"
        return _failed(state, invoice, user, reason)
    invoice.paying = True
    try:
        refusal = await _pre_checkout(state, invoice, user)
    finally:
        invoice.paying = False
    if refusal is not None:
        return _failed(state, invoice, user, refusal)
    return _succeed(state, invoice, user)


def _payable(state: TelegramState, chat_id: int, message_id: int) -> Invoice:
    invoice = state.stars.invoices.get((chat_id, message_id))
    if invoice is None or state.message(chat_id, message_id) is None:
        raise ApiError(404, "Not Found: no invoice with this message id")
    if invoice.paid_charge is not None:
        raise bad_request("this invoice is already paid")
    if invoice.paying:
        raise conflict("a payment of this invoice is waiting for the bot")
    return invoice


async def _pre_checkout(state: TelegramState, invoice: Invoice, user: UserRecord) -> str | None:
    """Ask the bot; None when it confirmed in time, else why the payment fails."""
    answer: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
    query = PreCheckout(str(secrets.randbits(63)), user.id, invoice, answer)
    state.stars.pending[query.id] = query
    state.updates.push_nowait(
        "pre_checkout_query",
        {"id": query.id, "from": user.to_api(), "currency": "XTR",
         "total_amount": invoice.amount, "invoice_payload": invoice.payload},
    )  # fmt: skip
    _announce(state, invoice, user, "pending")
    timeout = state.config.pre_checkout_timeout
    try:
        return await asyncio.wait_for(asyncio.shield(answer), timeout)
    except TimeoutError:
        return f"the bot did not confirm the order within {timeout:g} s"
    finally:
        state.stars.pending.pop(query.id, None)
        if not answer.done():
            answer.cancel()


def answer_pre_checkout(state: TelegramState, query_id: str, error: str | None) -> None:
    query = state.stars.pending.get(query_id)
    if query is None or query.answer.done():
        raise bad_request(QUERY_EXPIRED)
    query.answer.set_result(error)


def _failed(state: TelegramState, invoice: Invoice, user: UserRecord, reason: str) -> Outcome:
    _announce(state, invoice, user, "failed", reason=reason)
    return Outcome(False, reason, None, state.stars.balance(user.id))


def _succeed(state: TelegramState, invoice: Invoice, user: UserRecord) -> Outcome:
    ledger = state.stars
    if ledger.balance(user.id) < invoice.amount:
        return _failed(state, invoice, user, "not enough Stars any more")
    charge = ledger.charge(user.id, invoice)
    ledger.transactions.append(
        {"id": charge.id, "amount": charge.amount, "date": charge.date,
         "source": _partner(user, charge)}
    )  # fmt: skip
    chat = state.chat(invoice.chat_id)
    message = create_message(
        state, chat, {"successful_payment": charge.payment()}, sender=user, by_bot=False
    )
    state.updates.push_nowait("message", message.data)
    _announce(state, invoice, user, "paid", charge=charge)
    return Outcome(True, None, charge, ledger.balance(user.id))


def refund(state: TelegramState, user_id: int, charge_id: str) -> Charge:
    user = state.world.users.get(user_id)
    if user is None:
        raise bad_request("USER_ID_INVALID")
    charge = state.stars.charges.get(charge_id)
    if charge is None or charge.user_id != user_id:
        raise bad_request("CHARGE_NOT_FOUND")
    if charge.refunded_at is not None:
        raise bad_request("CHARGE_ALREADY_REFUNDED")
    state.stars.refund(charge)
    state.stars.transactions.append(
        {"id": charge.id, "amount": charge.amount, "date": charge.refunded_at,
         "receiver": _partner(user, charge)}
    )  # fmt: skip
    chat = state.world.chats.get(charge.chat_id)
    if chat is not None:
        create_message(
            state, chat, {"refunded_payment": charge.payment()}, sender=state.world.bot,
            by_bot=True,
        )  # fmt: skip
    invoice = state.stars.invoices.get((charge.chat_id, charge.message_id))
    if invoice is not None:
        _announce(state, invoice, user, "refunded", charge=charge)
    return charge


def _partner(user: UserRecord, charge: Charge) -> dict[str, Any]:
    return {
        "type": "user",
        "transaction_type": "invoice_payment",
        "user": user.to_api(),
        "invoice_payload": charge.payload,
    }


def _announce(
    state: TelegramState,
    invoice: Invoice,
    user: UserRecord,
    status: str,
    *,
    reason: str | None = None,
    charge: Charge | None = None,
) -> None:
    event: dict[str, Any] = {
        "type": "payment",
        "status": status,
        "chat_id": invoice.chat_id,
        "message_id": invoice.message_id,
        "user_id": user.id,
        "amount": invoice.amount,
        "balance": state.stars.balance(user.id),
        "date": int(time.time()),
    }
    if reason:
        event["reason"] = reason
    if charge is not None:
        event["telegram_payment_charge_id"] = charge.id
    state.events.publish(event)


def invoice_state(state: TelegramState, chat_id: int, message_id: int) -> dict[str, Any] | None:
    """What the web chat shows on an invoice: paid by whom, refunded, or still payable."""
    invoice = state.stars.invoices.get((chat_id, message_id))
    if invoice is None:
        return None
    data: dict[str, Any] = {"amount": invoice.amount, "paying": invoice.paying}
    charge = state.stars.charges.get(invoice.paid_charge or "")
    if charge is not None:
        data.update(paid_by=charge.user_id, refunded=charge.refunded_at is not None)
    return data
