"""deploy/: the compose file parses, its settings are the bot's, its healthchecks and proxy
name the replicas' real port and routes (Docker does not run in the test environment)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from bot.config import Settings
from bot.web.app import create_web_app
from bot.web.keys import WebConfig

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
REPLICAS = ("bot-1", "bot-2")


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_the_compose_file_runs_postgres_two_replicas_and_a_proxy() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", *REPLICAS, "caddy"}
    for name in REPLICAS:
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["postgres"]["environment"]["POSTGRES_DB"] == "bot"


def test_the_replicas_settings_are_settings_of_the_bot() -> None:
    known = {name.upper() for name in Settings.model_fields}
    for name in REPLICAS:
        env = compose()["services"][name]["environment"]
        assert set(env) <= known, set(env) - known
        assert env["DATABASE_URL"].startswith("postgresql://bot:")
        assert env["DATABASE_URL"].endswith("@postgres:5432/bot")
        assert env["PUBLIC_URL"].startswith("https://")


def web_app() -> web.Application:
    """The bot's routes with the webhook on (the views are not called)."""

    async def sink(update: dict[str, Any]) -> None:
        return None

    return create_web_app(None, WebConfig(), sink)  # type: ignore[arg-type]


def test_healthchecks_and_the_proxy_reach_the_replicas_port_and_routes() -> None:
    services = compose()["services"]
    port = services["bot-1"]["environment"]["HTTP_PORT"]
    for name in REPLICAS:
        assert f"http://127.0.0.1:{port}/healthz" in " ".join(services[name]["healthcheck"]["test"])
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert re.search(rf"reverse_proxy bot-1:{port} bot-2:{port}\b", caddyfile)
    assert "health_uri /healthz" in caddyfile
    routes = {resource.canonical for resource in web_app().router.resources()}
    [matcher] = re.findall(r"@bot path (.+)", caddyfile)
    for pattern in matcher.split():
        prefix = pattern.rstrip("*")
        assert any(route.startswith(prefix) for route in routes | {"/media/{token}"}), pattern
