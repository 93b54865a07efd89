"""The emulator's knobs: how fast, how flaky and how strict the fake provider is.

Every knob is a field of `RunwayKnobs` (set at start) and can be changed while running with
`POST /_emulator/knobs {"name": value, ...}`; `GET /` and `GET /_emulator/knobs` list them with
their help. Besides speed, callbacks and random 429/500s, the knobs copy the provider's harder
faults and shapes:

- record shapes: `record_shape` ("docs": `taskId`/`parentTaskId`; "newer": `id`/`parentId`),
  `fail_code_style` ("int" 400, "string" "400", "empty" "");
- ambiguous submissions, where the task is created (and charged) but the client cannot know:
  `submit_fault` ("drop", "error_500", "code_500", "hang") for the next `submit_fault_next`
  generation submissions, then for a `submit_fault_rate` share; `submit_hang_seconds`;
- temporary task failures ("try again" messages): `temporary_failure_next`,
  `temporary_failure_rate`, `temporary_failure_kind`;
- maintenance (code 455 for submissions): `maintenance_until` (Unix time), `maintenance_for`;
- the provider's 14 days, shortened: `expire_after` seconds after a task finishes;
- refusals: `input_refusal` (a non-JPG/PNG image refused at submit or failing the task),
  `extend_not_found_code` (what extend answers for an unknown or Aleph task id).

Counters (`*_next`) count down as they are used, so `GET /_emulator/knobs` shows what is left.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from typing import Any, TypeVar

T = TypeVar("T")

# Knobs that take one of a few values; any other value is refused.
CHOICES: dict[str, tuple[object, ...]] = {
    "record_shape": ("docs", "newer"),
    "fail_code_style": ("int", "string", "empty"),
    "submit_fault": ("", "drop", "error_500", "code_500", "hang"),
    "temporary_failure_kind": ("", "concurrency", "try_later", "network"),
    "input_refusal": ("submit", "task"),
    "extend_not_found_code": (422, 404),
}


def knob(default: T, help_text: str) -> T:
    """A knob's default and the one line of help that `GET /` shows for it."""
    return dataclasses.field(default=default, metadata={"help": help_text})


@dataclass
class RunwayKnobs:
    """Everything a test or a demo may tune; defaults behave like a healthy provider."""

    api_key: str | None = knob(None, "when set, a wrong or missing Bearer gets code 401")
    webhook_hmac_key: str | None = knob(None, "when set, callbacks are signed")
    latency: float = knob(1.0, "seconds from submit to finished")
    failure_rate: float = knob(0.0, "share of tasks that fail with a permanent reason")
    drop_callbacks: float = knob(0.0, "share of callbacks never sent")
    duplicate_callbacks: float = knob(0.0, "share of callbacks sent twice")
    callback_delay: float = knob(0.0, "extra seconds before a callback is sent")
    rate_429: float = knob(0.0, "share of API calls answered with code 429")
    rate_500: float = knob(0.0, "share of API calls answered with HTTP 500 or code 500")
    generation_limit: int = knob(20, "generation requests per window, counted on arrival")
    generation_window: float = knob(10.0, "seconds of the sliding rate-limit window")
    credits: int = knob(10_000, "the account's credit balance")
    fps: int = knob(12, "frames per second of rendered videos")
    frame_scale: float = knob(1.0, "render frames at this share of the quality's size")
    min_video_bytes: int = knob(0, "pad rendered MP4s to at least this size")
    seed: int | None = knob(None, "seed of the emulator's random choices")
    visibility_delay: float = knob(0.0, "seconds a new task answers 404 to look-ups")
    string_fail_codes: bool = knob(False, "old spelling of fail_code_style='string'")
    callback_retry_delays: tuple[float, ...] = knob(
        (0.5, 1.0, 2.0), "seconds between callback retries"
    )
    files_dir: str | None = knob(None, "keep files here instead of a temp dir")
    record_shape: str = knob("docs", "'docs': taskId, parentTaskId; 'newer': id, parentId")
    fail_code_style: str = knob("int", "failCode as 400 ('int'), \"400\" ('string'), '' ('empty')")
    submit_fault: str = knob(
        "", "'drop', 'error_500', 'code_500' or 'hang': a submission made a task, reply garbled"
    )
    submit_fault_next: int = knob(0, "the next N accepted generation submissions get it")
    submit_fault_rate: float = knob(0.0, "then this share of accepted submissions gets it")
    submit_hang_seconds: float = knob(30.0, "how long a 'hang' submission waits to answer")
    temporary_failure_next: int = knob(0, "the next N new tasks fail with a 'try again' reason")
    temporary_failure_rate: float = knob(0.0, "then this share of new tasks does")
    temporary_failure_kind: str = knob(
        "", "'concurrency', 'try_later', 'network', or '' to take them in turn"
    )
    maintenance_until: float | None = knob(None, "Unix time until which submissions get 455")
    maintenance_for: float = knob(0.0, "setting it sets maintenance_until = now + it (0: none)")
    expire_after: float | None = knob(None, "seconds after finishing that a task expires")
    input_refusal: str = knob("submit", "a non-JPG/PNG image: 'submit' code 422, 'task' fails")
    extend_not_found_code: int = knob(422, "code for extend of an unknown or Aleph task id")

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            _check_choice(name, getattr(self, name), allowed)
        if not 0 < self.frame_scale <= 1:
            raise KnobError(f"knob 'frame_scale' takes a share in (0, 1], not {self.frame_scale}")


class KnobError(ValueError):
    """A knob update named an unknown knob or gave it a value of the wrong type."""


def update_knobs(knobs: RunwayKnobs, changes: dict[str, Any]) -> RunwayKnobs:
    """Return a copy of `knobs` with `changes` applied, checking names, types and choices."""
    types = {f.name: str(f.type) for f in fields(knobs)}
    coerced: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in types:
            raise KnobError(f"unknown knob {name!r}")
        coerced[name] = _coerce(name, types[name], value)
    return dataclasses.replace(knobs, **coerced)


def _check_choice(name: str, value: object, allowed: tuple[object, ...]) -> None:
    if value not in allowed:
        choices = ", ".join(repr(choice) for choice in allowed)
        raise KnobError(f"knob {name!r} takes one of {choices}, not {value!r}")


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


def knob_help() -> dict[str, str]:
    """Each knob's type, default and help, for the index page."""
    return {f.name: f"{f.type} = {f.default!r}: {f.metadata['help']}" for f in fields(RunwayKnobs)}


def fail_code_style(knobs: RunwayKnobs) -> str:
    """The effective style: `string_fail_codes` still turns the default into "string"."""
    if knobs.string_fail_codes and knobs.fail_code_style == "int":
        return "string"
    return knobs.fail_code_style
