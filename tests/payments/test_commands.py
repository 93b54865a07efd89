"""/refund, /usage and /balance for admins (who never pay), /settings with a price, /buy's
refusals, and the Russian plural forms."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.telegram import GROUP_ID, PRIVATE_CHAT_ID
from sandbox.telegram.world import ANNA_ID, YOU_ID
from tests.chat.conftest import has_video, text_of
from tests.payments.conftest import (
    PRICE,
    Sandbox,
    StartSandbox,
    bot_says,
    invoice_for,
    is_invoice,
    ledger_rows,
)


async def _by_anna(sandbox: Sandbox, words: str) -> str:
    """The bot's answer to `words` said in the group."""
    request = await sandbox.client.send_text(GROUP_ID, words, user_id=ANNA_ID)

    def answers(message: dict[str, Any]) -> bool:
        reply = message.get("reply_to_message") or {}
        return bool(reply.get("message_id") == request["message_id"])

    return text_of(await sandbox.client.wait_for_message(GROUP_ID, answers, timeout=10))


@pytest.mark.slow(
    "About 5 s: a paid clip made and delivered, then /refund twice and /usage, in one private "
    "chat at about one message a second."
)
async def test_an_admin_refunds_a_job_once_and_sees_stars_in_usage(
    start_sandbox: StartSandbox,
) -> None:
    # About 6 s: six commands in a group, which Telegram's per-group flood limit paces.
    async with start_sandbox(stars_per_credit=1, admin_user_ids=frozenset({ANNA_ID})) as sb:
        await sb.client.set_language(ANNA_ID, "en")
        request = await sb.client.send_text(PRIVATE_CHAT_ID, "/video a red kite")
        invoice = await invoice_for(sb, request)
        assert (await sb.client.pay(PRIVATE_CHAT_ID, invoice["message_id"])).paid
        await sb.client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
        job = (await sb.bot.store.recent(PRIVATE_CHAT_ID, 1))[0]
        done = await _by_anna(sb, f"/refund {job.id}")
        assert f"Refunded {PRICE} Stars for job #{job.id}" in done
        await bot_says(sb, "refunded to your Telegram account")
        again = await _by_anna(sb, f"/refund {job.id}")
        assert "nothing to refund" in again
        await sb.client.send_text(PRIVATE_CHAT_ID, f"/refund {job.id}")
        await bot_says(sb, "for the bot's admins")
        usage = await _by_anna(sb, "/usage")
        assert f"⭐ Stars: {PRICE} earned, {PRICE} refunded" in usage
        assert "Provider credits left" in await _by_anna(sb, "/balance")


async def test_admins_never_pay(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(stars_per_credit=1, admin_user_ids=frozenset({YOU_ID})) as sb:
        await sb.client.send_text(PRIVATE_CHAT_ID, "/video an admin's clip")
        await sb.client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
        assert not [m for m in await sb.client.messages(PRIVATE_CHAT_ID) if is_invoice(m)]
        assert await ledger_rows(sb) == []


async def test_settings_show_the_price_and_russian_counts_stars(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(PRIVATE_CHAT_ID, "/settings")
    assert f"costs {PRICE} Stars" in text_of(await bot_says(sandbox, "costs"))
    await client.set_language(YOU_ID, "ru")
    await client.send_text(PRIVATE_CHAT_ID, "/settings")
    assert f"стоит {PRICE} звёзд" in text_of(await bot_says(sandbox, "стоит"))
    await client.send_text(PRIVATE_CHAT_ID, "/balance")
    answer = text_of(await bot_says(sandbox, "Ваш баланс"))
    assert "0 звёзд" in answer and "Потрачено в этом месяце" in answer
    await client.send_text(PRIVATE_CHAT_ID, "/buy lots")
    assert "от 1 до 10000" in text_of(await bot_says(sandbox, "/buy <звёзды>"))


@pytest.mark.slow(
    "About 3 s alone, 6 s beside the other workers: /buy refused, then a clip made and delivered,"
    " in one private chat at about one message a second."
)
async def test_without_a_rate_nothing_is_priced(start_sandbox: StartSandbox) -> None:
    async with start_sandbox() as sb:
        await sb.client.send_text(PRIVATE_CHAT_ID, "/buy 10")
        await bot_says(sb, "Payments are off")
        await sb.client.send_text(PRIVATE_CHAT_ID, "/video free as ever")
        await sb.client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
        assert not [m for m in await sb.client.messages(PRIVATE_CHAT_ID) if is_invoice(m)]
        assert await ledger_rows(sb) == []
