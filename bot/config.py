"""Settings, read once from the environment and `.env` (a real environment variable wins)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

IdList = Annotated[frozenset[int], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    runway_api_key: SecretStr | None = None
    runway_api_url: str = "https://api.kie.ai"
    runway_upload_url: str = "https://kieai.redpandaai.co"
    runway_webhook_hmac_key: SecretStr = SecretStr("")
    public_url: str = ""
    http_host: str = "0.0.0.0"  # noqa: S104 - the callback server must be reachable from outside
    http_port: int = 8080
    telegram_webhook_secret: SecretStr = SecretStr("")
    database_path: str = "data/bot.sqlite3"
    poll_interval_seconds: float = Field(default=30.0, gt=0)
    job_timeout_seconds: float = Field(default=3600.0, gt=0)
    allowed_user_ids: IdList = frozenset()
    allowed_chat_ids: IdList = frozenset()
    admin_user_ids: IdList = frozenset()
    daily_jobs_per_user: int = Field(default=20, ge=0)
    active_jobs_per_user: int = Field(default=3, ge=0)
    log_level: str = "INFO"

    @field_validator("allowed_user_ids", "allowed_chat_ids", "admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("telegram_api_url", "runway_api_url", "runway_upload_url", "public_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def webhook_mode(self) -> bool:
        return bool(self.public_url and self.telegram_webhook_secret.get_secret_value())

    def missing_for_run(self) -> list[str]:
        """The required variables that are unset, by their environment names."""
        missing = []
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            missing.append("TELEGRAM_BOT_TOKEN")
        if self.runway_api_key is None or not self.runway_api_key.get_secret_value():
            missing.append("RUNWAY_API_KEY")
        return missing
