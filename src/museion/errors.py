"""Errors and their one rendering: `{"error": "..."}` plus `errors: [...]` for field failures.

DomainError (500)
  Unauthorized ........ 401  unknown or revoked bearer token
  Forbidden ........... 403  valid token, access too low
  NotFound ............ 404  no such record, or outside the token's museums
  Conflict ............ 409  the same Idempotency-Key is still in progress; retry shortly
  Unprocessable ....... 422  invalid input or a refused business rule
    SoldOut ........... 422  no capacity left: quota slot, date seats, a seat of a seat plan
      HoldLimitReached  422  the client already holds as much as one client may
      ReservationExpired 422 a named hold is gone (expired or used): its units are not yours
  TooManyRequests ..... 429  rate limit, with Retry-After (system/ratelimit.py)
  Busy ................ 503  lock timeout, or a lost database connection; try again shortly
framework errors: 404 unknown route, 405 wrong method, 408 body too slow, 413 body too
large, 422 validation and unreadable bodies (not UTF-8, nested too deep)
anything else: 500 {"error": "internal error", "request_id": ...}, logged with that id
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    status_code = 500
    headers: ClassVar[dict[str, str] | None] = None

    def __init__(self, message: str, errors: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors) if errors else None


class Unauthorized(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409
    headers: ClassVar[dict[str, str] | None] = {"Retry-After": "1"}


class Unprocessable(DomainError):
    status_code = 422


class SoldOut(Unprocessable):
    """Capacity refused (availability): what was asked for is not free, or not yours."""


class HoldLimitReached(SoldOut):
    """A client holds as much as one client may (hold caps)."""


class ReservationExpired(SoldOut):
    def __init__(self, message: str = "reservation not valid anymore") -> None:
        super().__init__(message)


class TooManyRequests(DomainError):
    status_code = 429


class Busy(DomainError):
    status_code = 503
    headers: ClassVar[dict[str, str] | None] = {"Retry-After": "1"}


class ErrorOut(BaseModel):
    """The body of every error answer, as error_response renders it (the API docs show it)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"error": "ticket 99 not found"},
                {
                    "error": "invalid parameters",
                    "errors": [
                        "page: Input should be greater than or equal to 1 (got '0')",
                        "date: Input should be a valid date (got 'soon')",
                    ],
                },
            ]
        }
    )

    error: str = Field(description="What went wrong, in words for people.")
    errors: list[str] = Field(
        default_factory=list,
        description="One entry per parameter or field that failed; absent when there is one.",
    )


def error_response(
    status_code: int,
    message: str,
    errors: Sequence[str] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if errors:
        body["errors"] = list(errors)
    return JSONResponse(body, status_code=status_code, headers=headers)


def _param_name(loc: Sequence[str | int]) -> str:
    # ("query", "by_museum_ids[]", 0) -> "by_museum_ids[]"
    # ("body", "order", "items") -> "order.items"
    parts = [str(p) for p in loc[1:] if not isinstance(p, int)] if len(loc) > 1 else [str(loc[0])]
    return ".".join(parts) or "request"


def _describe(error: dict[str, Any]) -> str:
    name = _param_name(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        return "request body is not valid JSON"
    # Our validators raise ValueError; pydantic prefixes their message with "Value error, ".
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    given = error.get("input")
    if (
        error.get("type") != "missing"
        and isinstance(given, str | int | float)
        and len(str(given)) < 60
    ):
        return f"{name}: {message} (got {given!r})"
    return f"{name}: {message}"


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = list(exc.errors())
    # A malformed id in the path names a record that cannot exist: go~mus answers 404.
    if problems and all(p.get("loc", ("",))[0] == "path" for p in problems):
        return error_response(404, "not found")
    messages = [_describe(p) for p in problems]
    return error_response(
        422, messages[0] if len(messages) == 1 else "invalid parameters", messages
    )


async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
    return error_response(exc.status_code, exc.message, exc.errors, exc.headers)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400:
        # FastAPI's "error parsing the body": bytes that are not UTF-8, or JSON nested deeper
        # than the parser goes. Invalid input like any other, so 422 like malformed JSON.
        return error_response(
            422, "request body is not valid JSON (UTF-8 text, nested at most a few levels)"
        )
    messages = {404: "not found", 405: "method not allowed", 413: "request body too large"}
    message = messages.get(exc.status_code, exc.detail)
    return error_response(exc.status_code, str(message), headers=getattr(exc, "headers", None))


async def _database_busy(request: Request, exc: DBAPIError) -> JSONResponse:
    # Lock timeouts (PostgreSQL 55P03, SQLite "database is locked") are load, not bugs.
    text = str(exc.orig).lower()
    if "lock" in text and ("timeout" in text or "locked" in text):
        return error_response(503, "the server is busy, try again", headers=Busy.headers)
    # A pooled connection the database dropped (restart, failover): SQLAlchemy has already
    # replaced the pool's connections, so the retry gets a fresh one (see db.make_engine).
    if exc.connection_invalidated:
        log.warning("database connection lost, answered 503: %s", exc.orig)
        return error_response(
            503, "the database connection was lost, try again", headers=Busy.headers
        )
    raise exc


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    # A bug: the client gets an id to quote, the log gets the traceback under the same id.
    request_id = uuid.uuid4().hex
    log.error("internal error, request_id=%s", request_id, exc_info=exc)
    return JSONResponse({"error": "internal error", "request_id": request_id}, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _internal_error)
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(DomainError, _domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(DBAPIError, _database_busy)  # type: ignore[arg-type]
