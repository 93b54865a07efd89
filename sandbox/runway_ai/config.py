"""The emulator's knobs: how fast, how flaky and how strict the fake Runway AI API is."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any


@dataclass
class RunwayAiKnobs:
    """Everything a test or a demo may tune; the defaults behave like a healthy provider."""

    api_key: str | None = None  # when set, every /v1 call needs `Authorization: Bearer <key>`
    latency: float = 0.0  # extra seconds before each /v1 answer
    failure_rate: float = 0.0  # share of /v1 calls answered 500 (after the work is done)
    rate_429: float = 0.0  # share of /v1 calls answered 429 (before any work)
    hang: float = 0.0  # seconds to hold each /v1 answer back, the work done anyway
    seed: int | None = None  # seeds the fault dice
    fps: int = 24  # frames per second when a call does not say (generate-video's default)
    video_short_side: int = 720  # generated videos: 16:9 at this height; small for tests
    image_width: int = 1024  # generated images
    image_height: int = 768
    soundtrack: bool = False  # give generated videos a quiet tone, so extract-audio has work
    allow_remote_urls: bool = False  # fetch any http(s) URL, not only this machine's
    files_dir: str | None = None  # keep results here instead of a temp dir


MINIMUMS = {"fps": 1, "video_short_side": 16, "image_width": 16, "image_height": 16}


class KnobError(ValueError):
    """A knob update named an unknown knob or gave it a value of the wrong type."""


def update_knobs(knobs: RunwayAiKnobs, changes: dict[str, Any]) -> RunwayAiKnobs:
    """A copy of `knobs` with `changes` applied, names and types checked."""
    types = {f.name: str(f.type) for f in fields(knobs)}
    coerced: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in types:
            raise KnobError(f"unknown knob {name!r}; known: {', '.join(sorted(types))}")
        coerced[name] = _coerce(name, types[name], value)
    return check_knobs(dataclasses.replace(knobs, **coerced))


def check_knobs(knobs: RunwayAiKnobs) -> RunwayAiKnobs:
    """Refuse values that would make the emulator misbehave rather than merely be slow."""
    for name in ("failure_rate", "rate_429"):
        if not 0 <= getattr(knobs, name) <= 1:
            raise KnobError(f"knob {name!r} is a share from 0 to 1")
    for name, least in MINIMUMS.items():
        if getattr(knobs, name) < least:
            raise KnobError(f"knob {name!r} must be at least {least}")
    return knobs


def _coerce(name: str, annotation: str, value: Any) -> Any:
    """Check one value against its knob's annotation (the annotations are strings)."""
    if value is None and annotation.endswith("| None"):
        return None
    base = annotation.removesuffix(" | None")
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if base == "float" and is_number and value >= 0:
        return float(value)
    if base == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if base in {"bool", "str"} and type(value).__name__ == base:
        return value
    raise KnobError(f"knob {name!r} takes {annotation}, not {value!r}")


def knobs_as_json(knobs: RunwayAiKnobs) -> dict[str, Any]:
    data = dataclasses.asdict(knobs)
    data["api_key"] = None if knobs.api_key is None else "<set>"
    return data
