"""The emulator's knobs: how fast, how flaky and how strict the fake provider is."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any


@dataclass
class RunwayKnobs:
    """Everything a test or a demo may tune; defaults behave like a healthy provider."""

    api_key: str | None = None  # when set, a wrong/missing Bearer gets code 401 (HTTP 200)
    webhook_hmac_key: str | None = None  # when set, callbacks are signed
    latency: float = 1.0  # seconds from submit to finished
    failure_rate: float = 0.0  # share of tasks that end in failure
    drop_callbacks: float = 0.0  # share of callbacks never sent
    duplicate_callbacks: float = 0.0  # share of callbacks sent twice
    callback_delay: float = 0.0  # extra seconds before a callback is sent
    rate_429: float = 0.0  # share of API calls answered with code 429
    rate_500: float = 0.0  # share of API calls answered with HTTP 500 / code 500
    generation_limit: int = 20  # new generation requests per window; more get 429
    generation_window: float = 10.0
    credits: int = 10_000
    fps: int = 12
    min_video_bytes: int = 0  # pad rendered MP4s to at least this size
    seed: int | None = None
    visibility_delay: float = 0.0  # seconds a new task answers 404 to look-ups
    string_fail_codes: bool = False  # failCode as "400" like the provider's older pages
    callback_retry_delays: tuple[float, ...] = (0.5, 1.0, 2.0)
    files_dir: str | None = None  # keep files here instead of a temp dir


class KnobError(ValueError):
    """A knob update named an unknown knob or gave it a value of the wrong type."""


def update_knobs(knobs: RunwayKnobs, changes: dict[str, Any]) -> RunwayKnobs:
    """Return a copy of `knobs` with `changes` applied, checking names and types."""
    types = {f.name: str(f.type) for f in fields(knobs)}
    coerced: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in types:
            raise KnobError(f"unknown knob {name!r}")
        coerced[name] = _coerce(name, types[name], value)
    return dataclasses.replace(knobs, **coerced)


def _coerce(name: str, annotation: str, value: Any) -> Any:
    """Check one value against its knob's annotation (the annotations are strings)."""
    if value is None and annotation.endswith("| None"):
        return None
    base = annotation.removesuffix(" | None")
    if base == "float" and _is_number(value):
        return float(value)
    if base == "tuple[float, ...]" and isinstance(value, list) and all(map(_is_number, value)):
        return tuple(float(v) for v in value)
    if base == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if base in {"bool", "str"} and type(value).__name__ == base:
        return value
    raise KnobError(f"knob {name!r} takes {annotation}, not {value!r}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def knobs_as_json(knobs: RunwayKnobs) -> dict[str, Any]:
    data = dataclasses.asdict(knobs)
    data["callback_retry_delays"] = list(knobs.callback_retry_delays)
    return data
