"""Wire conventions shared by every endpoint: locales, pagination, array parameters, dates, meta.

The dependencies here only parse and compute, so they are `async def`: FastAPI then runs them
on the event loop instead of sending each one through the thread pool.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from fastapi import Depends, Path, Query, Request
from fastapi.routing import APIRoute
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from museion.access import Access
from museion.auth import principal_of
from museion.config import Settings
from museion.db import MAX_ID, SAFE_METHODS, ends_in_thread
from museion.errors import Forbidden, Unprocessable, error_response

T = TypeVar("T")
P = ParamSpec("P")

# A translatable attribute on the wire: a string (one locale) or {"de": ..., "en": ...} (locale[]).
Text = str | dict[str, str | None] | None

# Where the API lives on the server (app.py mounts every API router there).
API_PREFIX = "/api/v4"
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SURROGATE = re.compile("[\ud800-\udfff]")


def example_time(hour: int, minute: int, zone: str = "Europe/Berlin") -> str:
    """An entry time for the API docs' examples that `museion demo` can sell for a long time:
    a Wednesday about eight weeks ahead (well within the booking horizon; the demo museums are
    open then), never 24 or 31 December or 1 January. Fixed when the server starts."""
    day = date.today() + timedelta(weeks=8)
    day += timedelta(days=(2 - day.weekday()) % 7)
    while (day.month, day.day) in ((12, 24), (12, 31), (1, 1)):
        day += timedelta(weeks=1)
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone)).isoformat()


async def get_settings_dep(request: Request) -> Settings:
    return settings_of(request)


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


class ApiRoute(APIRoute):
    """The route class of every API router: a sync endpoint ends its request's unit of work in
    the worker thread it runs in (`db.ends_in_thread`), which saves each request a second trip
    to the thread pool."""

    def __init__(self, path: str, endpoint: Callable[..., object], **kwargs: object) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = ends_in_thread(endpoint)
        super().__init__(path, endpoint, **kwargs)  # type: ignore[arg-type]


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


def _iso_date_text(value: object) -> object:
    # Pydantic reads "0" or "1700000000" as Unix time; a go~mus date is always YYYY-MM-DD.
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError("date must be written YYYY-MM-DD")
    return value


def _date_in_range(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"date must be between {EARLIEST_DATE} and {LATEST_DATE}")
    return value


def _iso_datetime_text(value: object) -> object:
    # Pydantic reads numbers as Unix time; a go~mus time is ISO 8601 text.
    if not isinstance(value, str | datetime):
        raise ValueError("time must be ISO 8601 text, e.g. 2027-01-13T10:30:00+01:00")
    return value


def _datetime_in_range(value: datetime) -> datetime:
    # Checked before any zone conversion: 9999-12-31T23:59-14:00 would overflow it.
    if not EARLIEST_DATE <= value.date() <= LATEST_DATE:
        raise ValueError(f"time must lie between {EARLIEST_DATE} and {LATEST_DATE}")
    return value


def _plain_text(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and a lone surrogate cannot be encoded anywhere (the
    # database, a mail, a PDF): refused here, before anything is stored.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if SURROGATE.search(value):
        raise ValueError("must be valid Unicode (an unpaired surrogate was sent)")
    return value


def _not_a_boolean(value: object) -> object:
    # JSON true is not the number 1 (pydantic would take it as one).
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


ApiDate = Annotated[date, BeforeValidator(_iso_date_text), AfterValidator(_date_in_range)]
# Every time in a request body: ISO 8601 text within the dates the API knows.
ApiDateTime = Annotated[
    datetime, BeforeValidator(_iso_datetime_text), AfterValidator(_datetime_in_range)
]
# Every free-text field of every request body is this type, with its own length bounds.
PlainText = Annotated[str, AfterValidator(_plain_text)]
# Every integer of every request body: booleans are refused.
Integer = Annotated[int, BeforeValidator(_not_a_boolean)]
Id = Annotated[Integer, Field(ge=1, le=MAX_ID)]
# A record id in the path; anything else (text, 0, too big) is a 404 like an unknown id.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def id_list_parameters(
    name: str, *, description: str, minimum: int = 1
) -> tuple[inspect.Parameter, inspect.Parameter]:
    """The two query parameters of an id filter, `name[]` (Rails form, literal or %5B%5D) and
    `name`, as keyword-only parameters `<name>_bracket` and `<name>_plain` of a dependency whose
    signature is built from them (merge them with `merged_ids`)."""
    item = Annotated[int, Field(ge=minimum, le=MAX_ID)]
    return (
        inspect.Parameter(
            f"{name}_bracket",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                list[item] | None, Query(alias=f"{name}[]", description=description)
            ],
        ),
        inspect.Parameter(
            f"{name}_plain",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[list[item] | None, Query(alias=name, include_in_schema=False)],
        ),
    )


def merged_ids(values: dict[str, Any], name: str) -> list[int] | None:
    """The ids of both forms of `name` in the order given, each once; None when both are absent,
    so "no filter" differs from "filter by nothing"."""
    bracket, plain = values[f"{name}_bracket"], values[f"{name}_plain"]
    if bracket is None and plain is None:
        return None
    return list(dict.fromkeys([*(bracket or []), *(plain or [])]))


def id_list(
    name: str, *, description: str, minimum: int = 1
) -> Callable[..., Awaitable[list[int] | None]]:
    """A dependency reading `name[]=1&name[]=2` and `name=1&name=2` (see id_list_parameters).

    Returns None when the parameter is absent, so "no filter" differs from "filter by nothing".
    """

    async def dependency(**values: list[int] | None) -> list[int] | None:
        return merged_ids(values, name)

    dependency.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        list(id_list_parameters(name, description=description, minimum=minimum))
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


class RequestGate:
    """At most `writers` write requests (POST, PUT, PATCH, DELETE) and at most `readers` read
    requests of the API run at once in this process; the others wait their turn on the event
    loop, holding neither a worker thread nor a connection.

    Writers queue for each other inside the database (slot row locks; SQLite's one write lock).
    Without their gate, fifty waiting writers can occupy every worker thread, and the writer that
    holds the lock then gets no thread to finish its response: everyone waits for the lock
    timeout and answers 503. SQLite serializes writers anyway, so there the limit is 1.

    Readers are CPU work under one interpreter lock: more of them at once than the process has
    cores for only share them in slices, and a writer among them gets its slice as rarely as
    each reader. Measured (docs/benchmarks.md, 6 Dec 2026): 32 connections of calendar reads
    made orders at 50/s take 2.2 s each (the SQLite write lock held by a starved thread); with
    2 readers at once per process, 15 ms, and the reads were faster too. Writers never wait for
    readers. A reader gives its turn back when its answer is ready, before sending it, so a
    client that reads slowly holds no turn; paths outside the API (media, docs) take none.
    """

    def __init__(self, app: ASGIApp, writers: int, readers: int) -> None:
        self.app = app
        self.writers = asyncio.Semaphore(writers)
        self.readers = asyncio.Semaphore(readers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif scope["method"] not in SAFE_METHODS:
            async with self.writers:
                await self.app(scope, receive, send)
        elif scope["path"].startswith("/api/"):
            await self._read(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _read(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.readers.acquire()
        held = True

        async def send_after_turn(message: Message) -> None:
            nonlocal held
            if held and message["type"] == "http.response.body":
                held = False
                self.readers.release()
            await send(message)

        try:
            await self.app(scope, receive, send_after_turn)
        finally:
            if held:
                self.readers.release()


class WholeBodyMiddleware:
    """A write request goes on only once its whole body is here: at most `limit` bytes (413
    past it) within `timeout` seconds of its headers (408 past it). The body is then replayed
    to the app from memory.

    This sits outside the RequestGate: a client that sends headers and then stalls, or trickles
    its body, would otherwise hold one of the few write places of the process for as long as
    its socket stays open, and every other client's order would wait behind it. Reads (GET,
    HEAD, OPTIONS) carry no body worth waiting for; their bodies are only size-checked.
    """

    def __init__(self, app: ASGIApp, limit: int, timeout: float) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await error_response(413, "request body too large")(scope, receive, send)
            return
        if scope["method"] in SAFE_METHODS:
            await self.app(scope, self._limited(receive), send)
            return
        try:
            async with asyncio.timeout(self.timeout):
                body = await self._read_body(receive)
        except TimeoutError:
            message = f"the request body did not arrive within {self.timeout:g} seconds"
            await error_response(408, message, headers={"Connection": "close"})(
                scope, receive, send
            )
            return
        except _BodyTooLarge:
            await error_response(413, "request body too large")(scope, receive, send)
            return
        except _ClientGone:
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                raise _BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _limited(self, receive: Receive) -> Receive:
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

        return limited_receive


class _BodyTooLarge(Exception):
    pass


class _ClientGone(Exception):
    pass


def _replay(body: bytes, receive: Receive) -> Receive:
    """The buffered body as one message; afterwards the real channel (for disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
