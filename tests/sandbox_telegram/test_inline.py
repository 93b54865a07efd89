"""Inline mode through PTB's real Bot: queries, answers, paging, caching, chosen results."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultCachedVideo,
    InputTextMessageContent,
    Update,
)
from telegram.error import BadRequest

from sandbox.telegram import (
    ANNA_ID,
    GROUP_ID,
    PRIVATE_CHAT_ID,
    YOU_ID,
    RunningTelegram,
    SandboxError,
)


def article(result_id: str, text: str = "a prompt", **extra: object) -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        result_id,
        f"Title {result_id}",
        InputTextMessageContent(text),
        **extra,  # type: ignore[arg-type]
    )


async def inline_update(bot: Bot, offset: int | None = None) -> Update:
    (update,) = await bot.get_updates(offset=offset, timeout=5)
    assert update.inline_query is not None
    return update


async def test_an_inline_query_reaches_the_bot(bot: Bot, sandbox: RunningTelegram) -> None:
    asked = await sandbox.client.inline_query("red fox", user_id=YOU_ID, chat_id=PRIVATE_CHAT_ID)
    update = await inline_update(bot)
    in_group = await sandbox.client.inline_query("x", user_id=ANNA_ID, chat_id=GROUP_ID)
    group_update = await inline_update(bot, update.update_id + 1)

    query = update.inline_query
    assert query is not None
    assert (query.id, query.query, query.offset) == (asked.inline_query_id, "red fox", "")
    assert query.chat_type == "sender" and query.from_user.id == YOU_ID
    assert group_update.inline_query is not None
    assert group_update.inline_query.chat_type == "group"
    assert group_update.inline_query.id == in_group.inline_query_id
    assert (await bot.get_me()).supports_inline_queries
    assert asked.cached is False and asked.answer is None


async def test_a_cached_video_result_posts_via_the_bot(
    bot: Bot, sandbox: RunningTelegram, mp4_path: Path
) -> None:
    clip = await bot.send_video(PRIVATE_CHAT_ID, mp4_path, caption="made earlier")
    assert clip.video is not None
    asked = await sandbox.client.inline_query("fox", chat_id=PRIVATE_CHAT_ID)
    update = await inline_update(bot)
    results = [
        InlineQueryResultCachedVideo("v1", clip.video.file_id, "Red fox", caption="🦊 fox"),
        article("a1", "/video a red fox"),
    ]

    assert await bot.answer_inline_query(update.inline_query.id, results, cache_time=0)  # type: ignore[union-attr]
    answer = await sandbox.client.inline_answer(asked.inline_query_id)
    assert answer is not None and answer.result_ids == ["v1", "a1"]
    assert answer.results[0]["_preview"]["thumbnail_file_id"]
    posted = await sandbox.client.choose_inline_result(asked.inline_query_id, "v1")
    (seen,) = await bot.get_updates(offset=update.update_id + 1, timeout=5)

    assert posted["via_bot"]["username"] == "runway_video_bot"
    assert posted["video"]["file_id"] == clip.video.file_id and posted["caption"] == "🦊 fox"
    assert seen.message is not None and seen.message.via_bot is not None
    assert seen.message.from_user is not None and seen.message.from_user.id == YOU_ID
    assert seen.message.video is not None


async def test_an_article_in_a_group_and_the_feedback(bot: Bot, sandbox: RunningTelegram) -> None:
    await sandbox.client.set_bot_settings(inline_feedback=True)
    asked = await sandbox.client.inline_query("cat", user_id=ANNA_ID, chat_id=GROUP_ID)
    update = await inline_update(bot)
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("Make it", callback_data="go:1")]])
    await bot.answer_inline_query(
        update.inline_query.id,  # type: ignore[union-attr]
        [article("a1", "/video a *cat*", reply_markup=buttons)],
        is_personal=True,
    )

    posted = await sandbox.client.choose_inline_result(asked.inline_query_id, "a1")
    command, chosen = await bot.get_updates(offset=update.update_id + 1, timeout=5)

    assert posted["chat"]["id"] == GROUP_ID and posted["text"] == "/video a *cat*"
    assert command.message is not None and command.message.via_bot is not None
    assert chosen.chosen_inline_result is not None
    result = chosen.chosen_inline_result
    assert (result.result_id, result.query, result.from_user.id) == ("a1", "cat", ANNA_ID)
    assert result.inline_message_id
    assert await bot.edit_message_text("rendering…", inline_message_id=result.inline_message_id)
    (edited,) = [m for m in await sandbox.client.messages(GROUP_ID) if m.get("via_bot")]
    assert edited["text"] == "rendering…"


async def test_no_feedback_unless_the_bot_asked(bot: Bot, sandbox: RunningTelegram) -> None:
    asked = await sandbox.client.inline_query("cat")
    update = await inline_update(bot)
    await bot.answer_inline_query(update.inline_query.id, [article("a1")])  # type: ignore[union-attr]

    await sandbox.client.choose_inline_result(asked.inline_query_id, "a1")
    kinds = [u.to_dict() for u in await bot.get_updates(offset=update.update_id + 1)]

    assert [("message" in k, "chosen_inline_result" in k) for k in kinds] == [(True, False)]


async def test_paging_with_next_offset(bot: Bot, sandbox: RunningTelegram) -> None:
    everything = [article(f"r{n}") for n in range(120)]
    pages: list[list[str]] = []
    offset, last_update = "", None
    while True:
        asked = await sandbox.client.inline_query("all", offset=offset)
        update = await inline_update(bot, last_update)
        last_update = update.update_id + 1
        assert update.inline_query is not None and update.inline_query.offset == offset
        await bot.answer_inline_query(
            update.inline_query.id, everything, current_offset=offset, cache_time=0
        )
        answer = await sandbox.client.inline_answer(asked.inline_query_id)
        assert answer is not None
        pages.append(answer.result_ids)
        if not answer.next_offset:
            break
        offset = answer.next_offset

    assert [len(page) for page in pages] == [50, 50, 20]
    assert [i for page in pages for i in page] == [f"r{n}" for n in range(120)]


async def test_answers_are_cached_as_telegram_caches_them(
    bot: Bot, sandbox: RunningTelegram
) -> None:
    first = await sandbox.client.inline_query("dog", user_id=YOU_ID)
    update = await inline_update(bot)
    await bot.answer_inline_query(update.inline_query.id, [article("d1")], cache_time=300)  # type: ignore[union-attr]

    again = await sandbox.client.inline_query("dog", user_id=ANNA_ID)

    assert again.cached and again.inline_query_id == first.inline_query_id
    assert again.answer is not None and again.answer.result_ids == ["d1"]
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()


async def test_personal_answers_are_cached_per_person(bot: Bot, sandbox: RunningTelegram) -> None:
    await sandbox.client.inline_query("mine", user_id=YOU_ID)
    update = await inline_update(bot)
    await bot.answer_inline_query(update.inline_query.id, [article("m1")], is_personal=True)  # type: ignore[union-attr]

    same_person = await sandbox.client.inline_query("mine", user_id=YOU_ID)
    other_person = await sandbox.client.inline_query("mine", user_id=ANNA_ID)

    assert same_person.cached and not other_person.cached
    assert (await inline_update(bot, update.update_id + 1)).inline_query.from_user.id == ANNA_ID  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("results", "error"),
    [
        ([article(f"r{n}") for n in range(51)], "Too many inline query results specified"),
        ([article("same"), article("same")], "RESULT_ID_DUPLICATE"),
        ([article("x" * 65)], "RESULT_ID_INVALID"),
        ([InlineQueryResultCachedVideo("v", "BAACnope", "t")], "wrong file identifier"),
        ([article("long", "y" * 4097)], "message is too long"),
    ],
)
async def test_answers_telegram_refuses(
    bot: Bot, sandbox: RunningTelegram, results: list[InlineQueryResultArticle], error: str
) -> None:
    await sandbox.client.inline_query("bad")
    update = await inline_update(bot)
    with pytest.raises(BadRequest) as refused:
        await bot.answer_inline_query(update.inline_query.id, results)  # type: ignore[union-attr]
    assert error.lower() in refused.value.message.lower()


async def test_a_query_is_answered_once(bot: Bot, sandbox: RunningTelegram) -> None:
    await sandbox.client.inline_query("once")
    update = await inline_update(bot)
    assert update.inline_query is not None
    await bot.answer_inline_query(update.inline_query.id, [article("1")])

    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query(update.inline_query.id, [article("2")])
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_inline_query("123", [article("2")])


async def test_inline_mode_can_be_off(bot: Bot, sandbox: RunningTelegram) -> None:
    await sandbox.client.set_bot_settings(inline_queries=False)

    with pytest.raises(SandboxError, match="does not support inline mode"):
        await sandbox.client.inline_query("anything")
    assert not (await bot.get_me()).supports_inline_queries
