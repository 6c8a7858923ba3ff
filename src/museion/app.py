"""create_app(settings): routers, error handlers, middleware. Nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from starlette.types import ASGIApp

from museion import __version__
from museion.auth import cache_view, get_principal
from museion.availability.routes import router as availability_router
from museion.catalogue.events.fragments import Fragments
from museion.catalogue.events.routes import router as events_router
from museion.catalogue.events.schemas import DateFragment, EventFragment
from museion.catalogue.exhibitions.routes import router as exhibitions_router
from museion.catalogue.lookups.routes import router as lookups_router
from museion.catalogue.museums.routes import router as museums_router
from museion.catalogue.pictures import fallback_picture
from museion.catalogue.routes import MediaFiles
from museion.catalogue.shops.routes import router as shop_router
from museion.catalogue.tickets.routes import router as tickets_router
from museion.config import Settings, get_settings
from museion.db import Database
from museion.docs import DOCS_URL, add_docs_pages, document_api
from museion.errors import install_error_handlers
from museion.logs import install_log_scrubbing
from museion.orders.routes import router as orders_router
from museion.system.cache import ResponseCacheMiddleware, attach_cache
from museion.system.headers import SecurityHeadersMiddleware
from museion.system.ratelimit import RateLimitMiddleware, attach_rate_limits
from museion.system.routes import router as system_router
from museion.web import (
    API_PREFIX,
    RejectNulMiddleware,
    RequestGate,
    WholeBodyMiddleware,
)

# Concurrent write requests per process on PostgreSQL: well below the thread pool (40) and the
# connection pool (10 + 10 overflow), so a lock holder always finds a thread and a connection.
POSTGRES_WRITERS = 8
# No go~mus request comes near this; anything larger is refused before it is parsed.
MAX_BODY_BYTES = 1024 * 1024
# Totals of date lists each process keeps (per filter and window) while content is unchanged.
DATE_TOTALS = 10_000
# Museums and exhibitions each process keeps pre-rendered (per locale) while content is unchanged.
CATALOGUE_FRAGMENTS = 10_000

DESCRIPTION = """
museion speaks the **go~mus API v4**: point a go~mus client at this server and it works.

* No token: the public API. With `Authorization: Bearer <token>`: reseller, cash point,
  entry or user access (see `GET /api/v4/whoami`).
* Every index is paginated (`page`, `per_page`; `meta` tells the total) and searchable with `q`.
* Array parameters use the Rails form: `by_museum_ids[]=1&by_museum_ids[]=2`.
* `locale=en` picks a language; `locale[]=de&locale[]=en` (user tokens) returns all at once.
* Errors are `{"error": "..."}`, with `errors: [...]` when several fields failed.
* Each operation names the token kinds it serves and lists the errors it can answer.
"""


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    install_log_scrubbing()
    owns_database = database is None
    database = database or Database(settings.database_url, pool_size=settings.database_pool_size)

    cache = attach_cache(settings, database)
    limiter = attach_rate_limits(settings, database)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await database.end_loop()
        await cache.close()
        if limiter is not None:
            await limiter.close()
        if owns_database:  # a database handed in belongs to the caller (tests)
            database.dispose()

    app = FastAPI(
        title="museion",
        version=__version__,
        summary="Museum ticketing and booking: the go~mus API v4",
        description=DESCRIPTION,
        # The docs pages are docs.py's: they load nothing from other hosts.
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.rate_limiter = limiter
    fallback = fallback_picture(settings.fallback_picture)
    app.state.fallback_picture = fallback.filename
    app.state.date_fragments = Fragments[DateFragment](settings.date_fragments)
    app.state.event_fragments = Fragments[EventFragment](settings.date_fragments)
    app.state.date_totals = Fragments[int](settings.date_fragments and DATE_TOTALS)
    app.state.catalogue_fragments = Fragments[bytes](
        settings.date_fragments and CATALOGUE_FRAGMENTS
    )

    install_error_handlers(app)
    if settings.cache_seconds > 0:
        app.add_middleware(
            ResponseCacheMiddleware,
            store=cache,
            seconds=settings.cache_seconds,
            zone=settings.zone,
            view_of=cache_view,
        )
    app.add_middleware(RejectNulMiddleware)
    sqlite = database.backend == "sqlite"
    app.add_middleware(
        RequestGate,
        writers=1 if sqlite else POSTGRES_WRITERS,
        readers=settings.concurrent_reads or (2 if sqlite else 4),
    )
    # Outside the gate: only requests whose whole body has arrived queue for a write place.
    app.add_middleware(
        WholeBodyMiddleware, limit=MAX_BODY_BYTES, timeout=settings.body_timeout_seconds
    )
    if limiter is not None:
        # Outside the body reader: a client over its limit is refused before it uploads, and
        # cached calendar hits count too. Inside CORS: browsers may read the 429.
        app.add_middleware(RateLimitMiddleware, limiter=limiter)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["*"],
        allow_headers=["Authorization", "Content-Type", "X-Shop-Url", "Idempotency-Key"],
        # A shop in the browser may read how long to wait after a 429 (or a 503).
        expose_headers=["Retry-After"],
    )

    # Every API endpoint checks a presented token, even those that would answer the public.
    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(get_principal)])
    # Requests find their route by trying the routes in this order: the order routes, the
    # busiest writers, come first (their paths overlap no other router's).
    routers = (
        orders_router,
        system_router,
        museums_router,
        exhibitions_router,
        events_router,
        # Before the ticket catalogue: its /tickets/{ticket_id} would take /tickets/calendar.
        availability_router,
        tickets_router,
        lookups_router,
        shop_router,
    )
    for router in routers:
        api.include_router(router)
    app.include_router(api)

    app.mount("/media", MediaFiles(settings.media_dir, fallback), name="media")

    add_docs_pages(app)
    document_api(app, API_PREFIX, routers)

    # Around everything, Starlette's error middleware included: 500 answers get them too.
    build_stack = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return SecurityHeadersMiddleware(build_stack())

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(DOCS_URL)

    return app
