"""Delivery paths by size, and failures explained in the status message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.models import JobState
from bot.domain.ports import Claim
from sandbox.runway import RunwayKnobs
from sandbox.telegram import PRIVATE_CHAT_ID
from tests.chat.conftest import Sandbox, StartSandbox, has_video, text_of
from tests.support import QUARTER, eventually

MB = 1024 * 1024


async def test_video_over_twenty_megabytes_is_uploaded(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(
        knobs=RunwayKnobs(latency=0.3, fps=4, min_video_bytes=21 * MB, frame_scale=QUARTER)
    ) as sandbox:
        client = sandbox.client
        await client.send_text(PRIVATE_CHAT_ID, "/video a big wave")
        video = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=30)
        assert video["video"]["file_size"] > 20 * MB
        assert await sandbox.too_many_requests() == 0


async def test_video_over_fifty_megabytes_becomes_a_link(start_sandbox: StartSandbox) -> None:
    async with start_sandbox(
        knobs=RunwayKnobs(latency=0.3, fps=4, min_video_bytes=51 * MB, frame_scale=QUARTER)
    ) as sandbox:
        client = sandbox.client
        await client.send_text(PRIVATE_CHAT_ID, "/video a huge wave")
        note = await client.wait_for_message(
            PRIVATE_CHAT_ID, lambda m: "50 MB" in text_of(m), timeout=30
        )
        assert "http" in text_of(note)

        async def recorded_as_delivered() -> bool:
            job = (await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 1))[0]
            return job.delivery is not None and job.delivery.message_id == note["message_id"]

        await eventually(recorded_as_delivered, what="the link recorded as the delivery")


async def test_moderation_failure_is_explained_in_the_status(sandbox: Sandbox) -> None:
    client = sandbox.client
    request = await client.send_text(PRIVATE_CHAT_ID, "/video something [[nsfw]]")
    status = await client.wait_for_message(
        PRIVATE_CHAT_ID, lambda m: "content rules" in text_of(m), timeout=20
    )
    assert status["reply_to_message"]["message_id"] == request["message_id"]
    assert "Rephrase" in text_of(status)
    assert not [m for m in await client.messages(PRIVATE_CHAT_ID) if has_video(m)]


@pytest.mark.slow("About 4-6 s: a clip made, then the 3 s flood wait its video waits out.")
async def test_a_video_whose_claim_another_worker_took_while_it_waited_is_not_sent(
    start_sandbox: StartSandbox,
) -> None:
    """A worker that stalled past its claim: while its video waits out a flood wait, another
    worker (a replica) takes the job over as it would once the claim ran out. When the video's
    turn comes the claim is found gone, and nothing is sent from here."""
    async with start_sandbox() as sandbox:
        client, bot = sandbox.client, sandbox.bot
        await client.inject_flood_wait(
            3, methods=["sendVideo"], chat_ids=[PRIVATE_CHAT_ID], retry_after=3
        )
        await client.send_text(PRIVATE_CHAT_ID, "/video a lighthouse at dusk")

        async def refused_once() -> bool:
            return int((await client.stats())["too_many_requests"]) >= 1

        await eventually(refused_once, what="the video's first try answered 429")
        (job,) = await bot.store.recent(PRIVATE_CHAT_ID, 1)
        assert job.state is JobState.SUCCEEDED
        later = bot.service.clock() + timedelta(seconds=bot.service.timing.claim_ttl + 1)
        other = Claim("replica-b", later + timedelta(seconds=600))
        assert [j.id for j in await bot.store.claim_due(later, other, 10)] == [job.id]

        async def left() -> bool:
            return bot.service.metrics.value("deliveries", "claim_lost") == 1

        await eventually(left, what="the delivery given up here", timeout=15)
        assert not [m for m in await client.messages(PRIVATE_CHAT_ID) if has_video(m)]
        still = await bot.store.get(job.id)
        assert still is not None and still.state is JobState.SUCCEEDED
        assert bot.service.metrics.value("deliveries", "sent") == 0
