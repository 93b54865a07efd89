"""A loopback file server for the inputs a user would have sent, as the bot's /media/{token}
route serves them; it records every path it was asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from aiohttp.pytest_plugin import AiohttpServer
from aiohttp.typedefs import Handler


@dataclass
class FileServer:
    root: Path
    base_url: str = ""
    asked: list[str] = field(default_factory=list)

    def url(self, path: Path) -> str:
        """Serve `path` (copied in once) and return its URL."""
        target = self.root / path.name
        if not target.exists():
            target.write_bytes(path.read_bytes())
        return f"{self.base_url}/media/{path.name}"


async def serve_files(aiohttp_server: AiohttpServer, root: Path) -> FileServer:
    """Serve the files of `root`, which must exist."""
    server = FileServer(root)

    @web.middleware
    async def note(request: web.Request, handler: Handler) -> web.StreamResponse:
        server.asked.append(request.path)
        return await handler(request)

    app = web.Application(middlewares=[note])
    app.router.add_static("/media", root)
    running = await aiohttp_server(app)
    server.base_url = str(running.make_url("")).rstrip("/")
    return server
