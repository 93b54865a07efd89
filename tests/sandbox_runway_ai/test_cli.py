"""`python -m sandbox.runway_ai --port N` serves, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys

import aiohttp

from tests.support import eventually, free_port


async def test_the_emulator_runs_alone_and_stops_cleanly() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sandbox.runway_ai", "--port", str(port), "--key", "k",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession(headers={"Authorization": "Bearer k"}) as session:

            async def answers() -> bool:
                try:
                    async with session.get(f"{url}/_emulator/knobs") as response:
                        return response.status == 200
                except aiohttp.ClientConnectionError:
                    return False

            await eventually(answers, timeout=30, what="the emulator to listen")
            body = {"prompt": "hello"}
            async with session.post(f"{url}/v1/generate-image", json=body) as response:
                assert response.status == 200
                image_url = (await response.json())["image_url"]
            assert image_url.startswith(f"{url}/images/")
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    assert b"Traceback" not in errors
    assert b"stopped" in errors
