"""Clips shared by the media tests, made once per run; photos are made by each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.media.tools import LocalTools
from tests.media.media import make_video


@pytest.fixture(scope="session")
def clip_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def sound_clip(clip_dir: Path) -> Path:
    """3 s, 160x120, 25 fps, with a 440 Hz tone."""
    return make_video(clip_dir / "sound.mp4")


@pytest.fixture(scope="session")
def silent_clip(clip_dir: Path) -> Path:
    """3 s, 160x120, 25 fps, no sound track (like most generated clips)."""
    return make_video(clip_dir / "silent.mp4", audio=False)


@pytest.fixture
def tools() -> LocalTools:
    return LocalTools()
