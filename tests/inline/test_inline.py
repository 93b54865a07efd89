"""`@bot words` lists the asker's own delivered videos by the words of their prompts, pages
them, and posts the chosen one by its file_id; nobody sees another person's videos."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.domain.models import Delivery, Job, JobState, Origin, Result, ResultKind, VideoOptions
from bot.domain.ports import NewJob
from bot.domain.sharing import PAGE
from bot.telegram.handlers.inline import CACHE_SECONDS, START_PARAMETER
from sandbox.telegram import ANNA_ID, GROUP_ID, PRIVATE_CHAT_ID, YOU_ID, InlineAnswerInfo
from tests.chat.conftest import Sandbox, StartSandbox, has_video
from tests.support import eventually


async def make_video(sandbox: Sandbox, chat_id: int, user_id: int, prompt: str) -> Job:
    """A real generation through both emulators, delivered; returns its job."""
    request = await sandbox.client.send_text(chat_id, f"/video {prompt}", user_id=user_id)
    await sandbox.client.wait_for_message(
        chat_id,
        lambda m: (
            has_video(m)
            and m.get("reply_to_message", {}).get("message_id") == request["message_id"]
        ),
        timeout=30,
    )
    jobs = await sandbox.bot.store.recent(chat_id, 20)
    job = next(j for j in jobs if j.origin.request_message_id == request["message_id"])

    async def delivered() -> bool:
        found = await sandbox.bot.store.get(job.id)
        return found is not None and found.state is JobState.DELIVERED

    await eventually(delivered, what=f"job {job.id} recorded as delivered")
    found = await sandbox.bot.store.get(job.id)
    assert found is not None and found.delivery is not None and found.delivery.file_id
    return found


async def ask(sandbox: Sandbox, query: str, user_id: int, offset: str = "") -> InlineAnswerInfo:
    asked = await sandbox.client.inline_query(query, user_id=user_id, offset=offset)
    answer = asked.answer or await sandbox.client.inline_answer(asked.inline_query_id)
    assert answer is not None, "the bot did not answer the inline query"
    return answer


async def copy_delivered(sandbox: Sandbox, like: Job, prompt: str) -> Job:
    """Another delivered video in the store, sharing `like`'s Telegram file (as a regenerated
    clip that came out the same would): many videos without many generations."""
    store, now = sandbox.bot.store, datetime.now(UTC)
    new = NewJob(
        kind=like.kind,
        prompt=prompt,
        options=VideoOptions(),
        origin=Origin(like.origin.chat_id, like.origin.user_id, None),
        callback_token=f"copy-{prompt}-{now.timestamp()}",
        created_at=now,
        state=JobState.QUEUED,
    )
    job = await store.create(new)
    result = Result(ResultKind.VIDEO, url="http://127.0.0.1/unused.mp4")
    await store.advance(job.id, JobState.SUCCEEDED, now, result=result)
    assert like.delivery is not None
    delivery = Delivery(like.origin.chat_id, like.delivery.message_id, like.delivery.file_id)
    done = await store.mark_delivered(job.id, delivery, now)
    assert done is not None
    return done


@pytest.mark.slow(
    "About 6 s: the group's video waits for the group's flood budget (20 messages a minute)."
)
async def test_only_the_askers_own_videos_by_words(start_sandbox: StartSandbox) -> None:
    async with start_sandbox() as sandbox:
        olga = (await sandbox.client.create_user("Olga"))["id"]
        fox, whale, car = await asyncio.gather(
            make_video(sandbox, PRIVATE_CHAT_ID, YOU_ID, "a red fox in the snow"),
            make_video(sandbox, GROUP_ID, YOU_ID, "a blue whale, slowly"),
            make_video(sandbox, olga, olga, "a red car at night"),
        )

        mine = await ask(sandbox, "", YOU_ID)  # empty: the latest, newest first, any chat
        assert mine.result_ids == [str(i) for i in sorted((whale.id, fox.id), reverse=True)]
        assert mine.is_personal and mine.cache_time == CACHE_SECONDS
        assert mine.next_offset == ""
        red = await ask(sandbox, "RED", YOU_ID)
        assert red.result_ids == [str(fox.id)]
        assert (await ask(sandbox, "red", olga)).result_ids == [str(car.id)]
        assert (await ask(sandbox, "whale", olga)).result_ids == []

        (result,) = red.results
        assert result["type"] == "video"
        assert fox.delivery is not None and result["video_file_id"] == fox.delivery.file_id
        assert result["title"] == "a red fox in the snow"


async def test_choosing_a_result_posts_the_video_with_its_caption(
    start_sandbox: StartSandbox,
) -> None:
    async with start_sandbox() as sandbox:
        client = sandbox.client
        fox = await make_video(sandbox, PRIVATE_CHAT_ID, YOU_ID, "a red fox in the snow")
        delivered = next(
            m for m in await client.messages(PRIVATE_CHAT_ID) if m.get("_by_bot") and has_video(m)
        )
        asked = await client.inline_query("fox", user_id=YOU_ID, chat_id=GROUP_ID)
        assert await client.inline_answer(asked.inline_query_id) is not None
        posted = await client.choose_inline_result(
            asked.inline_query_id, str(fox.id), chat_id=GROUP_ID
        )
        assert posted["via_bot"]["is_bot"] is True
        assert posted["from"]["id"] == YOU_ID
        assert posted["video"]["file_unique_id"] == delivered["video"]["file_unique_id"]
        assert posted["caption"] == delivered["caption"]

        # Posted in the bot's own chat, the shared video is not taken for a request.
        asked = await client.inline_query("fox", user_id=YOU_ID, chat_id=PRIVATE_CHAT_ID)
        await client.inline_answer(asked.inline_query_id)
        before = len(await client.messages(PRIVATE_CHAT_ID))
        await client.choose_inline_result(
            asked.inline_query_id, str(fox.id), chat_id=PRIVATE_CHAT_ID
        )
        status = await client.send_text(PRIVATE_CHAT_ID, "/status")  # a marker the bot answers
        await client.wait_for_message(
            PRIVATE_CHAT_ID,
            lambda m: m.get("reply_to_message", {}).get("message_id") == status["message_id"],
        )
        shared = [u["message"] for u in await client.updates() if "message" in u]
        assert any(m.get("via_bot") and m["chat"]["id"] == PRIVATE_CHAT_ID for m in shared)
        after = await client.messages(PRIVATE_CHAT_ID)
        bot_replies = [m for m in after[before:] if m.get("_by_bot")]
        assert len(bot_replies) == 1, "the bot answered the shared video itself"


async def test_pages_and_words_in_any_order_and_case(start_sandbox: StartSandbox) -> None:
    async with start_sandbox() as sandbox:
        first = await make_video(sandbox, PRIVATE_CHAT_ID, YOU_ID, "Кот на Луне")
        copies = [await copy_delivered(sandbox, first, f"clip {n}") for n in range(PAGE + 4)]

        page_one = await ask(sandbox, "", YOU_ID)
        newest = [str(job.id) for job in reversed(copies)]
        assert page_one.result_ids == newest[:PAGE]
        assert page_one.next_offset == newest[PAGE - 1]
        page_two = await ask(sandbox, "", YOU_ID, offset=page_one.next_offset)
        assert page_two.result_ids == [*newest[PAGE:], str(first.id)]
        assert page_two.next_offset == ""

        assert (await ask(sandbox, "луне КОТ", YOU_ID)).result_ids == [str(first.id)]
        # Words match anywhere in the prompt, so one can type just the start of a word.
        threes = [str(copies[n].id) for n in (23, 13, 3)]
        assert (await ask(sandbox, "cli 3", YOU_ID)).result_ids == threes


async def test_no_videos_yet_offers_to_make_one(start_sandbox: StartSandbox) -> None:
    async with start_sandbox() as sandbox:
        answer = await ask(sandbox, "", ANNA_ID)
        assert answer.results == ()
        assert answer.button is not None
        assert answer.button["start_parameter"] == START_PARAMETER
        assert "сделать" in answer.button["text"]  # Anna's Telegram is in Russian
