"""The emulator's error answers. The seed shows none, so this is the emulator's choice:
`{"error": {"code": "...", "message": "..."}}` with a 4xx or 5xx status, the message saying
which field was wrong and what is valid."""

from __future__ import annotations

from aiohttp import web

CODES = {
    400: "invalid_json",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    422: "invalid_parameter",
    429: "rate_limited",
    500: "internal_error",
}


class ApiError(Exception):
    """A refusal: answered with `status` and the error body."""

    def __init__(self, status: int, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or CODES.get(status, "error")


def error_response(error: ApiError) -> web.Response:
    body = {"error": {"code": error.code, "message": error.message}}
    headers = {"Retry-After": "1"} if error.status == 429 else None
    return web.json_response(body, status=error.status, headers=headers)


def invalid(message: str) -> ApiError:
    """A 422 for a parameter that is missing, of the wrong type or out of range."""
    return ApiError(422, message)
