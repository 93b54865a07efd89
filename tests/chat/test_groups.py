"""Groups, forum topics, settings by admins only, strangers' button presses, Russian texts."""

from __future__ import annotations

from sandbox.telegram import ANNA_ID, BEN_ID, FORUM_ID, GROUP_ID, PRIVATE_CHAT_ID
from tests.chat.conftest import Sandbox, answer_of, buttons_of, has_video, text_of

TOPIC = 3


async def test_every_answer_lands_in_the_forum_topic(sandbox: Sandbox) -> None:
    client = sandbox.client
    request = await client.send_text(
        FORUM_ID, "/video@runway_video_bot a lighthouse", thread_id=TOPIC
    )
    video = await client.wait_for_message(FORUM_ID, has_video, timeout=20, thread_id=TOPIC)
    assert video["message_thread_id"] == TOPIC
    assert video["reply_to_message"]["message_id"] == request["message_id"]
    bot_messages = [m for m in await client.messages(FORUM_ID) if m.get("_by_bot")]
    assert bot_messages and all(m.get("message_thread_id") == TOPIC for m in bot_messages)
    await client.send_text(
        FORUM_ID, "/extend the beam turns", reply_to=video["message_id"], thread_id=TOPIC
    )
    extended = await client.wait_for_message(
        FORUM_ID, lambda m: has_video(m) and "beam" in text_of(m), timeout=20, thread_id=TOPIC
    )
    assert extended["message_thread_id"] == TOPIC


async def test_only_admins_change_group_settings(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(GROUP_ID, "/settings", user_id=ANNA_ID)
    panel = await client.wait_for_message(GROUP_ID, lambda m: "set:ar:9:16" in buttons_of(m))
    query = await client.press_button(GROUP_ID, panel["message_id"], "set:ar:9:16", ANNA_ID)
    refusal = await answer_of(sandbox, query)
    assert "администратор" in str(refusal.get("text"))
    assert await sandbox.bot.store.chat_settings(GROUP_ID) is None
    query = await client.press_button(GROUP_ID, panel["message_id"], "set:ar:9:16", BEN_ID)
    await answer_of(sandbox, query)
    options = (await sandbox.bot.chat.settings(GROUP_ID)).options
    assert options is not None and options.aspect_ratio is not None
    assert options.aspect_ratio.value == "9:16"
    await client.send_text(GROUP_ID, "/video a river", user_id=ANNA_ID)
    video = await client.wait_for_message(GROUP_ID, has_video, timeout=20)
    assert "9:16" in text_of(video)


async def test_settings_refuse_a_combination_the_provider_refuses(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(PRIVATE_CHAT_ID, "/settings")
    panel = await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "set:dur:10" in buttons_of(m))
    await answer_of(
        sandbox, await client.press_button(PRIVATE_CHAT_ID, panel["message_id"], "set:q:1080p")
    )
    query = await client.press_button(PRIVATE_CHAT_ID, panel["message_id"], "set:dur:10")
    refusal = await answer_of(sandbox, query)
    assert "1080p" in str(refusal.get("text"))
    options = (await sandbox.bot.chat.settings(PRIVATE_CHAT_ID)).options
    assert options is not None and options.duration == 5


async def test_watermark_through_force_reply(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(PRIVATE_CHAT_ID, "/settings")
    panel = await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "set:wm" in buttons_of(m))
    await client.press_button(PRIVATE_CHAT_ID, panel["message_id"], "set:wm")
    ask = await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "watermark text" in text_of(m))
    await client.send_text(PRIVATE_CHAT_ID, "Acme Films", reply_to=ask["message_id"])
    await client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "Watermark set" in text_of(m))
    options = (await sandbox.bot.chat.settings(PRIVATE_CHAT_ID)).options
    assert options is not None and options.watermark == "Acme Films"


async def test_a_stranger_cannot_press_someone_elses_buttons(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(GROUP_ID, "/video a red balloon")
    video = await client.wait_for_message(GROUP_ID, has_video, timeout=20)
    regenerate = next(data for data in buttons_of(video) if data.startswith("regen:"))
    query = await client.press_button(GROUP_ID, video["message_id"], regenerate, ANNA_ID)
    refusal = await answer_of(sandbox, query)
    assert refusal.get("show_alert") is True
    assert "автор" in str(refusal.get("text"))
    assert len(await sandbox.bot.store.recent(GROUP_ID, 10)) == 1
    query = await client.press_button(GROUP_ID, video["message_id"], regenerate, BEN_ID)
    await answer_of(sandbox, query)
    await client.wait_for_message(
        GROUP_ID, lambda m: has_video(m) and m["message_id"] != video["message_id"], timeout=20
    )


async def test_russian_user_gets_russian_texts(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.send_text(GROUP_ID, "/video кот --speed 2", user_id=ANNA_ID)
    error = await client.wait_for_message(GROUP_ID, lambda m: "--speed" in text_of(m))
    assert "Неизвестный параметр" in text_of(error) and "--ar" in text_of(error)
    await client.send_text(GROUP_ID, "/video кот на крыше", user_id=ANNA_ID)
    board = await client.wait_for_message(GROUP_ID, lambda m: "в работе" in text_of(m))
    assert "кот на крыше" in text_of(board)  # the group's shared status lists each request
    await client.send_text(GROUP_ID, "/help", user_id=ANNA_ID)
    await client.wait_for_message(GROUP_ID, lambda m: "В группе" in text_of(m))


async def test_help_in_a_group_explains_privacy_mode(sandbox: Sandbox) -> None:
    await sandbox.client.send_text(GROUP_ID, "/help@runway_video_bot")
    answer = await sandbox.client.wait_for_message(GROUP_ID, lambda m: "In a group" in text_of(m))
    assert "/extend" in text_of(answer)


async def test_unknown_option_is_named_with_the_valid_ones(sandbox: Sandbox) -> None:
    await sandbox.client.send_text(PRIVATE_CHAT_ID, "/video a cat --ar 2:1")
    answer = await sandbox.client.wait_for_message(PRIVATE_CHAT_ID, lambda m: "2:1" in text_of(m))
    assert "--ar" in text_of(answer) and "16:9" in text_of(answer)
    assert await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 5) == []
