"""Upload replies carry `success` too: a false one is an error even with code 200."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.errors import ProviderAuthError, ProviderUnavailableError
from bot.domain.models import MediaFile
from bot.provider.kie.client import RunwayClient
from tests.provider.conftest import FAST_RETRY
from tests.provider.fakes import FakeProvider, json_body

UPLOADED = {
    "success": True,
    "code": 200,
    "msg": "File uploaded successfully",
    "data": {"fileName": "a.jpg", "downloadUrl": "http://127.0.0.1:1/files/a.jpg"},
}


@pytest.fixture
def photo(tmp_path: Path) -> MediaFile:
    path = tmp_path / "a.jpg"
    path.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    return MediaFile(path, "a.jpg", path.stat().st_size)


async def test_false_success_is_retried_then_fails(
    fake: FakeProvider, client: RunwayClient, photo: MediaFile
) -> None:
    fake.answer(json_body({**UPLOADED, "success": False, "msg": "storage busy"}))
    with pytest.raises(ProviderUnavailableError, match="storage busy"):
        await client.upload(photo)
    assert len(fake.seen) == FAST_RETRY.attempts


async def test_every_attempt_sends_the_whole_file(
    fake: FakeProvider, client: RunwayClient, photo: MediaFile
) -> None:
    fake.answer(json_body({**UPLOADED, "success": False}), json_body(UPLOADED))
    assert await client.upload(photo) == "http://127.0.0.1:1/files/a.jpg"
    content = photo.path.read_bytes()
    assert [content in seen.body for seen in fake.seen] == [True, True]
    assert all(seen.path == "/api/file-stream-upload" for seen in fake.seen)


async def test_upload_error_code_maps_like_any_other(
    fake: FakeProvider, client: RunwayClient, photo: MediaFile
) -> None:
    fake.answer(json_body({"success": False, "code": 401, "msg": "bad key", "data": None}))
    with pytest.raises(ProviderAuthError):
        await client.upload(photo)
    assert len(fake.seen) == 1


async def test_upload_without_download_url_is_an_error(
    fake: FakeProvider, client: RunwayClient, photo: MediaFile
) -> None:
    fake.answer(json_body({**UPLOADED, "data": {"fileName": "a.jpg"}}))
    with pytest.raises(ProviderUnavailableError):
        await client.upload(photo)
    assert len(fake.seen) == 1
