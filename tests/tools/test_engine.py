"""The second video engine: chosen per chat in /settings where both are configured, with the
same status message, history and buttons as kie.ai's; what its API cannot do is refused in a
sentence that says what to use instead, before anything is sent."""

from __future__ import annotations

import dataclasses

import pytest

from bot.domain.models import Engine, JobState
from sandbox.telegram import PRIVATE_CHAT_ID
from tests.chat.conftest import Sandbox, StartSandbox, answer_of, buttons_of, text_of
from tests.sandbox_runway_ai.media import Samples
from tests.tools.conftest import AI_KNOBS, ROOMY, provider_calls, reply_saying, result_of

CHAT = PRIVATE_CHAT_ID


@pytest.mark.slow(
    "About 6 s: the settings panel and its edit, then a clip on the second engine rendered slowly"
    " on purpose (2.5 s) so its status shows it at work, then /history."
)
async def test_a_chat_picks_the_engine_in_settings(provider: Sandbox) -> None:
    client = provider.client
    await client.send_text(CHAT, "/settings")
    panel = await client.wait_for_message(CHAT, lambda m: "Engine for /video" in text_of(m))
    assert "kie.ai" in text_of(panel)
    assert {"set:engine:kie", "set:engine:runway-ai"} <= set(buttons_of(panel))
    query = await client.press_button(CHAT, panel["message_id"], "set:engine:runway-ai")
    assert (await answer_of(provider, query))["text"] == "Saved."
    await client.wait_for_message(
        CHAT, lambda m: "Engine for /video and photos: Runway AI" in text_of(m)
    )

    assert provider.runway_ai is not None  # a slow render, so its status shows it at work
    knobs = provider.runway_ai.state.knobs
    provider.runway_ai.state.apply_knobs(dataclasses.replace(knobs, latency=2.5))
    request = await client.send_text(CHAT, "/video a windmill at noon --dur 5")
    status = await reply_saying(provider, CHAT, request, "⚙️ Working on it")
    assert "Runway AI" in text_of(status) and "credit" not in text_of(status)
    clip = await result_of(provider, CHAT, request, "video")
    assert [call.status for call in provider_calls(provider, "/v1/generate-video")] == [200]
    assert provider.runway.state.tasks == {}  # kie.ai never saw it
    done = await client.wait_for_message(
        CHAT, lambda m: m["message_id"] == status["message_id"] and "✅" in text_of(m)
    )
    assert done["reply_to_message"]["message_id"] == request["message_id"]
    job = (await provider.bot.store.recent(CHAT, 1))[0]
    assert job.engine is Engine.RUNWAY_AI and job.state is JobState.DELIVERED
    assert job.cost == 0  # kie.ai's credits are not spent
    await client.send_text(CHAT, "/history")
    history = await client.wait_for_message(CHAT, lambda m: "Recent" in text_of(m))
    assert "a windmill at noon" in text_of(history)
    assert any(data.startswith("regen:") for data in buttons_of(clip))


async def test_the_engine_buttons_are_not_offered_with_one_engine(local: Sandbox) -> None:
    await local.client.send_text(CHAT, "/settings")
    panel = await local.client.wait_for_message(CHAT, lambda m: "Settings" in text_of(m))
    assert "Engine" not in text_of(panel)
    assert not [data for data in buttons_of(panel) if data.startswith("set:engine")]


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/video a fox --q 1080p", "makes 720p clips only"),
        ("/video a fox --ar 9:16", "makes 16:9 clips only, not 9:16"),
        ("/video a fox --wm studio", "cannot add a watermark"),
        ("/video a fox --dur 7", "--dur cannot be “7”"),
    ],
)
async def test_what_the_second_engine_cannot_do_is_refused_with_what_to_use(
    start_sandbox: StartSandbox, command: str, answer: str
) -> None:
    async with start_sandbox(runway_ai=AI_KNOBS, video_engine="runway-ai", **ROOMY) as sandbox:
        request = await sandbox.client.send_text(CHAT, command)
        await reply_saying(sandbox, CHAT, request, answer, timeout=10)
        assert provider_calls(sandbox) == []


@pytest.mark.slow(
    "About 6 s: a clip on the second engine, then three refusals, paced in one private chat."
)
async def test_extend_and_aleph_are_refused_on_the_second_engine(
    start_sandbox: StartSandbox, samples: Samples
) -> None:
    async with start_sandbox(runway_ai=AI_KNOBS, video_engine="runway-ai", **ROOMY) as sandbox:
        client = sandbox.client
        request = await client.send_text(CHAT, "/video a lantern")
        clip = await result_of(sandbox, CHAT, request, "video")
        extend = await client.send_text(CHAT, "/extend it swings", reply_to=clip["message_id"])
        await reply_saying(sandbox, CHAT, extend, "cannot continue a video")
        aleph = await client.send_text(CHAT, "/aleph make it snow", reply_to=clip["message_id"])
        await reply_saying(sandbox, CHAT, aleph, "cannot restyle videos (Aleph)")
        video = await client.send_video(CHAT, samples.colours, "/aleph in watercolour")
        await reply_saying(sandbox, CHAT, video, "cannot restyle videos (Aleph)")
        assert [call.path for call in provider_calls(sandbox)] == ["/v1/generate-video"]
