"""Telegram Stars methods: sendInvoice, answerPreCheckoutQuery, refundStarPayment,
getStarTransactions and getMyStarBalance.

Only Stars are emulated: ``currency`` "XTR" with an empty ``provider_token`` and exactly one
price. The checks run in the Bot API server's order (its own parameter checks first, then
Telegram's), with their wording.
"""

from __future__ import annotations

from typing import Any

from sandbox.telegram import payments
from sandbox.telegram.api_common import ApiContext, inline_markup, resolve_target
from sandbox.telegram.api_send import post_content
from sandbox.telegram.errors import bad_request
from sandbox.telegram.params import Params
from sandbox.telegram.stars import Invoice

MAX_STARS = 10_000
# What a Stars invoice may not ask for (Telegram answers STARS_INVOICE_INVALID).
_NOT_FOR_STARS = (
    "need_name", "need_phone_number", "need_email", "need_shipping_address",
    "send_phone_number_to_provider", "send_email_to_provider", "is_flexible",
)  # fmt: skip


def _required(p: Params, name: str) -> str:
    value = p.get_str(name)
    if not value:
        raise bad_request(f'Parameter "{name}" is required')
    return value


def _prices(p: Params) -> list[dict[str, Any]]:
    _required(p, "prices")
    prices = p.get_json("prices")
    if not isinstance(prices, list):
        raise bad_request("Expected an Array of labeled prices")
    for price in prices:
        if not isinstance(price, dict):
            raise bad_request("Can't parse labeled price: LabeledPrice must be an Object")
        if not price.get("label"):
            raise bad_request("Can't parse labeled price: LabeledPrice label must be non-empty")
        amount = price.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int | str):
            raise bad_request('Can\'t parse labeled price: Field "amount" must be a valid Number')
        try:
            price["amount"] = int(amount)
        except ValueError:
            raise bad_request(
                'Can\'t parse labeled price: Field "amount" must be a valid Number'
            ) from None
    if not prices:
        raise bad_request("There must be at least one price")
    return prices


def _check_stars(p: Params, currency: str, prices: list[dict[str, Any]]) -> int:
    total = sum(int(price["amount"]) for price in prices)
    if total <= 0:
        raise bad_request("Total price must be positive")
    if currency != "XTR":
        raise bad_request("PAYMENT_PROVIDER_INVALID")
    if p.get_str("provider_token") or len(prices) != 1 or _asks_more(p):
        raise bad_request("STARS_INVOICE_INVALID")
    if total > MAX_STARS:
        raise bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
    return total


def _asks_more(p: Params) -> bool:
    tips = (p.get_int("max_tip_amount") or 0) > 0 or bool(p.get_json("suggested_tip_amounts"))
    return tips or any(p.get_bool(name) for name in _NOT_FOR_STARS)


def _check_texts(title: str, description: str, payload: str) -> None:
    if len(title) > 32:
        raise bad_request("TITLE_INVALID")
    if len(description) > 255:
        raise bad_request("DESCRIPTION_INVALID")
    if len(payload.encode()) > 128:
        raise bad_request("INVOICE_PAYLOAD_INVALID")


def _check_pay_button(p: Params) -> None:
    """A keyboard on an invoice must start with a Pay button (none: Telegram shows one)."""
    markup = inline_markup(p)
    rows = markup["inline_keyboard"] if markup else []
    if rows and not (rows[0] and rows[0][0].get("pay")):
        raise bad_request("REPLY_MARKUP_BUY_EMPTY")


async def send_invoice(ctx: ApiContext, p: Params) -> dict[str, Any]:
    title = _required(p, "title")
    description = _required(p, "description")
    payload = _required(p, "payload")
    currency = _required(p, "currency")
    total = _check_stars(p, currency, _prices(p))
    _check_texts(title, description, payload)
    _check_pay_button(p)
    target = resolve_target(ctx.state, p)
    content = {
        "invoice": {
            "title": title,
            "description": description,
            "start_parameter": p.get_str("start_parameter") or "",
            "currency": currency,
            "total_amount": total,
        }
    }
    message = post_content(ctx, target, content, p)
    chat_id, message_id = message["chat"]["id"], message["message_id"]
    ctx.state.stars.invoices[(chat_id, message_id)] = Invoice(
        chat_id, message_id, title, payload, total
    )
    return message


async def answer_pre_checkout_query(ctx: ApiContext, p: Params) -> bool:
    query_id = _required(p, "pre_checkout_query_id")
    error = None if p.get_bool("ok") else _required(p, "error_message")
    payments.answer_pre_checkout(ctx.state, query_id, error)
    return True


async def refund_star_payment(ctx: ApiContext, p: Params) -> bool:
    user_id = p.get_int("user_id")
    if not user_id:
        raise bad_request("Invalid user_id specified")
    payments.refund(ctx.state, user_id, _required(p, "telegram_payment_charge_id"))
    return True


async def get_star_transactions(ctx: ApiContext, p: Params) -> dict[str, Any]:
    offset = max(p.get_int("offset") or 0, 0)
    limit = min(max(p.get_int("limit") or 100, 1), 100)
    return {"transactions": ctx.state.stars.transactions[offset : offset + limit]}


async def get_my_star_balance(ctx: ApiContext, p: Params) -> dict[str, Any]:
    return {"amount": ctx.state.stars.bot_balance()}
