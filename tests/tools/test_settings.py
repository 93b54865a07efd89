"""The second provider's settings, as CONTRACT.md names them, and who does what under them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config import Settings
from bot.domain.engines import resolve_tools
from bot.domain.models import Engine
from bot.media.fetching import result_policy
from bot.web.media_links import MediaLinks, derive_key
from bot.wiring import engines_of

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("RUNWAY_AI_API_URL", "RUNWAY_AI_API_KEY", "MEDIA_TOOLS", "VIDEO_ENGINE")


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def test_defaults_follow_the_contract(clean: None) -> None:
    settings = Settings()
    assert settings.runway_ai_api_url == "https://api.runway-ai.ai"
    assert settings.runway_ai_api_key.get_secret_value() == ""
    assert (settings.media_tools, settings.video_engine) == ("auto", "kie")
    assert not settings.runway_ai_enabled
    engines = engines_of(settings)
    assert (engines.video, engines.tools, engines.runway_ai) == (Engine.KIE, Engine.LOCAL, False)


def test_the_environment_sets_them_and_the_key_stays_secret(
    clean: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNWAY_AI_API_URL", "https://ai.example.org/")
    monkeypatch.setenv("RUNWAY_AI_API_KEY", "very-secret-ai-key")
    monkeypatch.setenv("VIDEO_ENGINE", "runway-ai")
    settings = Settings(runway_api_key="k")
    assert settings.runway_ai_api_url == "https://ai.example.org"
    assert "very-secret" not in repr(settings) + str(settings.model_dump())
    engines = engines_of(settings)
    assert (engines.video, engines.tools, engines.choosable) == (
        Engine.RUNWAY_AI,
        Engine.RUNWAY_AI,
        True,
    )
    assert result_policy(settings).admits_host("ai.example.org", None)


@pytest.mark.parametrize(("name", "value"), [("MEDIA_TOOLS", "cloud"), ("VIDEO_ENGINE", "sora")])
def test_a_bad_choice_is_refused_by_name(
    clean: None, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as refused:
        Settings()
    assert refused.value.errors()[0]["loc"] == (name.lower(),)


@pytest.mark.parametrize(
    ("media_tools", "key", "engine"),
    [
        ("auto", True, Engine.RUNWAY_AI),
        ("auto", False, Engine.LOCAL),
        ("provider", True, Engine.RUNWAY_AI),
        ("provider", False, Engine.LOCAL),
        ("local", True, Engine.LOCAL),
    ],
)
def test_who_edits(media_tools: str, key: bool, engine: Engine) -> None:
    assert resolve_tools(media_tools, key) is engine


def test_every_new_setting_is_in_env_example() -> None:
    listed = (ROOT / ".env.example").read_text()
    for name in NAMES:
        assert f"\n{name}=" in listed, name


@given(st.text(max_size=300))
def test_no_made_up_token_is_ever_valid(token: str) -> None:
    links = MediaLinks(derive_key("1000:sandbox"), "http://bot", clock=time.time)
    assert links.read(token) is None
