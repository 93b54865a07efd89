"""What the emulator remembers besides its files: its knobs and the requests it received."""

from __future__ import annotations

import dataclasses
import random
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.runway_ai.config import RunwayAiKnobs

MAX_RECORDS = 5000
URL_FIELDS = ("image_url", "video_url", "style_reference", "media_url")


@dataclass(slots=True)
class RecordedRequest:
    """One /v1 call as the emulator saw it: the URLs it was given and the ones it fetched.
    Bodies are not kept (delete-media's carries the key)."""

    method: str
    path: str
    urls: dict[str, str] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    status: int | None = None
    at: float = field(default_factory=time.time)

    def note_params(self, params: dict[str, Any]) -> None:
        self.urls.update({k: v for k in URL_FIELDS if isinstance(v := params.get(k), str)})

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class RunwayAiState:
    """All mutable emulator state but the files; tests read it through `RUNWAY_AI_STATE`."""

    knobs: RunwayAiKnobs
    initial_knobs: RunwayAiKnobs
    requests: list[RecordedRequest] = field(default_factory=list)
    rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def create(cls, knobs: RunwayAiKnobs) -> RunwayAiState:
        return cls(knobs=knobs, initial_knobs=knobs, rng=random.Random(knobs.seed))

    def apply_knobs(self, knobs: RunwayAiKnobs) -> None:
        if knobs.seed != self.knobs.seed:
            self.rng.seed(knobs.seed)
        self.knobs = knobs

    def remember(self, record: RecordedRequest) -> None:
        """Keep the newest MAX_RECORDS requests, so a long demo does not grow without end."""
        self.requests.append(record)
        del self.requests[:-MAX_RECORDS]

    def chance(self, share: float) -> bool:
        """True for about `share` of calls (never for 0, always for 1)."""
        return share > 0 and self.rng.random() < share

    def fetched_urls(self) -> list[str]:
        return [url for record in self.requests for url in record.fetched]


RUNWAY_AI_STATE = web.AppKey("runway_ai_state", RunwayAiState)
RECORD = web.RequestKey("runway_ai_record", RecordedRequest)
