"""Settings: names from CONTRACT.md, `.env` read, the real environment winning, secrets hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    return tmp_path


def test_defaults_follow_the_contract(workdir: Path) -> None:
    settings = Settings()
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.runway_api_url == "https://api.kie.ai"
    assert settings.runway_upload_url == "https://kieai.redpandaai.co"
    assert (settings.http_host, settings.http_port) == ("0.0.0.0", 8080)  # noqa: S104
    assert settings.database_path == "data/bot.sqlite3"
    assert (settings.poll_interval_seconds, settings.job_timeout_seconds) == (30, 3600)
    assert (settings.daily_jobs_per_user, settings.active_jobs_per_user) == (20, 3)
    assert settings.allowed_user_ids == frozenset()
    assert not settings.webhook_mode


def test_dotenv_is_read_and_the_real_environment_wins(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / ".env").write_text(
        "RUNWAY_API_KEY=from-dotenv\nRUNWAY_API_URL=https://api.apikley.ru/\n"
        "ADMIN_USER_IDS=1, 2,3\n"
    )
    monkeypatch.setenv("RUNWAY_API_URL", "https://api.kie.ai")
    settings = Settings()
    assert settings.runway_api_key is not None
    assert settings.runway_api_key.get_secret_value() == "from-dotenv"
    assert settings.runway_api_url == "https://api.kie.ai"
    assert settings.admin_user_ids == frozenset({1, 2, 3})


def test_secrets_never_show_in_repr(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:very-secret-token")
    monkeypatch.setenv("RUNWAY_API_KEY", "very-secret-key")
    shown = repr(Settings()) + str(Settings().model_dump())
    assert "very-secret" not in shown
    assert Settings().missing_for_run() == []


def test_webhook_mode_needs_both_public_url_and_secret(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLIC_URL", "https://bot.example.org/")
    assert Settings().public_url == "https://bot.example.org"
    assert not Settings().webhook_mode
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret")
    assert Settings().webhook_mode


def test_env_example_lists_every_setting() -> None:
    example = (Path(__file__).parents[2] / ".env.example").read_text()
    listed = {line.split("=", 1)[0].lstrip("# ").strip() for line in example.splitlines()}
    missing = [name.upper() for name in Settings.model_fields if name.upper() not in listed]
    assert missing == []
