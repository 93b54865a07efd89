"""Chat settings, channel bindings, prompts, and everything surviving a close and re-open."""

from __future__ import annotations

from bot.domain.models import AspectRatio, Delivery, Engine, JobState, Quality, VideoOptions
from bot.domain.ports import Awaiting, ChatSettings, JobStore, PendingPrompt
from tests.storage.conftest import Opener
from tests.storage.factories import at, claim, job_in, must

S = JobState


async def test_chat_settings_are_upserted_per_chat(store: JobStore) -> None:
    assert await store.chat_settings(1) is None
    first = ChatSettings(VideoOptions(AspectRatio.SQUARE, 10, Quality.HD, ""))
    second = ChatSettings(VideoOptions(None, 5, Quality.FULL_HD, "© studio «ночь» 🎥"), Engine.KIE)
    await store.save_chat_settings(1, first)
    await store.save_chat_settings(-1002000000000, first)
    await store.save_chat_settings(1, second)
    assert await store.chat_settings(1) == second
    assert await store.chat_settings(-1002000000000) == first


async def test_channel_binding_is_upserted_per_chat(store: JobStore) -> None:
    assert await store.bound_channel(1) is None
    await store.bind_channel(1, -1001, "Old name")
    await store.bind_channel(2, -1002, "Other")
    await store.bind_channel(1, -1003, "New name")
    assert await store.bound_channel(1) == (-1003, "New name")
    assert await store.bound_channel(2) == (-1002, "Other")


async def test_prompts_expire_and_can_be_dropped(store: JobStore) -> None:
    extend = PendingPrompt(Awaiting.EXTEND, job_id=5, user_id=7)
    await store.save_prompt(100, 10, extend, at(60))
    assert await store.prompt(100, 10, at(59)) == extend
    assert await store.prompt(100, 10, at(60)) is None
    assert await store.prompt(100, 11, at(1)) is None
    speed = PendingPrompt(Awaiting.PHOTO_SIZE)
    await store.save_prompt(100, 10, speed, at(120))
    assert await store.prompt(100, 10, at(61)) == speed
    await store.drop_prompt(100, 10)
    assert await store.prompt(100, 10, at(61)) is None


async def test_ping_writes(store: JobStore) -> None:
    await store.ping()
    await store.ping()


async def test_everything_survives_a_restart(store_opener: Opener) -> None:
    async with store_opener() as store:
        delivered = await job_in(store, S.DELIVERED)
        running = await job_in(store, S.QUEUED)
        await store.reschedule(running.id, at(5), 2)
        running = must(await store.get(running.id))
        settings = ChatSettings(VideoOptions(AspectRatio.TALL), Engine.RUNWAY_AI)
        await store.save_chat_settings(100, settings)
        await store.bind_channel(100, -1001, "Channel")
        await store.save_prompt(100, 9, PendingPrompt(Awaiting.TRIM, 1, 2), at(99))
    async with store_opener() as store:
        await store.ping()
        assert await store.get(delivered.id) == delivered
        assert await store.by_delivery(100, must(must(delivered.delivery).message_id)) == delivered
        assert await store.claim_due(at(5), claim(), 10) == [running]
        assert await store.chat_settings(100) == settings
        assert await store.bound_channel(100) == (-1001, "Channel")
        assert await store.prompt(100, 9, at(1)) == PendingPrompt(Awaiting.TRIM, 1, 2)
        assert await store.mark_delivered(running.id, Delivery(100, 1), at(6)) is None


async def test_a_new_prompt_leaves_the_others_waiting(store: JobStore) -> None:
    """Prompts last a day each: one sent later (to anyone) must not end one sent earlier."""
    first = PendingPrompt(Awaiting.EXTEND, job_id=1, user_id=7)
    await store.save_prompt(100, 10, first, at(60 * 24))
    await store.save_prompt(200, 20, PendingPrompt(Awaiting.RESTYLE), at(60 * 24 + 5))
    assert await store.prompt(100, 10, at(5)) == first
    assert await store.prompt(100, 10, at(60 * 24)) is None
    assert await store.prompt(200, 20, at(60 * 24)) == PendingPrompt(Awaiting.RESTYLE)
