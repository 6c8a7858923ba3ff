"""A response cache for calendar reads, shared by every app process.

Museum websites and resellers ask for the same few calendar pages over and over, and a calendar
page costs milliseconds of work against a fraction of that for reading a stored answer. The
answers are kept in Redis when `MUSEION_REDIS_URL` is set, otherwise in the database
(`response_cache`, unlogged on PostgreSQL); never in one process's memory, so every process
behind the load balancer shares them (DESIGN.md).

What ends a stored answer (docs/benchmarks.md, "The response cache"):

- Content (dates, events, prices, texts): every transaction that changes it calls
  `catalogue_changed(session)`, which ends every answer with its commit (in Redis: right after).
- Seats: an order or a cancellation calls `seats_changed(session, event_ids)`, which bumps the
  seat version of those events only. A page of dates (`/dates` without `by_bookable`,
  `/events/:id/dates`) is stored with the seat versions of the events it shows and stays valid
  while they stand: an order for one event leaves the pages of every other event cached.
  Answers that weigh the seats of every date they filter (`/calendar`, `/events` with their
  next bookable start times, `by_bookable`) end with any seat change, as with content.
- Time: every answer lives 75-100 % of `cache_seconds` (LIFETIME_SPREAD), because time alone
  changes answers too: a date that has started is no longer `bookable`, and `start_at`
  defaults to today.

An answer is stored only if no change was committed while it was built (the global generation
read before building is still the current one after), so it never outlives the data it shows.

Requests with a token are cached too, under the token's view: its access (which decides the
sales channel, page sizes and what may be asked) and its museums. Two tokens with the same view
get the same answers; a museum-limited token never gets an answer built for another view. The
token is looked up on every request, so a revoked token gets its 401 at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

import redis
import redis.asyncio
from anyio import to_thread
from sqlalchemy import Table, and_, bindparam, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from museion.config import Settings
from museion.db import Database
from museion.system.models import CacheGeneration, EventSeatVersion, ResponseCache
from museion.system.redisclients import LoopClients

log = logging.getLogger(__name__)

CACHED_PATHS = ("/api/v4/dates", "/api/v4/events", "/api/v4/calendar")
MAX_BODY = 2 * 1024 * 1024
# Expired rows are overwritten when their URL comes again; the rest is swept now and then.
SWEEP_EVERY = 500
GENERATION_ROW = 1
# The content generation: bumped by catalogue_changed only, always in the database (readers take
# it in the statement that reads their page). Pre-rendered date fragments are filed under it.
CONTENT_ROW = 2
# The last fifth of an answer's life: the first request then rebuilds it, the others still hit.
REFRESH_SHARE = 0.2
# Each answer lives between 75% and 100% of the lifetime. Pages built together (a deploy, a
# change that ended every answer) would otherwise all be rebuilt in the same second, each one
# holding a worker thread and the GIL for 20-30 ms while the hits of that process wait.
LIFETIME_SPREAD = 0.25
PENDING_FLAG = "museion_catalogue_changed"
CONTENT_FLAG = "museion_content_changed"
SEAT_EVENTS = "museion_seat_events"
# Where a date page leaves the ids of the events it shows (request.state), for the middleware.
PAGE_EVENTS = "cache_page_events"
# How a stored answer says it is valid while the global generation stands (else: a page's
# seat versions, "<event>=<version>,...").
WHOLE = b"*"
# Where Database.info keeps the bump of a generation that does not live in the database.
GENERATION_BUMP = "museion_cache_generation_bump"
# A Redis that does not answer within this is treated as absent: requests go uncached.
REDIS_TIMEOUT_SECONDS = 0.5

_generation = cast(Table, CacheGeneration.__table__)
_cache = cast(Table, ResponseCache.__table__)
_versions = cast(Table, EventSeatVersion.__table__)
_content = _generation.alias("content")
_BUMP = (
    update(_generation)
    .where(_generation.c.id == GENERATION_ROW)
    .values(value=_generation.c.value + 1)
)
_BUMP_CONTENT = (
    update(_generation).where(_generation.c.id == CONTENT_ROW).values(value=_generation.c.value + 1)
)
# The current content generation, as a column of a reader's own statement.
CONTENT_GENERATION = (
    select(_generation.c.value).where(_generation.c.id == CONTENT_ROW).scalar_subquery()
)
_LOOKUP = (
    select(
        _generation.c.value,
        _content.c.value.label("content"),
        _cache.c.generation.label("filed_under"),
        _cache.c.body,
        _cache.c.expires_at,
    )
    .select_from(
        _generation.join(_content, _content.c.id == CONTENT_ROW).outerjoin(
            _cache,
            and_(
                _cache.c.key == bindparam("key"),
                _cache.c.expires_at > bindparam("now", type_=_cache.c.expires_at.type),
            ),
        )
    )
    .where(_generation.c.id == GENERATION_ROW)
)
# The generations and the seat versions of some events, in one snapshot (one statement).
_CURRENT = (
    select(_generation.c.value, _content.c.value, _versions.c.event_id, _versions.c.value)
    .select_from(
        _generation.join(_content, _content.c.id == CONTENT_ROW).outerjoin(
            _versions, _versions.c.event_id.in_(bindparam("events", expanding=True))
        )
    )
    .where(_generation.c.id == GENERATION_ROW)
)
_VERSIONS = select(_versions.c.event_id, _versions.c.value).where(
    _versions.c.event_id.in_(bindparam("events", expanding=True))
)


def catalogue_changed(session: Session) -> None:
    """Content that calendars show (dates, events, prices, texts) changes with this transaction:
    cached answers and pre-rendered date fragments end when it commits."""
    session.connection()  # begins the transaction whose commit or rollback decides
    session.info[PENDING_FLAG] = True
    session.info[CONTENT_FLAG] = True


def seats_changed(session: Session, event_ids: Iterable[int]) -> None:
    """Seat figures of dates of these events change with this transaction (an order, a
    cancellation): when it commits, cached pages of these events' dates end, and answers that
    weigh every date's seats (calendars, event lists); pre-rendered fragments stay (seats are
    merged in live), and so do the pages of other events."""
    session.connection()
    session.info[PENDING_FLAG] = True
    session.info.setdefault(SEAT_EVENTS, set()).update(event_ids)


def _forget(session: Session) -> tuple[bool, bool, set[int]]:
    return (
        session.info.pop(PENDING_FLAG, False),
        session.info.pop(CONTENT_FLAG, False),
        session.info.pop(SEAT_EVENTS, set()),
    )


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    if session.info.get(CONTENT_FLAG):
        session.flush()
        session.execute(_BUMP_CONTENT)  # in the database always: fragment readers read it there
    if GENERATION_BUMP in session.info:
        return  # Redis: bumped after the commit
    pending, _content_changed, events = _forget(session)
    if not pending:
        return
    # In the database: the last statements of the transaction that changes the data, so both
    # become visible together, at the cost of no second transaction. Its own writes are flushed
    # first, so once it holds the version rows (in event order) and the one generation row it
    # takes no other lock before COMMIT: a writer waiting for those rows never holds it up in
    # turn (no deadlock), and they stay locked only for the commit itself.
    session.flush()
    if events:
        _bump_versions(session, sorted(events))
    session.execute(_BUMP)


def _upsert_version(dialect: Any) -> Any:
    insert = dialect.insert(_versions).values(event_id=bindparam("event_id"), value=1)
    return insert.on_conflict_do_update(
        index_elements=[_versions.c.event_id], set_={"value": _versions.c.value + 1}
    )


# Built once per dialect: an order runs it with each event of its dates (executemany).
_UPSERT_VERSION = {"postgresql": _upsert_version(postgresql), "sqlite": _upsert_version(sqlite)}


def _bump_versions(session: Session, events: list[int]) -> None:
    statement = _UPSERT_VERSION[session.get_bind().dialect.name]
    session.execute(statement, [{"event_id": e} for e in events])


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session: Session) -> None:
    bump = session.info.get(GENERATION_BUMP)
    if bump is None:
        return
    pending, content_changed, events = _forget(session)
    if pending:
        # Redis is not part of the transaction: bumped after the commit. A reader that cached
        # an answer between commit and bump filed it under the old versions, now dead.
        bump(content=content_changed, events=sorted(events))


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _previous: Any) -> None:
    _forget(session)


def encode_seats(versions: dict[int, int]) -> bytes:
    """A page's seat versions as stored with it."""
    return b",".join(b"%d=%d" % item for item in sorted(versions.items())) or b"-"


def decode_seats(deps: bytes) -> dict[int, int]:
    if deps == b"-":
        return {}
    return {int(e): int(v) for e, v in (item.split(b"=") for item in deps.split(b","))}


@dataclass(frozen=True, slots=True)
class Stored:
    """What a lookup found: the current generation, and the answer if one is still valid."""

    generation: int
    body: bytes | None = None
    expires_at: float = 0.0


class CacheStore(Protocol):
    """Where answers live. Times are POSIX seconds from the middleware's clock."""

    async def lookup(self, key: str, now: float) -> Stored | None:
        """The current global generation, and the stored answer if it is still valid; None when
        the store cannot be reached (the request goes uncached)."""

    async def store(
        self,
        key: str,
        generation: int,
        now: float,
        expires_at: float,
        body: bytes,
        events: list[int] | None,
    ) -> None:
        """Keeps an answer built since `generation` was current, until `expires_at`, unless a
        change was committed since. `events`: the answer is a page of these events' dates,
        valid while their seat versions and the content stand; None: valid while the global
        generation stands."""

    async def close(self) -> None:
        """Lets go of the connections opened in the running event loop."""


def attach_cache(settings: Settings, database: Database) -> CacheStore:
    """The store of this instance: Redis when `MUSEION_REDIS_URL` is set, else the database.

    Every process that writes calendar data must attach the same store, so that its commits end
    the answers where they are kept (the server and the command line both do).
    """
    if settings.redis_url is None:
        return DatabaseStore(database)
    store = RedisStore(settings.redis_url, prefix=settings.redis_prefix)
    database.info[GENERATION_BUMP] = store.bump_generation
    return store


def _valid(
    filed_under: int, deps: bytes, generation: int, content: int, seats: dict[int, int]
) -> bool:
    """Whether an answer stored as (filed_under, deps) holds, `seats` being the current seat
    versions of the events `deps` names (decode_seats)."""
    if deps == WHOLE:
        return filed_under == generation
    return filed_under == content and decode_seats(deps) == seats


class DatabaseStore:
    """Answers in the `response_cache` table (`<deps> <body>`, deps as in `_valid`); the
    generations in `cache_generation`, seat versions in `event_seat_version`."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._stores = 0

    async def lookup(self, key: str, now: float) -> Stored | None:
        return await to_thread.run_sync(self._lookup, key, now)

    async def store(
        self,
        key: str,
        generation: int,
        now: float,
        expires_at: float,
        body: bytes,
        events: list[int] | None,
    ) -> None:
        await to_thread.run_sync(self._store, key, generation, now, expires_at, body, events)

    async def close(self) -> None:
        """The database's connections belong to its engine, which its owner disposes."""

    def _lookup(self, key: str, now: float) -> Stored:
        with self.database.engine.connect() as connection:
            row = connection.execute(_LOOKUP, {"key": key, "now": _instant(now)}).one()
            if row.body is None:
                return Stored(row.value)
            deps, _, body = bytes(row.body).partition(b" ")
            seats = {} if deps == WHOLE else self._seats(connection, decode_seats(deps))
        if not _valid(row.filed_under, deps, row.value, row.content, seats):
            return Stored(row.value)
        return Stored(row.value, body, row.expires_at.timestamp())

    @staticmethod
    def _seats(connection: Any, events: Iterable[int]) -> dict[int, int]:
        wanted = list(events)
        if not wanted:
            return {}
        found = {e: v for e, v in connection.execute(_VERSIONS, {"events": wanted})}
        return {e: found.get(e, 0) for e in wanted}

    def _store(
        self,
        key: str,
        generation: int,
        now: float,
        expires_at: float,
        body: bytes,
        events: list[int] | None,
    ) -> None:
        with self.database.engine.connect() as connection:
            rows = connection.execute(_CURRENT, {"events": events or []}).all()
        current, content = rows[0][0], rows[0][1]
        if current != generation:
            return  # a change was committed while the answer was built
        if events is None:
            filed_under, deps = current, WHOLE
        else:
            found = {row[2]: row[3] for row in rows if row[2] is not None}
            filed_under, deps = content, encode_seats({e: found.get(e, 0) for e in events})
        values = {
            "key": key,
            "generation": filed_under,
            "expires_at": _instant(expires_at),
            "body": deps + b" " + body,
        }
        dialect = postgresql if self.database.backend == "postgresql" else sqlite
        insert = dialect.insert(_cache).values(values)
        upsert = insert.on_conflict_do_update(
            index_elements=[_cache.c.key],
            set_={name: insert.excluded[name] for name in ("generation", "expires_at", "body")},
        )
        self._stores += 1
        try:
            with self.database.engine.execution_options(museion_write=True).begin() as connection:
                connection.execute(upsert)
                if self._stores % SWEEP_EVERY == 0:
                    connection.execute(_cache.delete().where(_cache.c.expires_at <= _instant(now)))
        except OperationalError as error:  # a busy database: the next request stores it
            log.warning("response cache: answer not stored: %s", error)


class RedisStore:
    """Answers, generations and seat versions in Redis: a hit is one round trip (two for a page
    of dates: its events' seat versions) and no database work.

    An answer is stored as `b"<filed under> <expires_at> <deps> " + body` under
    `<prefix>answer:<key>` (deps as in `_valid`); one MGET fetches it together with the global
    generation (`<prefix>generation`) and the content generation (`<prefix>content`); seat
    versions are `<prefix>seats:<event id>`. Redis drops an answer itself once its lifetime is
    over, so nothing needs sweeping.
    """

    def __init__(self, url: str, *, prefix: str) -> None:
        self.url = url
        self.generation_key = f"{prefix}generation"
        self.content_key = f"{prefix}content"
        self.seats_prefix = f"{prefix}seats:"
        self.answer_prefix = f"{prefix}answer:"
        self._redis = LoopClients(url, timeout=REDIS_TIMEOUT_SECONDS)
        self._sync: redis.Redis | None = None
        self._sync_lock = threading.Lock()

    def _client(self) -> redis.asyncio.Redis:
        return self._redis.get()

    async def close(self) -> None:
        await self._redis.close()

    async def _seats(self, events: list[int]) -> dict[int, int]:
        if not events:
            return {}
        found = await self._client().mget([f"{self.seats_prefix}{e}" for e in events])
        return {e: int(v or 0) for e, v in zip(events, found, strict=True)}

    async def lookup(self, key: str, now: float) -> Stored | None:
        try:
            generation, content, answer = await self._client().mget(
                self.generation_key, self.content_key, self.answer_prefix + key
            )
            current = int(generation or 0)
            answer = cast("bytes | None", answer)  # no decode_responses: bytes in, bytes out
            if answer is None:
                return Stored(current)
            filed_under, expires_at, deps, body = answer.split(b" ", 3)
            if float(expires_at) <= now:
                return Stored(current)
            seats = {} if deps == WHOLE else await self._seats(list(decode_seats(deps)))
        except redis.RedisError as error:
            log.warning("response cache: Redis unavailable, answering uncached: %s", error)
            return None
        if not _valid(int(filed_under), deps, current, int(content or 0), seats):
            return Stored(current)
        return Stored(current, body, float(expires_at))

    async def store(
        self,
        key: str,
        generation: int,
        now: float,
        expires_at: float,
        body: bytes,
        events: list[int] | None,
    ) -> None:
        # Redis's own expiry only frees memory: validity is decided by `expires_at` above.
        keep_ms = max(1, int((expires_at - now) * 1000))
        wanted = events or []
        try:
            # One MGET: the generations and seat versions of one moment (bumps are atomic).
            current, content, *seats = await self._client().mget(
                self.generation_key,
                self.content_key,
                *(f"{self.seats_prefix}{e}" for e in wanted),
            )
            if int(current or 0) != generation:
                return  # a change was committed while the answer was built
            if events is None:
                filed_under, deps = generation, WHOLE
            else:
                versions = {e: int(v or 0) for e, v in zip(wanted, seats, strict=True)}
                filed_under, deps = int(content or 0), encode_seats(versions)
            value = b"%d %r %s " % (filed_under, expires_at, deps) + body
            await self._client().set(self.answer_prefix + key, value, px=keep_ms)
        except redis.RedisError as error:
            log.warning("response cache: answer not stored in Redis: %s", error)

    def bump_generation(self, *, content: bool = True, events: Iterable[int] = ()) -> None:
        """After a commit: the global generation, the content generation if content changed,
        and the seat versions of `events`."""
        with self._sync_lock:
            if self._sync is None:
                self._sync = redis.Redis.from_url(self.url, socket_timeout=1)
        try:
            # One transaction: a reader sees all of these bumps or none (RedisStore.store).
            pipe = self._sync.pipeline(transaction=True)
            for e in events:
                pipe.incr(f"{self.seats_prefix}{e}")
            if content:
                pipe.incr(self.content_key)
            pipe.incr(self.generation_key)
            pipe.execute()
        except redis.RedisError as error:
            # The change is committed; cached answers now end with their lifetime instead.
            log.error("response cache: generation not bumped in Redis: %s", error)


def _instant(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


# Who a request with a token is, as far as calendar answers go (museion.auth.cache_view): the
# view the answer is cached under; None for a token that is not valid.
ViewOf = Callable[[Scope], Awaitable[bytes | None]]
ANONYMOUS = b"public"


class ResponseCacheMiddleware:
    """Serves stored answers to calendar GETs and stores fresh ones (see module doc)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        store: CacheStore,
        seconds: float,
        zone: ZoneInfo,
        view_of: ViewOf,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.store = store
        self.view_of = view_of
        self.lifetime = seconds
        self.refresh_before = seconds * REFRESH_SHARE
        self.zone = zone
        self.clock = clock
        self._pending: dict[str, asyncio.Future[bytes | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _cacheable(scope):
            await self.app(scope, receive, send)
            return
        view = ANONYMOUS
        if any(name == b"authorization" for name, _ in scope["headers"]):
            found = await self.view_of(scope)
            if found is None:  # the app answers 401
                await self.app(scope, receive, send)
                return
            view = found
        now = self.clock()
        key = self._key(scope, now, view)
        stored = await self.store.lookup(key, now)
        if stored is None:
            await self.app(scope, receive, _CapturedResponse(send).send)
            return
        body = stored.body
        if body is not None and stored.expires_at - now < self.refresh_before:
            if key not in self._pending:
                # Rebuild a popular answer shortly before it expires, while the other requests
                # are still served the stored one: otherwise they would all queue behind one
                # rebuild whenever it expires.
                body = None
        elif body is None and (pending := self._pending.get(key)) is not None:
            # The same answer is being built in this process: wait for it instead of building
            # it again (after a change, dozens of requests would rebuild the same page).
            body = await pending
        if body is not None:
            await _send_stored(send, body)
            return
        built: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
        self._pending[key] = built
        try:
            response = _CapturedResponse(send)
            state = scope.setdefault("state", {})  # the request's state (Request.state)
            await self.app(scope, receive, response.send)
            if response.storable:
                built.set_result(response.body)
                events = state.get(PAGE_EVENTS)
                await self.store.store(
                    key, stored.generation, now, now + self._lifetime(), response.body, events
                )
        finally:
            if not built.done():
                built.set_result(None)  # no answer to share: the waiting requests build their own
            if self._pending.get(key) is built:
                del self._pending[key]

    def _lifetime(self) -> float:
        return self.lifetime * random.uniform(1 - LIFETIME_SPREAD, 1)

    def _key(self, scope: Scope, now: float, view: bytes) -> str:
        host = next((value for name, value in scope["headers"] if name == b"host"), b"")
        # The local date belongs to the key: answers without start_at show "today".
        today = _instant(now).astimezone(self.zone).date().isoformat().encode()
        path, query = scope["path"].encode(), scope["query_string"]
        raw = b"\n".join((scope["scheme"].encode(), host, path, query, today, view))
        return hashlib.sha256(raw).hexdigest()


def _cacheable(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    return bool(scope["path"].startswith(CACHED_PATHS))


async def _send_stored(send: Send, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-length", str(len(body)).encode()),
                (b"content-type", b"application/json"),
                (b"x-museion-cache", b"hit"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class _CapturedResponse:
    """Passes the app's answer through, keeping a copy of a 200 JSON body to store."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._chunks: list[bytes] = []
        self._size = 0
        self._keep = False
        self._complete = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = dict(message.get("headers", []))
            self._keep = message["status"] == 200 and headers.get(b"content-type", b"").startswith(
                b"application/json"
            )
            message = {**message, "headers": [*message["headers"], (b"x-museion-cache", b"miss")]}
        elif message["type"] == "http.response.body" and self._keep:
            chunk = message.get("body", b"")
            self._size += len(chunk)
            self._keep = self._size <= MAX_BODY
            self._chunks.append(chunk)
            self._complete = not message.get("more_body", False)
        await self._send(message)

    @property
    def storable(self) -> bool:
        return self._keep and self._complete

    @property
    def body(self) -> bytes:
        return b"".join(self._chunks)
