"""A response cache for anonymous calendar reads, shared by every app process.

Museum websites ask for the same few calendar pages over and over, and a calendar page costs
20-30 ms of work against 1-2 ms for reading a stored answer. The answers are kept in Redis when
`MUSEION_REDIS_URL` is set, otherwise in the database (`response_cache`, unlogged on PostgreSQL);
never in one process's memory, so every process behind the load balancer shares them
(DESIGN.md). A stored answer is served only while

- its generation is the current one. Every transaction that changes what a calendar shows
  calls `catalogue_changed(session)` (content: dates, events, prices) or `seats_changed(session)`
  (seats that orders take or give back), which bump the generation with that transaction's
  commit (in Redis: right after it), so no answer outlives the data it was built from; and
- it is younger than its lifetime (75-100 % of `cache_seconds`, see LIFETIME_SPREAD), because
  time alone changes answers too: a date that has started is no longer `bookable`, and
  `start_at` defaults to today.

Only GET requests without `Authorization` are cached: answers to tokens depend on the token's
access and museums, and a revoked token must get its 401 at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import threading
import time
from collections.abc import Callable
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
from museion.system.models import CacheGeneration, ResponseCache
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
# Where Database.info keeps the bump of a generation that does not live in the database.
GENERATION_BUMP = "museion_cache_generation_bump"
# A Redis that does not answer within this is treated as absent: requests go uncached.
REDIS_TIMEOUT_SECONDS = 0.5

_generation = cast(Table, CacheGeneration.__table__)
_cache = cast(Table, ResponseCache.__table__)
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
    select(_generation.c.value, _cache.c.body, _cache.c.expires_at)
    .select_from(
        _generation.outerjoin(
            _cache,
            and_(
                _cache.c.key == bindparam("key"),
                _cache.c.generation == _generation.c.value,
                _cache.c.expires_at > bindparam("now", type_=_cache.c.expires_at.type),
            ),
        )
    )
    .where(_generation.c.id == GENERATION_ROW)
)


def catalogue_changed(session: Session) -> None:
    """Content that calendars show (dates, events, prices, texts) changes with this transaction:
    cached answers and pre-rendered date fragments end when it commits."""
    seats_changed(session)
    session.info[CONTENT_FLAG] = True


def seats_changed(session: Session) -> None:
    """Seat figures of dates change with this transaction (an order, a cancellation): cached
    answers end when it commits; pre-rendered fragments stay (seats are merged in live)."""
    session.connection()  # begins the transaction whose commit or rollback decides
    session.info[PENDING_FLAG] = True


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    if session.info.pop(CONTENT_FLAG, False):
        session.flush()
        session.execute(_BUMP_CONTENT)
    if GENERATION_BUMP in session.info or not session.info.pop(PENDING_FLAG, False):
        return
    # In the database: the last statement of the transaction that changes the data, so both
    # become visible together, at the cost of no second transaction. Its own writes are flushed
    # first, so once it holds the one generation row it takes no other lock before COMMIT: a
    # writer waiting for that row never holds it up in turn (no deadlock), and the row stays
    # locked only for the commit itself, as long as a separate bump transaction would hold it.
    session.flush()
    session.execute(_BUMP)


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session: Session) -> None:
    bump = session.info.get(GENERATION_BUMP)
    if bump is None or not session.info.pop(PENDING_FLAG, False):
        return
    # Redis is not part of the transaction: bumped after the commit. A reader that cached an
    # answer between commit and bump filed it under the old generation, now dead.
    bump()


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(PENDING_FLAG, None)
    session.info.pop(CONTENT_FLAG, None)


@dataclass(frozen=True, slots=True)
class Stored:
    """What a lookup found: the current generation, and the answer if one is still valid."""

    generation: int
    body: bytes | None = None
    expires_at: float = 0.0


class CacheStore(Protocol):
    """Where answers live. Times are POSIX seconds from the middleware's clock."""

    async def lookup(self, key: str, now: float) -> Stored | None:
        """The stored answer; None when the store cannot be reached (the request goes uncached)."""

    async def store(
        self, key: str, generation: int, now: float, expires_at: float, body: bytes
    ) -> None:
        """Keeps an answer built under `generation` until `expires_at`."""

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


class DatabaseStore:
    """Answers in the `response_cache` table; the generation in `cache_generation`."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._stores = 0

    async def lookup(self, key: str, now: float) -> Stored | None:
        return await to_thread.run_sync(self._lookup, key, now)

    async def store(
        self, key: str, generation: int, now: float, expires_at: float, body: bytes
    ) -> None:
        await to_thread.run_sync(self._store, key, generation, now, expires_at, body)

    async def close(self) -> None:
        """The database's connections belong to its engine, which its owner disposes."""

    def _lookup(self, key: str, now: float) -> Stored:
        with self.database.engine.connect() as connection:
            row = connection.execute(_LOOKUP, {"key": key, "now": _instant(now)}).one()
        if row.body is None:
            return Stored(row.value)
        return Stored(row.value, row.body, row.expires_at.timestamp())

    def _store(self, key: str, generation: int, now: float, expires_at: float, body: bytes) -> None:
        values = {
            "key": key,
            "generation": generation,
            "expires_at": _instant(expires_at),
            "body": body,
        }
        dialect = postgresql if self.database.backend == "postgresql" else sqlite
        insert = dialect.insert(_cache).values(values)
        upsert = insert.on_conflict_do_update(
            index_elements=[_cache.c.key],
            set_={name: insert.excluded[name] for name in ("generation", "expires_at", "body")},
            # Another process may already have stored the answer of a newer generation.
            where=_cache.c.generation <= insert.excluded.generation,
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
    """Answers and the generation in Redis: a hit is one round trip and no database work.

    An answer is stored as `b"<generation> <expires_at> " + body` under `<prefix>answer:<key>`;
    one MGET fetches it together with the current generation from `<prefix>generation`.
    Redis drops an answer itself once its lifetime is over, so nothing needs sweeping.
    """

    def __init__(self, url: str, *, prefix: str) -> None:
        self.url = url
        self.generation_key = f"{prefix}generation"
        self.answer_prefix = f"{prefix}answer:"
        self._redis = LoopClients(url, timeout=REDIS_TIMEOUT_SECONDS)
        self._sync: redis.Redis | None = None
        self._sync_lock = threading.Lock()

    def _client(self) -> redis.asyncio.Redis:
        return self._redis.get()

    async def close(self) -> None:
        await self._redis.close()

    async def lookup(self, key: str, now: float) -> Stored | None:
        try:
            generation, answer = await self._client().mget(
                self.generation_key, self.answer_prefix + key
            )
        except redis.RedisError as error:
            log.warning("response cache: Redis unavailable, answering uncached: %s", error)
            return None
        current = int(generation or 0)
        answer = cast("bytes | None", answer)  # no decode_responses: bytes in, bytes out
        if answer is None:
            return Stored(current)
        stored_generation, expires_at, body = answer.split(b" ", 2)
        if int(stored_generation) != current or float(expires_at) <= now:
            return Stored(current)
        return Stored(current, body, float(expires_at))

    async def store(
        self, key: str, generation: int, now: float, expires_at: float, body: bytes
    ) -> None:
        value = b"%d %r " % (generation, expires_at) + body
        # Redis's own expiry only frees memory: validity is decided by `expires_at` above.
        keep_ms = max(1, int((expires_at - now) * 1000))
        try:
            await self._client().set(self.answer_prefix + key, value, px=keep_ms)
        except redis.RedisError as error:
            log.warning("response cache: answer not stored in Redis: %s", error)

    def bump_generation(self) -> None:
        with self._sync_lock:
            if self._sync is None:
                self._sync = redis.Redis.from_url(self.url, socket_timeout=1)
        try:
            self._sync.incr(self.generation_key)
        except redis.RedisError as error:
            # The change is committed; cached answers now end with their lifetime instead.
            log.error("response cache: generation not bumped in Redis: %s", error)


def _instant(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class ResponseCacheMiddleware:
    """Serves stored answers to anonymous calendar GETs and stores fresh ones (see module doc)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        store: CacheStore,
        seconds: float,
        zone: ZoneInfo,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.store = store
        self.lifetime = seconds
        self.refresh_before = seconds * REFRESH_SHARE
        self.zone = zone
        self.clock = clock
        self._pending: dict[str, asyncio.Future[bytes | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _cacheable(scope):
            await self.app(scope, receive, send)
            return
        now = self.clock()
        key = self._key(scope, now)
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
            await self.app(scope, receive, response.send)
            if response.storable:
                built.set_result(response.body)
                await self.store.store(
                    key, stored.generation, now, now + self._lifetime(), response.body
                )
        finally:
            if not built.done():
                built.set_result(None)  # no answer to share: the waiting requests build their own
            if self._pending.get(key) is built:
                del self._pending[key]

    def _lifetime(self) -> float:
        return self.lifetime * random.uniform(1 - LIFETIME_SPREAD, 1)

    def _key(self, scope: Scope, now: float) -> str:
        host = next((value for name, value in scope["headers"] if name == b"host"), b"")
        # The local date belongs to the key: answers without start_at show "today".
        today = _instant(now).astimezone(self.zone).date().isoformat().encode()
        raw = b"|".join(
            (scope["scheme"].encode(), host, scope["path"].encode(), scope["query_string"], today)
        )
        return hashlib.sha256(raw).hexdigest()


def _cacheable(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    if not scope["path"].startswith(CACHED_PATHS):
        return False
    return not any(name == b"authorization" for name, _ in scope["headers"])


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
