"""JSON errors for the API: ``{"error": <code>, "message": <what to do>}``, always.

FastAPI answers an unknown route, a wrong method or a query parameter of the wrong
type with its own shapes, and an unexpected error with a plain-text 500. Under the
API's paths these handlers give the same JSON shape as the routes' own errors; every
other path keeps the answer it had: FastAPI's, or a handler the app installed before
``install`` was called.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.db.outage import RAISED_WHEN_AWAY, RETRY_AFTER_SECONDS, log_failure, unavailable

log = logging.getLogger(__name__)

API_PREFIXES: Final = ("/credentials", "/.well-known/did.json", "/did.json")
CODES: Final = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    503: "unavailable",
}
DATABASE_AWAY: Final = "the service cannot reach its database just now; try again in a moment"
MESSAGES: Final = {
    404: "there is no such route; see /docs",
    405: "this route does not take that method; see /docs",
}


Handler = Callable[[Request, Exception], Awaitable[Response]]


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIXES)


def error(status_code: int, code: str, message: str, **headers: str) -> JSONResponse:
    return JSONResponse(
        {"error": code, "message": message}, status_code=status_code, headers=headers or None
    )


async def _http_error(request: Request, problem: Exception) -> Response:
    assert isinstance(problem, StarletteHTTPException)
    status = problem.status_code
    detail = problem.detail if isinstance(problem.detail, str) else ""
    if status in MESSAGES and detail in ("Not Found", "Method Not Allowed"):
        detail = MESSAGES[status]
    response = error(status, CODES.get(status, "error"), detail or "the request failed")
    for name, value in (problem.headers or {}).items():
        response.headers[name] = value
    return response


async def _invalid(request: Request, problem: Exception) -> Response:
    assert isinstance(problem, RequestValidationError)
    parts = []
    for item in problem.errors()[:5]:
        where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        parts.append(f"{where}: {item.get('msg', 'not valid')}" if where else item.get("msg", ""))
    return error(422, "invalid_request", "; ".join(parts) or "the request is not valid")


async def _unexpected(request: Request, problem: Exception) -> Response:
    if unavailable(problem):
        # Nothing is wrong with the request or our code: the database is away for a
        # moment. A 503 with Retry-After tells clients to come back, not to give up.
        log_failure(log, f"{request.method} {request.url.path}", problem)
        retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if not is_api(request.url.path):
            return PlainTextResponse("Service Unavailable", status_code=503, headers=retry)
        return error(503, "unavailable", DATABASE_AWAY, **retry)
    # Logged with its traceback; the caller learns only that it was our fault.
    log.error("unexpected error on %s", request.url.path, exc_info=problem)
    if not is_api(request.url.path):
        return PlainTextResponse("Internal Server Error", status_code=500)
    return error(500, "internal_error", "something went wrong on our side; try again later")


def _for_api(ours: Handler, theirs: Callable[..., Any]) -> Handler:
    async def handle(request: Request, problem: Exception) -> Response:
        if is_api(request.url.path):
            return await ours(request, problem)
        answer = theirs(request, problem)
        return await answer if inspect.isawaitable(answer) else answer  # type: ignore[no-any-return]

    return handle


def install(app: FastAPI) -> None:
    """Call after the app's own handlers: they keep every path outside the API."""
    handlers = app.exception_handlers
    for kind, ours, default in (
        (StarletteHTTPException, _http_error, http_exception_handler),
        (RequestValidationError, _invalid, request_validation_exception_handler),
    ):
        app.add_exception_handler(kind, _for_api(ours, handlers.get(kind, default)))
    app.add_exception_handler(Exception, _unexpected)
    # Starlette answers with the catch-all above and then raises the error again, for
    # the server to log as unhandled. The errors a database outage raises are expected:
    # handled here, they end with the 503 (or, when they mean something else, the 500).
    for raised in RAISED_WHEN_AWAY:
        app.add_exception_handler(raised, _unexpected)
