"""One gate for every update: allowlists apply to every command and every button, a group
admin outside the allowlist changes nothing, and a button only acts on a job of its own chat."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import aiohttp

from sandbox.telegram import ANNA_ID, BEN_ID, GROUP_ID, PRIVATE_CHAT_ID
from storage.sqlite import SqliteJobStore
from tests.chat.conftest import StartSandbox, buttons_of, has_video, text_of
from tests.support import eventually

WEBHOOK_SECRET = "gate-webhook-secret"


async def test_outsiders_are_turned_away_from_every_command(start_sandbox: StartSandbox) -> None:
    """Only You (1001) are allowed: Anna's /history, /settings, /cancel and /status in the
    group get the refusal, and nothing of the chat is shown to her."""
    async with start_sandbox(allowed_user_ids="1001") as sandbox:
        client = sandbox.client
        for command in ("/history", "/settings", "/cancel", "/status", "/video a hill"):
            await client.send_text(GROUP_ID, command, user_id=ANNA_ID)
        answers: list[dict[str, object]] = []

        async def all_answered() -> bool:
            answers[:] = [m for m in await client.messages(GROUP_ID) if m.get("_by_bot")]
            return len(answers) == 5  # paced by the group's budget, a few seconds

        await eventually(all_answered, timeout=30)
        assert all("закрытый бот" in text_of(answer) for answer in answers)  # Anna reads Russian
        assert await sandbox.bot.store.recent(GROUP_ID, 5) == []


async def test_a_group_admin_outside_the_allowlist_cannot_change_settings(
    start_sandbox: StartSandbox,
) -> None:
    async with start_sandbox(allowed_user_ids="1001") as sandbox:
        client = sandbox.client
        await client.send_text(GROUP_ID, "/settings")  # You may open the panel
        panel = await client.wait_for_message(GROUP_ID, lambda m: "Settings" in text_of(m))
        choice = next(data for data in buttons_of(panel) if data == "set:dur:10")
        query = await client.press_button(GROUP_ID, panel["message_id"], choice, user_id=BEN_ID)
        answer = await _answer(client, query)
        assert "private" in str(answer.get("text"))
        assert (await sandbox.bot.chat.settings(GROUP_ID)).options.duration == 5


async def test_a_button_acts_only_on_a_job_of_its_own_chat(
    start_sandbox: StartSandbox, tmp_path: Path
) -> None:
    """A callback naming a job of another chat (crafted, sent straight to the webhook) is
    answered as stale and regenerates nothing."""
    async with start_sandbox(telegram_webhook_secret=WEBHOOK_SECRET) as sandbox:
        client = sandbox.client
        await client.send_text(PRIVATE_CHAT_ID, "/video a red kite")
        clip = await client.wait_for_message(PRIVATE_CHAT_ID, has_video, timeout=20)
        regenerate = next(data for data in buttons_of(clip) if data.startswith("regen:"))
        in_group = await client.send_text(GROUP_ID, "/help")
        update = {
            "update_id": 900_001,
            "callback_query": {
                "id": "forged-1",
                "from": {"id": BEN_ID, "is_bot": False, "first_name": "Ben"},
                "chat_instance": "x",
                "data": regenerate,
                "message": {
                    "message_id": in_group["message_id"],
                    "date": 0,
                    "chat": {"id": GROUP_ID, "type": "group", "title": "Sandbox Group"},
                },
            },
        }
        url = f"{sandbox.bot.settings.public_url}/telegram"
        headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=json.dumps(update), headers=headers) as response,
        ):
            assert response.status == 200
        await asyncio.sleep(1.5)
        assert len(await sandbox.bot.store.recent(PRIVATE_CHAT_ID, 5)) == 1  # no second job
        assert await sandbox.bot.store.recent(GROUP_ID, 5) == []


async def _answer(client: object, query: dict[str, object]) -> dict[str, object]:
    for _ in range(50):
        found = await client.callback_answer(str(query["id"]))  # type: ignore[attr-defined]
        if found is not None:
            answer: dict[str, object] = found
            return answer
        await asyncio.sleep(0.05)
    raise AssertionError("the button was not answered")


async def test_a_second_bot_on_the_same_sqlite_file_refuses_to_start(tmp_path: Path) -> None:
    """Two processes on one SQLite file would both deliver; the second says so and stops."""
    database = tmp_path / "bot.sqlite3"
    env = {
        "TELEGRAM_BOT_TOKEN": "1000:sandbox",
        "RUNWAY_API_KEY": "key",
        "DATABASE_PATH": str(database),
        "TELEGRAM_API_URL": "http://127.0.0.1:9",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": "9",
        "PATH": "/usr/bin:/bin",
    }
    async with SqliteJobStore.open(database):  # the first bot holds the file
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "run"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("error: DATABASE_PATH:") and "in use" in lines[-1]
    assert "Traceback" not in done.stderr
