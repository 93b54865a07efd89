"""A crowd made at run time: people, groups, forums and channels, and bulk posts."""

from __future__ import annotations

import pytest
from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden

from sandbox.telegram import ANNA_ID, PRIVATE_CHAT_ID, YOU_ID, RunningTelegram, SandboxError


async def updates_until(bot: Bot, count: int) -> list[Update]:
    """Read ``count`` updates with PTB's real getUpdates, confirming as it goes."""
    seen: list[Update] = []
    offset = None
    while len(seen) < count:
        batch = await bot.get_updates(offset=offset, timeout=2)
        assert batch, f"only {len(seen)} of {count} updates arrived"
        seen.extend(batch)
        offset = batch[-1].update_id + 1
    return seen


async def test_a_thousand_people_each_send_video_at_once(
    bot: Bot, sandbox: RunningTelegram
) -> None:
    people = await sandbox.client.create_users(1000, language_code="ru")
    ids = [person["id"] for person in people]
    posts = [{"chat_id": uid, "user_id": uid, "text": f"/video cat {uid}"} for uid in ids]

    posted = await sandbox.client.post_many(posts)
    updates = await updates_until(bot, 1000)

    assert len(set(ids)) == 1000 and all(uid > 0 for uid in ids)
    assert [p.chat_id for p in posted] == ids
    update_ids = [u.update_id for u in updates]
    assert update_ids == sorted(update_ids) == [p.update_id for p in posted]
    messages = [u.message for u in updates if u.message and u.message.from_user]
    assert [m.text for m in messages] == [f"/video cat {uid}" for uid in ids]
    assert {m.from_user.language_code for m in messages if m.from_user} == {"ru"}
    answer = await bot.send_message(ids[-1], "queued")
    assert answer.chat.type == "private" and answer.chat.id == ids[-1]


async def test_people_from_specs_keep_their_names(sandbox: RunningTelegram) -> None:
    made = await sandbox.client.add_users(
        [{"id": 5001, "first_name": "Dana", "username": "dana_cat"}, {"first_name": "Eli"}]
    )
    world = await sandbox.client.world()

    assert made[0] == {"id": 5001, "is_bot": False, "first_name": "Dana", "username": "dana_cat"}
    assert made[1]["first_name"] == "Eli"
    assert {5001, made[1]["id"]} <= {c["id"] for c in world["chats"] if c["type"] == "private"}
    with pytest.raises(SandboxError, match="already exists"):
        await sandbox.client.add_users([{"id": 5001}])
    with pytest.raises(SandboxError, match="language_code"):
        await sandbox.client.create_users(1, language_code="English!")


async def test_a_language_change_shows_in_the_next_update(
    bot: Bot, sandbox: RunningTelegram
) -> None:
    await sandbox.client.send_text(PRIVATE_CHAT_ID, "before")
    await sandbox.client.set_language(YOU_ID, "ru")
    await sandbox.client.send_text(PRIVATE_CHAT_ID, "after")

    first, second = await bot.get_updates()

    assert first.effective_user is not None and first.effective_user.language_code == "en"
    assert second.effective_user is not None and second.effective_user.language_code == "ru"


async def test_a_forum_with_topics_and_members(bot: Bot, sandbox: RunningTelegram) -> None:
    (person,) = await sandbox.client.create_users(1)
    forum = await sandbox.client.create_chat(
        "supergroup",
        "Crowd Forum",
        members={YOU_ID: "creator", person["id"]: "member"},
        bot_status="administrator",
        is_forum=True,
        topics=["Renders"],
    )
    (topic,) = forum["topics"]
    later = await sandbox.client.create_topic(forum["id"], "Ideas")

    await sandbox.client.send_text(
        forum["id"], "/video in a topic", user_id=person["id"], thread_id=topic["message_thread_id"]
    )
    sent = await bot.send_message(forum["id"], "ok", message_thread_id=later["message_thread_id"])
    updates = [u.message for u in await bot.get_updates() if u.message]

    assert forum["id"] <= -1_000_000_000_000 and forum["is_forum"]
    assert sent.message_thread_id == later["message_thread_id"] and sent.is_topic_message
    assert updates[0].forum_topic_created is not None
    assert updates[0].forum_topic_created.name == "Ideas"
    assert updates[1].text == "/video in a topic"
    assert updates[1].message_thread_id == topic["message_thread_id"]
    member = await bot.get_chat_member(forum["id"], person["id"])
    assert member.status == "member"


async def test_privacy_mode_in_a_new_group(bot: Bot, sandbox: RunningTelegram) -> None:
    group = await sandbox.client.create_chat("group", "Crowd Group", members=[YOU_ID, ANNA_ID])
    await sandbox.client.send_text(group["id"], "just talk", user_id=ANNA_ID)
    await sandbox.client.send_text(group["id"], "/video a dog", user_id=ANNA_ID)

    texts = [u.message.text for u in await bot.get_updates() if u.message]

    assert group["id"] < 0 and group["type"] == "group"
    assert texts == ["/video a dog"]


async def test_the_bot_must_be_there_to_post(bot: Bot, sandbox: RunningTelegram) -> None:
    gone = await sandbox.client.create_chat("group", "Left", bot_status="left")
    kicked = await sandbox.client.create_chat("supergroup", "Kicked", bot_status="kicked")
    reader = await sandbox.client.create_chat("channel", "News", bot_status="member")

    with pytest.raises(Forbidden, match=r"(?i)bot is not a member of the group chat"):
        await bot.send_message(gone["id"], "hi")
    with pytest.raises(Forbidden, match=r"(?i)bot was kicked from the supergroup chat"):
        await bot.send_message(kicked["id"], "hi")
    with pytest.raises(BadRequest, match=r"(?i)need administrator rights in the channel chat"):
        await bot.send_message(reader["id"], "hi")


async def test_member_changes_reach_the_bot(bot: Bot, sandbox: RunningTelegram) -> None:
    group = await sandbox.client.create_chat("supergroup", "Changing", members=[YOU_ID])
    await bot.get_updates(allowed_updates=["my_chat_member", "chat_member", "message"])

    await sandbox.client.set_members(group["id"], {ANNA_ID: "member"})
    await sandbox.client.set_members(group["id"], {bot.id: "administrator"})
    mine, theirs = sorted(await bot.get_updates(), key=lambda u: u.my_chat_member is None)

    assert mine.my_chat_member is not None
    assert mine.my_chat_member.old_chat_member.status == "member"
    assert mine.my_chat_member.new_chat_member.status == "administrator"
    assert theirs.chat_member is not None and theirs.chat_member.new_chat_member.user.id == ANNA_ID
    assert (await bot.get_chat_member(group["id"], ANNA_ID)).status == "member"


async def test_a_refused_batch_posts_nothing(sandbox: RunningTelegram) -> None:
    before = len(await sandbox.client.messages(PRIVATE_CHAT_ID))
    posts = [{"chat_id": PRIVATE_CHAT_ID, "text": "fine"}, {"chat_id": -999, "text": "nowhere"}]

    with pytest.raises(SandboxError, match=r"chat not found \(post 1\)"):
        await sandbox.client.post_many(posts)

    assert len(await sandbox.client.messages(PRIVATE_CHAT_ID)) == before


async def test_replies_and_topics_in_a_batch(bot: Bot, sandbox: RunningTelegram) -> None:
    asked = await sandbox.client.send_text(PRIVATE_CHAT_ID, "a prompt")
    await bot.get_updates(offset=-1)
    posts = [{"chat_id": PRIVATE_CHAT_ID, "text": "/extend more", "reply_to": asked["message_id"]}]

    (posted,) = await sandbox.client.post_many(posts)
    (update,) = await bot.get_updates(offset=posted.update_id)

    assert update.message is not None and update.message.reply_to_message is not None
    assert update.message.reply_to_message.text == "a prompt"
