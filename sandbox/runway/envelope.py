"""The provider's reply envelope: `{"code", "msg", "data"}`, errors usually with HTTP 200."""

from __future__ import annotations

from typing import Any

from aiohttp import web

UPLOAD_PREFIX = "/api/file-"


class ApiError(Exception):
    """An envelope error: answered with HTTP 200 (or `http_status`) and a non-200 code."""

    def __init__(self, code: int, msg: str, *, http_status: int = 200) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg
        self.http_status = http_status


def ok(data: Any, *, msg: str = "success") -> web.Response:
    return web.json_response({"code": 200, "msg": msg, "data": data})


def upload_ok(data: dict[str, Any]) -> web.Response:
    return web.json_response(
        {"success": True, "code": 200, "msg": "File uploaded successfully", "data": data}
    )


def error_response(request: web.Request, error: ApiError) -> web.Response:
    """The error envelope; the upload API's replies carry `success` as well."""
    body: dict[str, Any] = {"code": error.code, "msg": error.msg, "data": None}
    if request.path.startswith(UPLOAD_PREFIX):
        body = {"success": False, **body}
    return web.json_response(body, status=error.http_status)


async def json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object, or an envelope error saying what is wrong."""
    try:
        body = await request.json()
    except ValueError as exc:
        raise ApiError(400, "Invalid request parameters or malformed JSON") from exc
    if not isinstance(body, dict):
        raise ApiError(422, "The request body must be a JSON object")
    return body
