"""Turn jobs into the texts users see: status lines, captions, failure explanations."""

from __future__ import annotations

import json
from datetime import datetime

from bot.domain.models import Engine, FailureReason, Job, JobKind, JobState, VideoOptions
from bot.domain.service import Place
from bot.domain.tools import ForgetMedia, MediaInfo
from bot.telegram.i18n import DEFAULT_LANGUAGE, text
from bot.telegram.locales import CATALOGS

CAPTION_LIMIT = 1024
PROMPT_PREVIEW = 60


def elapsed(job: Job, now: datetime) -> str:
    end = now if job.active else job.updated_at
    seconds = max(0, int((end - job.created_at).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


def settings_line(language: str, job_or_options: Job | VideoOptions) -> str:
    if isinstance(job_or_options, Job):
        options, kind = job_or_options.options, job_or_options.kind
    else:
        options, kind = job_or_options, None
    ratio = options.aspect_ratio.value if options.aspect_ratio else None
    if ratio is None:
        ratio = text(language, "settings.ratio_auto")
    parts = [ratio]
    if kind is not JobKind.EXTEND:
        parts.append(text(language, "settings.seconds", count=options.duration))
    parts.append(options.quality.value)
    if kind is JobKind.ALEPH:
        parts = [ratio] if options.aspect_ratio else []
        if options.seed is not None:
            parts.append(text(language, "settings.seed", seed=options.seed))
    line = " · ".join(parts)
    if options.watermark:
        line += (" · " if line else "") + text(
            language, "settings.watermark", text=options.watermark
        )
    if isinstance(job_or_options, Job) and job_or_options.engine is Engine.RUNWAY_AI:
        line += " · " + text(language, "engine.runway-ai")
    return line


def job_line(language: str, job: Job) -> str:
    """What was asked: a clip's kind and settings, or a tool's command as it was given."""
    kind = text(language, f"kind.{job.kind.value}")
    if job.kind is JobKind.TOOL:
        return f"{kind} · {short_prompt(job.prompt)}"
    return f"{kind} · {settings_line(language, job)}"


def state_text(language: str, job: Job) -> str:
    """The state as a user reads it; a job in line that was sent before is being retried, a
    submission without an answer is delayed."""
    if job.engine is not Engine.KIE:
        synchronous = _synchronous_state(language, job)
        if synchronous is not None:
            return synchronous
    if job.state is JobState.WAITING and job.attempt > 0:
        return text(language, "state.retrying", attempt=job.attempt + 1)
    if job.state is JobState.WAITING and job.checks > 0:
        return text(language, "state.held")
    if job.state is JobState.SUBMITTING and job.submitted_at is not None and job.attempt > 0:
        return text(language, "state.submitting")
    return text(language, f"state.{job.state.value}")


def _synchronous_state(language: str, job: Job) -> str | None:
    """The Runway AI API and the local tools do the work in the call itself: a job is at work
    from the moment it is sent, and a second run follows a restart or the provider's trouble."""
    if job.state is JobState.WAITING and job.attempt > 0:
        return text(language, "state.rerun", attempt=job.attempt + 1)
    if job.state is JobState.SUBMITTING and job.submitted_at is not None:
        return text(language, "state.working")
    if job.state is JobState.SUCCEEDED and job.kind is JobKind.TOOL:
        return text(language, "state.sending_result")
    return None


def place_text(language: str, place: Place) -> str:
    if place.ahead == 0 and place.eta < 1:
        return text(language, "place.next")
    return text(language, "place.line", count=place.ahead + 1, eta=_eta(language, place.eta))


def _eta(language: str, seconds: float) -> str:
    if seconds < 60:
        return text(language, "eta.seconds", count=max(1, round(seconds)))
    return text(language, "eta.minutes", count=round(seconds / 60))


def status_text(
    job: Job, now: datetime, place: Place | None = None, *, unconfirmed: bool = False
) -> str:
    language = job.origin.language
    if job.state in (JobState.FAILED, JobState.UNDELIVERABLE):
        return failure_text(job)
    state = state_text(language, job)
    if unconfirmed:
        state = text(language, "state.unconfirmed")
    if place is not None:
        state += " · " + place_text(language, place)
    body = text(
        language,
        "status.line" if job.cost else "status.line_free",
        state=state,
        elapsed=elapsed(job, now),
        settings=job_line(language, job),
        count=job.cost,
    )
    if job.price_stars:
        body += " · " + text(language, "stars.price", count=job.price_stars)
    if job.note:
        body += "\n" + text(language, job.note)
    return body


def caption(job: Job) -> str:
    if job.kind is JobKind.TOOL:
        return job.prompt[:CAPTION_LIMIT]
    settings = settings_line(job.origin.language, job)
    if job.note:
        settings += "\n" + text(job.origin.language, job.note)
    room = CAPTION_LIMIT - len(settings) - 2
    prompt = job.prompt if len(job.prompt) <= room else job.prompt[: room - 1] + "…"
    return f"{prompt}\n\n{settings}"


def short_prompt(prompt: str) -> str:
    return prompt if len(prompt) <= PROMPT_PREVIEW else prompt[: PROMPT_PREVIEW - 1] + "…"


def failure_text(job: Job) -> str:
    """Why the job ended without a result, in plain words, with the provider's own reason."""
    language = job.origin.language
    if job.state is JobState.UNDELIVERABLE:
        return text(
            language, "failure.undeliverable", reason=(job.failure and job.failure.detail) or ""
        )
    failure = job.failure
    if failure is not None and failure.code in CATALOGS[DEFAULT_LANGUAGE]:
        return "❌ " + text(language, failure.code, **_params(failure.detail))
    reason = failure.reason if failure else FailureReason.GENERATION_FAILED
    detail = (failure.detail if failure else "")[:500] or "?"
    if job.kind is JobKind.TOOL and f"failure.tool_{reason.value}" in CATALOGS[DEFAULT_LANGUAGE]:
        return text(language, f"failure.tool_{reason.value}", reason=detail)
    return text(language, f"failure.{reason.value}", reason=detail)


def _params(detail: str) -> dict[str, str]:
    """The values of a refusal a tool job carried in its failure (see bot/domain/toolwork)."""
    try:
        params = json.loads(detail) if detail.startswith("{") else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in params.items()} if isinstance(params, dict) else {}


def result_text(job: Job) -> str:
    """A text result: facts about a photo or a video (stored as JSON), a deleted result's
    confirmation, or the provider's sentence as it is."""
    language = job.origin.language
    body = (job.result.text if job.result else None) or ""
    if isinstance(job.tool, ForgetMedia):
        return text(language, "forget.done", message=body[:300])
    try:
        facts = json.loads(body)
    except ValueError:
        return body
    if not isinstance(facts, dict):
        return body
    try:
        return info_text(language, MediaInfo(**facts))
    except TypeError:
        return body


def board_text(rows: list[tuple[Job, Place | None]], now: datetime) -> str:
    """A group's shared status: its jobs, oldest first, each with its state and place in line;
    in the language of the request that opened the board."""
    language = rows[0][0].origin.language
    running = sum(1 for job, _ in rows if not job.final)
    title = "board.title" if running else "board.done"
    lines = [text(language, title, count=running or len(rows))]
    for job, place in rows:
        state = state_text(language, job)
        if place is not None:
            state += " · " + place_text(language, place)
        lines.append(
            text(
                language,
                "board.line",
                job_id=job.id,
                prompt=short_prompt(job.prompt),
                state=state,
                elapsed=elapsed(job, now),
            )
        )
    return "\n".join(lines)[:4096]


def info_text(language: str, info: MediaInfo) -> str:
    """/info: what a photo or a video is, one fact a line, leaving out what is not known."""
    facts = {
        "info.size": _megabytes(info.size_bytes),
        "info.dimensions": f"{info.width}×{info.height}" if info.width and info.height else None,
        "info.duration": f"{info.duration:.1f}" if info.duration is not None else None,
        "info.fps": f"{info.fps:g}" if info.fps else None,
        "info.format": info.format,
        "info.created": info.created_at,
    }
    lines = [text(language, f"info.title_{info.kind}")]
    lines += [text(language, key, value=value) for key, value in facts.items() if value]
    if info.kind == "video" and info.has_audio is not None:
        lines.append(text(language, "info.sound_yes" if info.has_audio else "info.sound_no"))
    return "\n".join(lines)


def _megabytes(size: int | None) -> str | None:
    if size is None:
        return None
    return f"{size / 1024 / 1024:.1f} MB" if size >= 100 * 1024 else f"{size / 1024:.0f} KB"
