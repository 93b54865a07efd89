"""What a newcomer's first hour ran into: links in groups and forums, bare commands, and the
settings panel after a change."""

from __future__ import annotations

from bot.telegram.handlers.jobs import message_link
from sandbox.telegram import FORUM_ID, PRIVATE_CHAT_ID
from tests.chat.conftest import Message, Sandbox, buttons_of, text_of


def test_links_name_the_supergroup_and_open_a_forum_topic() -> None:
    assert message_link(FORUM_ID, 17) == "https://t.me/c/1000000200/17"
    assert message_link(FORUM_ID, 17, thread_id=3) == "https://t.me/c/1000000200/17?thread=3"
    assert message_link(-100, 17) is None  # a plain group has no t.me links
    assert message_link(PRIVATE_CHAT_ID, 17) is None
    assert message_link(FORUM_ID, None) is None


async def test_bare_aleph_and_extend_say_how_they_are_used(sandbox: Sandbox) -> None:
    client = sandbox.client
    for command in ("/aleph", "/extend"):
        await client.send_text(PRIVATE_CHAT_ID, command)

        def explains(message: Message, command: str = command) -> bool:
            return bool(message["from"]["is_bot"]) and command in text_of(message)

        answer = await client.wait_for_message(PRIVATE_CHAT_ID, explains)
        assert "surfing" not in text_of(answer), text_of(answer)
        assert "reply" in text_of(answer).lower(), text_of(answer)


async def test_the_settings_panel_shows_a_new_watermark(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(PRIVATE_CHAT_ID, "/settings")
    panel = await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "set:wm" in buttons_of(m))
    await client.press_button(PRIVATE_CHAT_ID, panel["message_id"], "set:wm")
    ask = await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "watermark text" in text_of(m))
    await client.send_text(PRIVATE_CHAT_ID, "Acme Films", reply_to=ask["message_id"])
    await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "Watermark set" in text_of(m))
    await client.send_text(PRIVATE_CHAT_ID, "/settings")
    again = await client.wait_for_message(
        PRIVATE_CHAT_ID,
        lambda m: "set:wm" in buttons_of(m) and m["message_id"] != panel["message_id"],
    )
    assert "Acme Films" in text_of(again)
