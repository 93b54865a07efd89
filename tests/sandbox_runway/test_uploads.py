"""The file upload API: stream, base64 and URL uploads, and what they refuse."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from sandbox.runway import RunningRunway
from tests.sandbox_runway.helpers import envelope

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"pixels" * 100


async def fetch(api: aiohttp.ClientSession, url: str) -> tuple[bytes, str]:
    async with api.get(url) as response:
        assert response.status == 200
        return await response.read(), response.content_type


async def test_stream_upload_keeps_the_bytes_and_records_no_file_content(
    api: aiohttp.ClientSession, runway: RunningRunway, tmp_path: Path
) -> None:
    source = tmp_path / "photo.png"
    source.write_bytes(PNG_BYTES)
    form = aiohttp.FormData()
    form.add_field("uploadPath", "telegram/images")
    form.add_field("fileName", "photo.png")
    with source.open("rb") as handle:
        form.add_field("file", handle, filename="x.png", content_type="image/png")
        reply = await envelope(api, "POST", "/api/file-stream-upload", data=form)

    data = reply["data"]
    assert (reply["success"], reply["code"]) == (True, 200)
    assert (data["fileName"], data["filePath"], data["fileSize"], data["mimeType"]) == (
        "photo.png", "telegram/images/photo.png", len(PNG_BYTES), "image/png"
    )  # fmt: skip
    assert {"downloadUrl", "uploadedAt"} <= set(data)
    assert await fetch(api, data["downloadUrl"]) == (PNG_BYTES, "image/png")
    recorded = runway.state.requests[-2]
    assert recorded.form == {
        "uploadPath": "telegram/images",
        "fileName": "photo.png",
        "file": "x.png",
    }


async def test_the_same_file_name_twice_gives_two_files(api: aiohttp.ClientSession) -> None:
    urls = []
    for content in (b"one", b"two"):
        body = {
            "base64Data": base64.b64encode(content).decode(),
            "uploadPath": "u",
            "fileName": "a.bin",
        }
        urls.append(
            (await envelope(api, "POST", "/api/file-base64-upload", json=body))["data"][
                "downloadUrl"
            ]
        )
    assert [(await fetch(api, url))[0] for url in urls] == [b"one", b"two"]


@pytest.mark.parametrize("as_data_url", [False, True])
async def test_base64_upload_plain_or_data_url(
    api: aiohttp.ClientSession, runway: RunningRunway, as_data_url: bool
) -> None:
    encoded = base64.b64encode(PNG_BYTES).decode()
    payload = f"data:image/png;base64,{encoded}" if as_data_url else encoded
    body = {"base64Data": payload, "uploadPath": "telegram/images", "fileName": "p.png"}

    reply = await envelope(api, "POST", "/api/file-base64-upload", json=body)

    assert reply["code"] == 200
    assert (await fetch(api, reply["data"]["downloadUrl"]))[0] == PNG_BYTES
    recorded = runway.state.requests[-2].json
    assert recorded["base64Data"] == f"<{len(payload)} characters>"


async def test_url_upload_fetches_loopback_only(api: aiohttp.ClientSession) -> None:
    body = {
        "base64Data": base64.b64encode(PNG_BYTES).decode(),
        "uploadPath": "a",
        "fileName": "p.png",
    }
    first = (await envelope(api, "POST", "/api/file-base64-upload", json=body))["data"][
        "downloadUrl"
    ]

    copied = await envelope(
        api, "POST", "/api/file-url-upload", json={"fileUrl": first, "uploadPath": "b"}
    )
    refused = await envelope(
        api,
        "POST",
        "/api/file-url-upload",
        json={"fileUrl": "https://example.com/p.png", "uploadPath": "b"},
    )

    assert copied["data"]["fileName"] == "p.png"
    assert (await fetch(api, copied["data"]["downloadUrl"]))[0] == PNG_BYTES
    assert (refused["success"], refused["code"]) == (False, 451)
    assert "loopback" in refused["msg"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"base64Data": "%%%", "uploadPath": "a"}, "base64"),
        ({"base64Data": "aGk=", "uploadPath": ""}, "uploadPath"),
        ({"base64Data": "aGk=", "uploadPath": "a/../../etc"}, "uploadPath"),
        ({"uploadPath": "a"}, "base64Data"),
    ],
)
async def test_base64_upload_errors(
    api: aiohttp.ClientSession, body: dict[str, Any], fragment: str
) -> None:
    reply = await envelope(api, "POST", "/api/file-base64-upload", json=body)
    assert (reply["success"], reply["code"]) == (False, 422)
    assert fragment in reply["msg"]


@pytest.mark.parametrize("multipart", [True, False])
async def test_stream_upload_without_a_file_is_422(
    api: aiohttp.ClientSession, multipart: bool
) -> None:
    form = aiohttp.FormData(default_to_multipart=multipart)
    form.add_field("uploadPath", "a")
    form.add_field("fileName", "x.png")
    reply = await envelope(api, "POST", "/api/file-stream-upload", data=form)
    assert (reply["success"], reply["code"]) == (False, 422)
    assert ("file is required" if multipart else "multipart") in reply["msg"]


async def test_uploads_need_the_key(runway: RunningRunway) -> None:
    async with aiohttp.ClientSession(base_url=runway.url) as session:
        reply = await envelope(
            session,
            "POST",
            "/api/file-base64-upload",
            json={"base64Data": "aGk=", "uploadPath": "a"},
        )
    assert (reply["success"], reply["code"]) == (False, 401)


async def test_files_outside_results_and_uploads_are_not_served(api: aiohttp.ClientSession) -> None:
    for path in ("/files/work/x", "/files/../etc/passwd", "/files/results/none.mp4"):
        async with api.get(path) as response:
            assert response.status == 404
