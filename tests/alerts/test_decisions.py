"""What the alerts decide, on a clock the test turns: at most one alert per condition an hour
while it lasts, a clearing only for a condition that was told, and maintenance judged by
submissions alone. The admin channel is a recording one (the Telegram side is covered by
test_alerts.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from bot.domain.alerts import AlertPolicy, Alerts, Call
from bot.domain.errors import ProviderAuthError, ProviderUnavailableError


class RecordingChannel:
    def __init__(self) -> None:
        self.told: list[str] = []

    async def tell_admins(self, key: str, params: Mapping[str, object]) -> None:
        self.told.append(key)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def turn(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


async def told(alerts: Alerts, channel: RecordingChannel) -> list[str]:
    await alerts.background.drain(1.0)
    return channel.told


async def test_a_lasting_condition_is_told_again_only_after_an_hour() -> None:
    channel, clock = RecordingChannel(), Clock()
    alerts = Alerts(channel, AlertPolicy(low_credits=100), clock=clock)
    for _ in range(5):
        alerts.credits_seen(50)
        clock.turn(600)  # ten minutes each
    assert await told(alerts, channel) == ["alert.low_credits"]
    clock.turn(600)  # an hour since it was told
    alerts.credits_seen(40)
    assert await told(alerts, channel) == ["alert.low_credits"] * 2


async def test_a_condition_that_came_back_within_the_hour_is_not_told_again() -> None:
    channel, clock = RecordingChannel(), Clock()
    alerts = Alerts(channel, AlertPolicy(), clock=clock)
    refused = ProviderAuthError("You do not have access permissions", 401)
    alerts.provider_failed(Call.READ, refused)
    alerts.provider_answered(Call.READ)
    clock.turn(60)
    alerts.provider_failed(Call.READ, refused)
    alerts.provider_answered(Call.READ)  # its return was never told, so neither is this
    assert await told(alerts, channel) == ["alert.key_refused", "alert.key_refused_cleared"]


async def test_maintenance_is_judged_by_submissions_not_by_look_ups() -> None:
    channel, clock = RecordingChannel(), Clock()
    alerts = Alerts(channel, AlertPolicy(down_after=300), clock=clock)
    maintenance = ProviderUnavailableError("the server is under maintenance", 455)
    for _ in range(6):
        alerts.provider_failed(Call.SUBMIT, maintenance)
        alerts.provider_answered(Call.READ)  # the credit probe still works
        clock.turn(60)
    assert await told(alerts, channel) == ["alert.provider_down"]  # at five minutes
    alerts.provider_answered(Call.SUBMIT)
    assert await told(alerts, channel) == ["alert.provider_down", "alert.provider_down_cleared"]


async def test_a_short_outage_is_not_told() -> None:
    channel, clock = RecordingChannel(), Clock()
    alerts = Alerts(channel, AlertPolicy(down_after=300), clock=clock)
    alerts.provider_failed(Call.READ, ProviderUnavailableError("network error", 0))
    clock.turn(200)
    alerts.provider_failed(Call.READ, ProviderUnavailableError("network error", 0))
    alerts.provider_answered(Call.READ)
    assert await told(alerts, channel) == []
