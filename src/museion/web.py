"""Wire conventions shared by every endpoint: locales, pagination, array parameters, dates, meta.

The dependencies here only parse and compute, so they are `async def`: FastAPI then runs them
on the event loop instead of sending each one through the thread pool.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Path, Query, Request
from pydantic import AfterValidator, BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from museion.auth import Access, principal_of
from museion.config import Settings
from museion.db import MAX_ID, SAFE_METHODS
from museion.errors import Forbidden, Unprocessable, error_response

# A translatable attribute on the wire: a string (one locale) or {"de": ..., "en": ...} (locale[]).
Text = str | dict[str, str | None] | None

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


async def get_settings_dep(request: Request) -> Settings:
    return settings_of(request)


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def settings_of(request: Request) -> Settings:
    """The app's settings, for hot endpoints that take `request` anyway (no dependency to
    solve: FastAPI walks every dependency's tree on every request)."""
    settings: Settings = request.app.state.settings
    return settings


@dataclass(frozen=True, slots=True)
class Render:
    """How this request wants things rendered: which locales, which zone, where media lives."""

    locales: tuple[str, ...]
    multi: bool
    fallbacks: tuple[str, ...]
    zone: ZoneInfo
    media_url: str
    # File name of the instance's fallback picture (museion.catalogue.pictures), set by create_app.
    fallback_picture: str

    def text(self, value: dict[str, str | None] | None) -> Text:
        """One locale: the translation, else the first configured locale that has one.
        locale[]: every requested locale as stored (null where a translation is missing)."""
        value = value or {}
        if self.multi:
            return {locale: value.get(locale) for locale in self.locales}
        for locale in (self.locales[0], *self.fallbacks):
            if found := value.get(locale):
                return found
        return next((v for v in value.values() if v), None)

    def content(self, value: dict[str, dict[str, str | None]] | None) -> dict[str, Text]:
        return {key: self.text(translations) for key, translations in (value or {}).items()}

    def time(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)


def _locale_values(request: Request) -> tuple[list[str], bool]:
    params = request.query_params
    listed = params.getlist("locale[]")
    plain = params.getlist("locale")
    if listed or len(plain) > 1:
        return listed + plain, True
    return plain, False


async def get_render(
    request: Request,
    locale: Annotated[
        str | None,
        Query(description="Locale of translated texts; falls back to the first configured one."),
    ] = None,
    locales: Annotated[
        list[str] | None,
        Query(
            alias="locale[]",
            description="Several locales at once (user tokens only): texts become "
            '`{"de": ..., "en": ...}`.',
        ),
    ] = None,
) -> Render:
    settings = settings_of(request)
    principal = principal_of(request)
    requested, multi = _locale_values(request)
    # An empty `locale=` (forms send them) means: the default locale.
    requested = [value.strip().lower() for value in requested if value.strip()]
    if unknown := [value for value in requested if value not in settings.locales]:
        raise Unprocessable(
            f"unknown locale {unknown[0]!r}; available: {', '.join(settings.locales)}"
        )
    if multi and principal.access is not Access.USER:
        raise Forbidden("multi-locale requests (locale[]) need a user token")
    chosen = tuple(dict.fromkeys(requested)) or (settings.default_locale,)
    base = settings.public_url or str(request.base_url)
    return Render(
        locales=chosen,
        multi=multi,
        fallbacks=tuple(settings.locales),
        zone=settings.zone,
        media_url=base.rstrip("/") + "/media",
        fallback_picture=request.app.state.fallback_picture,
    )


RenderDep = Annotated[Render, Depends(get_render)]


async def get_now() -> datetime:
    """The request's clock; tests override this dependency to travel in time."""
    return datetime.now(UTC)


NowDep = Annotated[datetime, Depends(get_now)]


class Meta(BaseModel):
    total_count: int
    page: int
    per_page: int


@dataclass(frozen=True, slots=True)
class Pagination:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def meta(self, total_count: int) -> Meta:
        return Meta(total_count=total_count, page=self.page, per_page=self.per_page)


def page_limit(settings: Settings, authenticated: bool) -> int:
    return settings.per_page_max if authenticated else settings.per_page_public


async def get_pagination(
    request: Request,
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")] = 1,
    per_page: Annotated[
        int | None,
        Query(
            ge=1,
            description="Page size; larger than allowed is clamped (25 public, 100 with token).",
        ),
    ] = None,
) -> Pagination:
    settings = settings_of(request)
    limit = page_limit(settings, principal_of(request).authenticated)
    size = settings.per_page_public if per_page is None else per_page
    # Real clients ask for per_page=1000; go~mus clamps silently instead of refusing.
    return Pagination(page=page, per_page=min(size, limit))


PaginationDep = Annotated[Pagination, Depends(get_pagination)]

SearchQuery = Annotated[
    str | None, Query(max_length=200, description="Case-insensitive text search.")
]


def _date_in_range(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"date must be between {EARLIEST_DATE} and {LATEST_DATE}")
    return value


ApiDate = Annotated[date, AfterValidator(_date_in_range)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A record id in the path; anything else (text, 0, too big) is a 404 like an unknown id.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def id_list(
    name: str, *, description: str, minimum: int = 1
) -> Callable[..., Awaitable[list[int] | None]]:
    """A dependency reading `name[]=1&name[]=2` (Rails form, literal or %5B%5D) and `name=1&name=2`.

    Returns None when the parameter is absent, so "no filter" differs from "filter by nothing".
    """
    item = Annotated[int, Field(ge=minimum, le=MAX_ID)]

    async def dependency(**values: list[int] | None) -> list[int] | None:
        bracket, plain = values["bracket"], values["plain"]
        if bracket is None and plain is None:
            return None
        return list(dict.fromkeys([*(bracket or []), *(plain or [])]))

    dependency.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "bracket",
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[
                    list[item] | None, Query(alias=f"{name}[]", description=description)
                ],
            ),
            inspect.Parameter(
                "plain",
                inspect.Parameter.KEYWORD_ONLY,
                default=None,
                annotation=Annotated[list[item] | None, Query(alias=name, include_in_schema=False)],
            ),
        ]
    )
    dependency.__name__ = f"{name}_list"
    return dependency


class RejectNulMiddleware:
    """NUL characters in a URL are never meaningful, and PostgreSQL text cannot hold them:
    answer 422 (query) or 404 (path) before any endpoint sees them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string", b"").lower()
            if b"%00" in query or b"\x00" in query:
                response = error_response(422, "query parameters must not contain NUL characters")
                await response(scope, receive, send)
                return
            if "\x00" in scope.get("path", ""):
                await error_response(404, "not found")(scope, receive, send)
                return
        await self.app(scope, receive, send)


class WriteGate:
    """At most `limit` write requests (POST, PUT, PATCH, DELETE) of this process run at once;
    the others wait on the event loop, holding neither a worker thread nor a connection.

    Writers queue for each other inside the database (slot row locks; SQLite's one write lock).
    Without the gate, fifty waiting writers can occupy every worker thread, and the writer that
    holds the lock then gets no thread to finish its response: everyone waits for the lock
    timeout and answers 503. SQLite serializes writers anyway, so there the limit is 1.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.semaphore = asyncio.Semaphore(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        async with self.semaphore:
            await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Request bodies over `limit` bytes get 413 before an endpoint works on them: at once by
    their Content-Length, or (chunked uploads) as soon as the streamed bytes pass the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await error_response(413, "request body too large")(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # FastAPI passes HTTPExceptions from body reading through to our handler.
                    raise StarletteHTTPException(413)
            return message

        await self.app(scope, limited_receive, send)
