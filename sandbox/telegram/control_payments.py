"""Control API for Telegram Stars: people pay invoices; balances for the page and tests.

- ``POST /_emulator/chats/{chat_id}/messages/{message_id}/pay``: ``{"user_id"?}`` pays the
  invoice and waits for the bot's pre-checkout answer (up to 10 s). Returns ``{"status":
  "paid"|"failed", "balance", "reason"?, "telegram_payment_charge_id"?}``; 400 when the
  invoice is paid already, 409 while another payment of it waits for the bot.
- ``GET /_emulator/stars``: ``{"balances": {user_id: stars}, "bot_balance", "opening_balance",
  "charges":
  [{"telegram_payment_charge_id", "user_id", "amount", "invoice_payload", "chat_id",
  "message_id", "refunded"}]}``; balances cover the demo people and anyone who paid.
- ``POST /_emulator/users/{user_id}/stars``: ``{"balance": N}`` sets a person's balance.

Events (``/_emulator/events``): ``{"type": "payment", "status": "pending"|"paid"|"failed"|
"refunded", "chat_id", "message_id", "user_id", "amount", "balance", "reason"?}``.
"""

from __future__ import annotations

from aiohttp import web

from sandbox.telegram import human, payments
from sandbox.telegram.control_base import Route, ok, path_int, state_of
from sandbox.telegram.errors import ApiError, bad_request
from sandbox.telegram.params import json_object
from sandbox.telegram.world import DEMO_USER_IDS


async def pay(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    chat_id = path_int(request, "chat_id")
    body = await json_object(request) if request.can_read_body else {}
    user_id = body.get("user_id") or human.default_author(chat_id)
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise bad_request("user_id must be an integer")
    outcome = await payments.pay(state, chat_id, path_int(request, "message_id"), user_id)
    return ok(outcome.to_api())


async def stars(request: web.Request) -> web.StreamResponse:
    ledger = state_of(request).stars
    charges = [
        {
            "telegram_payment_charge_id": c.id,
            "user_id": c.user_id,
            "amount": c.amount,
            "invoice_payload": c.payload,
            "chat_id": c.chat_id,
            "message_id": c.message_id,
            "refunded": c.refunded_at is not None,
        }
        for c in ledger.charges.values()
    ]
    return ok(
        {
            "balances": ledger.balances(list(DEMO_USER_IDS)),
            "bot_balance": ledger.bot_balance(),
            "opening_balance": ledger.opening_balance,
            "charges": charges,
        }
    )


async def set_stars(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    user_id = path_int(request, "user_id")
    if user_id not in state.world.users:
        raise ApiError(404, "Not Found: user not found")
    balance = (await json_object(request)).get("balance")
    if not isinstance(balance, int) or isinstance(balance, bool) or balance < 0:
        raise bad_request("balance must be a whole number of Stars, 0 or more")
    state.stars.set_balance(user_id, balance)
    state.events.publish({"type": "stars", "user_id": user_id, "balance": balance})
    return ok({"user_id": user_id, "balance": balance})


ROUTES: list[Route] = [
    ("POST", "/chats/{chat_id}/messages/{message_id}/pay", pay),
    ("GET", "/stars", stars),
    ("POST", "/users/{user_id}/stars", set_stars),
]
