"""GET /healthz and GET /metrics."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.domain.models import JobState
from bot.web.keys import SERVICE

logger = logging.getLogger(__name__)

HELP = {
    "bot_jobs": "Jobs by state.",
    "bot_callbacks_accepted_total": "Provider callbacks stored.",
    "bot_callbacks_rejected_total": "Provider callbacks refused, by reason.",
    "bot_deliveries_total": "Finished jobs handed to Telegram, by outcome.",
    "bot_provider_errors_total": "Provider errors, by envelope code.",
}
LABELS = {"callbacks_rejected": "reason", "deliveries": "outcome", "provider_errors": "code"}


async def healthz(request: web.Request) -> web.Response:
    try:
        await request.app[SERVICE].store.ping()
    except Exception:
        logger.exception("health check: the database is not reachable")
        return web.json_response({"status": "error", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})


async def metrics(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    counts = await service.store.count_by_state()
    lines = _family("bot_jobs", "gauge")
    lines += [f'bot_jobs{{state="{state.value}"}} {counts.get(state, 0)}' for state in JobState]
    for name in ("callbacks_accepted", "callbacks_rejected", "deliveries", "provider_errors"):
        lines += _family(f"bot_{name}_total", "counter")
        for counter, label, value in service.metrics.items():
            if counter == name:
                lines.append(_sample(f"bot_{name}_total", LABELS.get(name), label, value))
    return web.Response(text="\n".join(lines) + "\n", content_type="text/plain", charset="utf-8")


def _family(name: str, kind: str) -> list[str]:
    return [f"# HELP {name} {HELP[name]}", f"# TYPE {name} {kind}"]


def _sample(name: str, label_name: str | None, label: str, value: int) -> str:
    if label_name is None or not label:
        return f"{name} {value}"
    return f'{name}{{{label_name}="{label}"}} {value}'
