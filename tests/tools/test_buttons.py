"""The Tools button under every delivered photo and video: a menu in place of the result's
buttons, tools that run at once with their defaults, and ForceReply prompts for parameters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.domain.ports import Awaiting
from bot.telegram.i18n import text
from sandbox.telegram import ANNA_ID, GROUP_ID, PRIVATE_CHAT_ID
from tests.chat.conftest import Message, Sandbox, answer_of, buttons_of, text_of
from tests.sandbox_runway_ai.media import Samples, streams
from tests.support import eventually
from tests.tools.conftest import picture_size, provider_calls, result_of, saved

CHAT = PRIVATE_CHAT_ID


def shows(message_id: int, data: str) -> Callable[[Message], bool]:
    """The message, once it carries a button with this callback data."""
    return lambda m: m["message_id"] == message_id and data in buttons_of(m)


async def press(sandbox: Sandbox, chat_id: int, message: Message, data: str) -> None:
    await answer_of(
        sandbox, await sandbox.client.press_button(chat_id, message["message_id"], data)
    )


async def _clip(sandbox: Sandbox) -> Message:
    """A clip made by kie.ai."""
    request = await sandbox.client.send_text(CHAT, "/video a harbour at dusk")
    return await result_of(sandbox, CHAT, request, "video")


async def _edited(sandbox: Sandbox, samples: Samples) -> Message:
    """A video made by a tool (a tool's result has the Tools button too)."""
    video = await sandbox.client.send_video(CHAT, samples.colours)
    request = await sandbox.client.send_text(CHAT, "/speed 1", reply_to=video["message_id"])
    return await result_of(sandbox, CHAT, request, "video")


@pytest.mark.slow(
    "About 6 s: a clip first, then each tap is an edit of that message and each result a message "
    "of its own, in one private chat paced at about one message a second."
)
async def test_the_menu_opens_runs_a_tool_and_goes_back(local: Sandbox, tmp_path: Path) -> None:
    client = local.client
    clip = await _clip(local)
    job_id = int(next(d for d in buttons_of(clip) if d.startswith("tl:menu:")).rsplit(":", 1)[1])
    await press(local, CHAT, clip, f"tl:menu:{job_id}")
    menu = await client.wait_for_message(CHAT, shows(clip["message_id"], f"tl:thumb:{job_id}"))
    assert {f"tl:{tool}:{job_id}" for tool in ("trim", "speed", "vfilter", "audio", "info")} <= set(
        buttons_of(menu)
    )
    await press(local, CHAT, menu, f"tl:thumb:{job_id}")
    still = await result_of(local, CHAT, clip, "photo")  # replies to the clip it came from
    assert picture_size(await saved(local, still, tmp_path / "t.jpg"))[0] > 0
    await press(local, CHAT, menu, f"tl:back:{job_id}")
    await client.wait_for_message(CHAT, shows(clip["message_id"], f"regen:{job_id}"))


@pytest.mark.slow(
    "About 5-8 s: a result made first, then each press edits its message in one private chat at "
    "about one message a second, and the tool's own result is made and delivered."
)
async def test_a_filter_is_picked_from_a_row(local: Sandbox, samples: Samples) -> None:
    clip = await _edited(local, samples)
    job_id = int(next(d for d in buttons_of(clip) if d.startswith("tl:menu:")).rsplit(":", 1)[1])
    await press(local, CHAT, clip, f"tl:menu:{job_id}")
    await local.client.wait_for_message(CHAT, shows(clip["message_id"], f"tl:vfilter:{job_id}"))
    await press(local, CHAT, clip, f"tl:vfilter:{job_id}")
    row = await local.client.wait_for_message(
        CHAT, shows(clip["message_id"], f"tl:f-vintage:{job_id}")
    )
    await press(local, CHAT, row, f"tl:f-vintage:{job_id}")
    filtered = await result_of(local, CHAT, clip, "video")
    assert "/filter vintage" in text_of(filtered)


@pytest.mark.slow(
    "About 5-8 s: a result made first, then each press edits its message in one private chat at "
    "about one message a second, and the tool's own result is made and delivered."
)
async def test_trim_asks_for_its_times_with_a_force_reply(local: Sandbox, tmp_path: Path) -> None:
    client = local.client
    clip = await _clip(local)
    job_id = int(next(d for d in buttons_of(clip) if d.startswith("tl:menu:")).rsplit(":", 1)[1])
    await press(local, CHAT, clip, f"tl:menu:{job_id}")
    await client.wait_for_message(CHAT, shows(clip["message_id"], f"tl:trim:{job_id}"))
    await press(local, CHAT, clip, f"tl:trim:{job_id}")
    ask = await client.wait_for_message(CHAT, lambda m: "start and end in seconds" in text_of(m))

    async def stored() -> bool:  # the prompt is stored once the ask has its message id
        return await local.bot.chat.prompt(CHAT, ask["message_id"]) is not None

    await eventually(stored, what="the prompt stored")
    pending = await local.bot.chat.prompt(CHAT, ask["message_id"])
    assert pending is not None and pending.awaiting is Awaiting.TRIM and pending.job_id == job_id
    answer = await client.send_text(CHAT, "0 1", reply_to=ask["message_id"])
    trimmed = await result_of(local, CHAT, answer, "video")
    assert abs((await streams(await saved(local, trimmed, tmp_path / "t.mp4"))).duration - 1) < 0.3


@pytest.mark.slow(
    "About 5-8 s: a result made first, then each press edits its message in one private chat at "
    "about one message a second, and the tool's own result is made and delivered."
)
async def test_a_photo_result_has_the_photo_tools(
    provider: Sandbox, samples: Samples, tmp_path: Path
) -> None:
    client = provider.client
    request = await client.send_text(CHAT, "/image a quiet bay")
    photo = await result_of(provider, CHAT, request, "photo")
    job_id = int(next(d for d in buttons_of(photo) if d.startswith("tl:menu:")).rsplit(":", 1)[1])
    await press(provider, CHAT, photo, f"tl:menu:{job_id}")
    menu = await client.wait_for_message(CHAT, shows(photo["message_id"], f"tl:text:{job_id}"))
    assert f"tl:trim:{job_id}" not in buttons_of(menu)
    await press(provider, CHAT, menu, f"tl:text:{job_id}")
    ask = await client.wait_for_message(CHAT, lambda m: "words to put on" in text_of(m))
    answer = await client.send_text(CHAT, "Hello bay --pos center", reply_to=ask["message_id"])
    lettered = await result_of(provider, CHAT, answer, "photo")
    assert picture_size(await saved(provider, lettered, tmp_path / "l.jpg")) == (160, 120)
    assert [call.path for call in provider_calls(provider)][-1] == "/v1/add-text-to-image"


async def test_only_the_requester_or_an_admin_uses_the_tools(local: Sandbox) -> None:
    client = local.client
    request = await client.send_text(GROUP_ID, "/video a bridge")
    clip = await result_of(local, GROUP_ID, request, "video")
    job_id = int(next(d for d in buttons_of(clip) if d.startswith("tl:menu:")).rsplit(":", 1)[1])
    query = await client.press_button(GROUP_ID, clip["message_id"], f"tl:menu:{job_id}", ANNA_ID)
    answer = await answer_of(local, query)
    assert answer.get("show_alert") and answer["text"] == text("ru", "button.not_yours")
