"""Turn jobs into the texts users see: status lines, captions, failure explanations."""

from __future__ import annotations

from datetime import datetime

from bot.domain.errors import RequestRuleError
from bot.domain.models import Job, JobState, VideoOptions
from bot.telegram.i18n import text

CAPTION_LIMIT = 1024
TEXT_LIMIT = 4096
PROMPT_PREVIEW = 60


def elapsed(job: Job, now: datetime) -> str:
    end = now if job.active else job.updated_at
    seconds = max(0, int((end - job.created_at).total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


def settings_line(language: str, options: VideoOptions) -> str:
    ratio = options.aspect_ratio.value if options.aspect_ratio else None
    line = text(
        language,
        "settings.line",
        ratio=ratio or text(language, "settings.ratio_auto"),
        duration=options.duration,
        quality=options.quality.value,
    )
    if options.watermark:
        line += " · " + text(language, "settings.watermark", text=options.watermark)
    return line


def status_text(job: Job, now: datetime) -> str:
    language = job.origin.language
    if job.state is JobState.FAILED:
        return failure_text(job)
    return text(
        language,
        "status.line",
        state=text(language, f"state.{job.state.value}"),
        elapsed=elapsed(job, now),
        settings=f"{text(language, f'kind.{job.kind.value}')} · "
        + settings_line(language, job.options),
        cost=job.cost,
    )


def caption(job: Job) -> str:
    settings = settings_line(job.origin.language, job.options)
    room = CAPTION_LIMIT - len(settings) - 2
    prompt = job.prompt if len(job.prompt) <= room else job.prompt[: room - 1] + "…"
    return f"{prompt}\n\n{settings}"


def short_prompt(prompt: str) -> str:
    return prompt if len(prompt) <= PROMPT_PREVIEW else prompt[: PROMPT_PREVIEW - 1] + "…"


_MODERATION = ("nsfw", "moderat", "sensitive", "inappropriate", "policy", "content")
_BAD_MEDIA = ("image", "photo", "picture", "video format", "decode", "resolution")


def failure_key(code: str | None, message: str | None) -> str:
    """Map a failure code and message to the catalog key that explains it in plain words."""
    code = (code or "").lower()
    message = (message or "").lower()
    if code in {"interrupted", "timeout"}:
        return f"failure.{code}"
    if code in {"402", "insufficientcreditserror"}:
        return "failure.no_credits"
    if any(word in message for word in _MODERATION):
        return "failure.moderation"
    if any(word in message for word in _BAD_MEDIA):
        return "failure.bad_image"
    if code in {"429", "455", "500", "502", "503", "504", "providerunavailableerror"}:
        return "failure.provider_down"
    if code in {"400", "422", "451", "providerrejectederror"}:
        return "failure.refused"
    return "failure.generic"


def failure_text(job: Job) -> str:
    key = failure_key(job.failure_code, job.failure_message)
    reason = (job.failure_message or job.failure_code or "?")[:500]
    return text(job.origin.language, key, reason=reason)


def rule_text(language: str, error: RequestRuleError) -> str:
    key = f"rule.{error.rule}"
    try:
        return text(language, key, **error.params)
    except KeyError:
        return text(language, "rule.other", message=str(error))
