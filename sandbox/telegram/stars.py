"""The Telegram Stars ledger: people's balances, invoices sent, charges, the bot's transactions."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Invoice:
    chat_id: int
    message_id: int
    title: str
    payload: str
    amount: int
    paid_charge: str | None = None
    paying: bool = False


@dataclass
class Charge:
    """One paid invoice; ``id`` is the telegram_payment_charge_id."""

    id: str
    provider_id: str
    user_id: int
    amount: int
    payload: str
    chat_id: int
    message_id: int
    date: int = field(default_factory=lambda: int(time.time()))
    refunded_at: int | None = None

    def payment(self) -> dict[str, Any]:
        """The SuccessfulPayment (and RefundedPayment) object of this charge."""
        return {
            "currency": "XTR",
            "total_amount": self.amount,
            "invoice_payload": self.payload,
            "telegram_payment_charge_id": self.id,
            "provider_payment_charge_id": self.provider_id,
        }


@dataclass
class PreCheckout:
    """A pre_checkout_query waiting for the bot; the future gets None (ok) or an error text."""

    id: str
    user_id: int
    invoice: Invoice
    answer: asyncio.Future[str | None]
    created: float = field(default_factory=time.monotonic)


class StarLedger:
    def __init__(self, opening_balance: int) -> None:
        self.opening_balance = opening_balance
        self._balances: dict[int, int] = {}
        self.invoices: dict[tuple[int, int], Invoice] = {}
        self.charges: dict[str, Charge] = {}
        self.pending: dict[str, PreCheckout] = {}
        self.transactions: list[dict[str, Any]] = []
        self._serial = 0

    def balance(self, user_id: int) -> int:
        return self._balances.get(user_id, self.opening_balance)

    def set_balance(self, user_id: int, amount: int) -> None:
        self._balances[user_id] = amount

    def bot_balance(self) -> int:
        paid = sum(c.amount for c in self.charges.values())
        return paid - sum(c.amount for c in self.charges.values() if c.refunded_at)

    def charge(self, user_id: int, invoice: Invoice) -> Charge:
        """Move the Stars from the person to the bot and record the payment."""
        self._serial += 1
        charge = Charge(
            "stx" + secrets.token_urlsafe(36),
            f"{user_id}_{self._serial}",
            user_id,
            invoice.amount,
            invoice.payload,
            invoice.chat_id,
            invoice.message_id,
        )
        self._balances[user_id] = self.balance(user_id) - invoice.amount
        self.charges[charge.id] = charge
        invoice.paid_charge = charge.id
        return charge

    def refund(self, charge: Charge) -> None:
        charge.refunded_at = int(time.time())
        self._balances[charge.user_id] = self.balance(charge.user_id) + charge.amount

    def balances(self, user_ids: list[int]) -> dict[str, int]:
        known = set(user_ids) | set(self._balances)
        return {str(uid): self.balance(uid) for uid in sorted(known)}
