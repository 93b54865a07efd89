"""Settings, read once from the environment and `.env` (a real environment variable wins)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

IdList = Annotated[frozenset[int], NoDecode]
HostList = Annotated[frozenset[str], NoDecode]
# Where kie.ai's results live: its temporary file CDN, and the upload service's file host
# (which also serves the results it hands on). The API and upload hosts are always allowed.
RESULT_HOSTS = frozenset({"tempfile.aiquickdraw.com", "tempfile.redpandaai.co"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    runway_api_key: SecretStr | None = None
    runway_api_url: str = "https://api.kie.ai"
    runway_upload_url: str = "https://kieai.redpandaai.co"
    runway_webhook_hmac_key: SecretStr = SecretStr("")
    # The second provider, the synchronous Runway AI API (seed 004); an empty key turns it off.
    runway_ai_api_url: str = "https://api.runway-ai.ai"
    runway_ai_api_key: SecretStr = SecretStr("")
    media_tools: Literal["auto", "provider", "local"] = "auto"
    video_engine: Literal["kie", "runway-ai"] = "kie"
    result_hosts: HostList = RESULT_HOSTS
    # Seconds a kie.ai call may take; a submission that takes longer is not sent again (the
    # provider may have made the task) but waits for its callback.
    runway_timeout_seconds: float = Field(default=30.0, gt=0)
    # New generations the kie.ai account takes per 10 s (the docs say about 20).
    runway_rate_limit: int = Field(default=20, ge=1)
    public_url: str = ""
    http_host: str = "0.0.0.0"  # noqa: S104 - the callback server must be reachable from outside
    http_port: int = 8080
    telegram_webhook_secret: SecretStr = SecretStr("")
    database_path: str = "data/bot.sqlite3"
    # Empty: SQLite at DATABASE_PATH. postgresql://user:password@host:port/dbname: PostgreSQL,
    # where any number of bot processes may share the database.
    database_url: str = ""
    database_pool_size: int = Field(default=10, ge=1)  # PostgreSQL connections per process
    # Seconds a replica holds a job it works on (a delivery, a poll) before another may take it
    # over: how long a dead replica's work waits. Longer than the slowest delivery.
    claim_seconds: float = Field(default=180.0, gt=0)
    poll_interval_seconds: float = Field(default=30.0, gt=0)
    job_timeout_seconds: float = Field(default=3600.0, gt=0)
    allowed_user_ids: IdList = frozenset()
    allowed_chat_ids: IdList = frozenset()
    admin_user_ids: IdList = frozenset()
    daily_jobs_per_user: int = Field(default=20, ge=0)
    active_jobs_per_user: int = Field(default=3, ge=0)
    # Price of one provider credit in Telegram Stars; 0 turns payments off.
    stars_per_credit: Decimal = Field(default=Decimal(0), ge=0)
    # The admins are alerted when the provider's credits fall under this (0: never).
    low_credits_alert: int = Field(default=100, ge=0)
    log_level: str = "INFO"
    # Seconds a stopping bot gives running work (deliveries, status edits) to finish.
    drain_seconds: float = Field(default=10.0, ge=0)

    @field_validator("allowed_user_ids", "allowed_chat_ids", "admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("result_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip().lower() for part in value.split(",") if part.strip())
        return value

    @field_validator(
        "telegram_api_url", "runway_api_url", "runway_upload_url", "runway_ai_api_url", "public_url"
    )
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be empty (SQLite) or a postgresql://user@host:port/db URL")
        return value

    @property
    def runway_ai_enabled(self) -> bool:
        return bool(self.runway_ai_api_key.get_secret_value())

    @property
    def kie_enabled(self) -> bool:
        return self.runway_api_key is not None and bool(self.runway_api_key.get_secret_value())

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
