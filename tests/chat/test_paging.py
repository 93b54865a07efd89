"""Long answers are paged at line ends (never cut inside markup), and a job whose status
message cannot be sent is still made, delivered and counted only while it runs."""

from __future__ import annotations

import html

from bot.domain.models import JobState
from bot.telegram.handlers.jobs import pages
from sandbox.telegram import PRIVATE_CHAT_ID
from tests.chat.conftest import Sandbox, has_video, text_of
from tests.support import eventually


def test_pages_break_between_lines_and_keep_every_tag_whole() -> None:
    lines = [
        f'#{n} {html.escape("a <fox> & " * 20)} — <a href="https://t.me/c/1/{n}">open</a>'
        for n in range(200)
    ]
    sheets = pages(lines)
    assert len(sheets) > 1
    assert all(len(sheet) <= 4096 for sheet in sheets)
    assert [line for sheet in sheets for line in sheet.split("\n")] == lines
    for sheet in sheets:
        assert sheet.count("<a ") == sheet.count("</a>")


async def test_a_job_whose_status_message_fails_is_still_delivered(sandbox: Sandbox) -> None:
    client = sandbox.client
    await client.inject_failure(
        400, "Bad Request: message thread not found", methods=["sendMessage"], times=3
    )
    request = await client.send_text(PRIVATE_CHAT_ID, "/video a lantern on the sea --ar 16:9")
    video = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=30)
    assert video["reply_to_message"]["message_id"] == request["message_id"]
    assert "a lantern on the sea" in text_of(video)
    injected = (await client.stats_summary()).injected_faults
    assert injected["fail"]["sendMessage"] >= 2  # every status message the job tried

    async def finished() -> bool:
        jobs = await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 5)
        return bool(jobs) and all(job.state is JobState.DELIVERED for job in jobs)

    await eventually(finished, what="the job delivered, not left submitting")
    assert await sandbox.bot.store.count_active_for_user(request["from"]["id"]) == 0
