"""Rate limits per route group: per API token for requests that present one, per client
address for the others. Too many requests in a window answer 429 with `Retry-After` and the
usual error body, before the request's body is read or any endpoint runs.

Groups (`group_of`), each with its own counters and settings (`MUSEION_RATE_LIMIT_*`, 0 = off):

  read ......... GET and HEAD of the API (catalogue, calendars, capacities, orders), not PDFs
  booking ...... POST, PUT, PATCH, DELETE of /tickets/reservations... and /orders...
  document ..... the PDFs under /orders/{id}/... (tickets, booking confirmations, invoices)
  sign_in ...... customer sign-in (SIGN_IN_PATHS), and every 401 answer to a request that
                 presented a token: guessing tokens counts like guessing passwords, per address

Docs pages, media files and CORS preflights are not limited.

Who: a request with `Authorization` counts against that token (a digest of the header, never the
secret itself), one without against its client address as uvicorn reports it (uvicorn applies
`X-Forwarded-For` only from the proxies in `FORWARDED_ALLOW_IPS`); IPv6 addresses count per /64,
the block one subscriber gets. A token that turns out unknown (401) also counts in `sign_in`
against the address, and once that is used up the address's token requests get 429 too, so
rotating made-up tokens does not get around the address limits.

Window: fixed windows of `MUSEION_RATE_LIMIT_WINDOW_SECONDS` (60) starting at multiples of it;
`Retry-After` is the time until the window ends. A client may send up to twice a limit across
a window's end; in exchange a counter is one number per window, and a request that was refused
does not count.

Counters are shared by every process (DESIGN.md: nothing only in one process's memory): in Redis
when `MUSEION_REDIS_URL` is set (INCRBY + PEXPIREAT, one pipelined round trip), else in the
database table `rate_limit_counter` (unlogged on PostgreSQL; an upsert that returns the new
count). Cost: a cached calendar hit takes about 0.2 ms of a process's time; a store round trip
per request would add as much again (Redis) or far more (a database write). So each process
counts locally and decides on the shared total it last learned plus what it counted since, and
adds its counts to the store at most every `MUSEION_RATE_LIMIT_SYNC_SECONDS` (1 s), in one
round trip for all clients, learning the others' totals in return. Per request that is a
dictionary lookup; with P processes a client can get at most (P - 1) x (what one process lets
it send in one sync interval) past a limit. `MUSEION_RATE_LIMIT_SYNC_SECONDS=0` asks the store
on every request instead: exact, at one round trip each.

A store that fails, or does not answer in time (REDIS_TIMEOUT_SECONDS,
DATABASE_TIMEOUT_SECONDS), answers open: requests go through uncounted for a second and a
warning is logged at most once a minute; never a 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol, cast

import redis
import redis.asyncio
from anyio import to_thread
from sqlalchemy import Table, bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from museion.config import Settings
from museion.db import SAFE_METHODS, Database
from museion.errors import TooManyRequests, error_response
from museion.system.models import RateLimitCounter
from museion.system.redisclients import LoopClients

log = logging.getLogger(__name__)

API = "/api/v4/"
BOOKING_PATHS = ("/api/v4/orders", "/api/v4/tickets/reservations")
DOCUMENT_PATHS = "/api/v4/orders/"
# The customer sign-in (go~mus customers_api.md) joins the sign_in group by its path alone.
SIGN_IN_PATHS = frozenset({"/api/v4/auth/sign_in"})
# A store that has not answered within this is treated as absent: requests go through.
# Redis answers in well under a millisecond; the database may first have to open a connection
# (and, on SQLite, wait its turn for the write lock).
REDIS_TIMEOUT_SECONDS = 0.5
DATABASE_TIMEOUT_SECONDS = 2.0
# After a failure, requests skip the store this long (sync mode); warnings repeat this often.
FAILURE_PAUSE_SECONDS = 1.0
WARN_EVERY_SECONDS = 60.0
# Rows of past windows in the database are deleted this often (by each process).
SWEEP_EVERY_SECONDS = 60.0

_counter = cast(Table, RateLimitCounter.__table__)


class Group(StrEnum):
    READ = "read"
    BOOKING = "booking"
    DOCUMENT = "document"
    SIGN_IN = "sign_in"


def group_of(method: str, path: str) -> Group | None:
    """The rate limit group of a request (or of an operation: path templates work too)."""
    if not path.startswith(API):
        return None
    if path in SIGN_IN_PATHS:
        return Group.SIGN_IN
    if method in SAFE_METHODS:
        if method == "OPTIONS":  # CORS preflights: the request that follows counts
            return None
        if path.startswith(DOCUMENT_PATHS) and path.endswith(".pdf"):
            return Group.DOCUMENT
        return Group.READ
    return Group.BOOKING if path.startswith(BOOKING_PATHS) else None


@dataclass(frozen=True, slots=True)
class Limits:
    """Requests per window and group; 0: unlimited."""

    by_address: Mapping[Group, int]
    by_token: Mapping[Group, int]

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            by_address={
                Group.READ: settings.rate_limit_read,
                Group.BOOKING: settings.rate_limit_booking,
                Group.DOCUMENT: settings.rate_limit_document,
                Group.SIGN_IN: settings.rate_limit_sign_in,
            },
            by_token={
                Group.READ: settings.rate_limit_read_token,
                Group.BOOKING: settings.rate_limit_booking_token,
                Group.DOCUMENT: settings.rate_limit_document_token,
                # Signing in is per address, whatever headers come along.
                Group.SIGN_IN: settings.rate_limit_sign_in,
            },
        )

    @property
    def any(self) -> bool:
        return any(self.by_address.values()) or any(self.by_token.values())


class CounterStore(Protocol):
    """Where the counters of all processes meet. Times are POSIX seconds."""

    async def add(self, amounts: Sequence[tuple[str, int, float]], now: float) -> list[int] | None:
        """Adds each (key, amount, expires_at) and returns the new totals in the same order;
        None when the store cannot be reached (the caller answers open)."""

    async def close(self) -> None:
        """Lets go of the connections opened in the running event loop."""


@dataclass(slots=True)
class _Count:
    """One client's requests in one group and window, as far as this process knows."""

    window: int
    shared: int = 0  # the store's total at the last exchange, ours included
    in_flight: int = 0  # on its way to the store
    pending: int = 0  # let through since, not yet sent

    @property
    def total(self) -> int:
        return self.shared + self.in_flight + self.pending


class Limiter:
    """Counts requests per name (`<group>:<client>`) and window, and says when one is too many."""

    def __init__(
        self,
        store: CounterStore,
        limits: Limits,
        *,
        window_seconds: float,
        sync_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.limits = limits
        self.window_seconds = window_seconds
        self.sync_seconds = sync_seconds
        self.clock = clock
        self._counts: dict[str, _Count] = {}
        self._window = 0
        self._syncing: asyncio.Task[None] | None = None
        self._unsynced = False
        self._next_sync = 0.0
        self._failing_until = 0.0
        self._next_warning = 0.0

    async def hit(self, name: str, limit: int) -> float | None:
        """Counts one request of `name` unless it is over `limit`: None, or the seconds until
        the window ends (the request is refused and not counted)."""
        now = self.clock()
        self._sync_soon(now)  # also while refusing: what was let through must reach the store
        count, retry = self._count(name, now)
        if now < self._failing_until:
            return None  # the store is failing: answer open
        if count.total >= limit:
            return retry
        if self.sync_seconds > 0:
            count.pending += 1
            self._unsynced = True
            self._sync_soon(now)
            return None
        total = await self._add_now(name, count, now)
        return retry if total is not None and total > limit else None

    async def record(self, name: str) -> None:
        """Counts one request of `name` that has happened anyway (a refused token)."""
        now = self.clock()
        count, _ = self._count(name, now)
        if self.sync_seconds > 0:
            count.pending += 1
            self._unsynced = True
            self._sync_soon(now)
        elif now >= self._failing_until:
            await self._add_now(name, count, now)

    def used_up(self, name: str, limit: int) -> float | None:
        """Like `hit` without counting, from what this process knows: no trip to the store."""
        now = self.clock()
        count, retry = self._count(name, now)
        if now < self._failing_until or count.total < limit:
            return None
        return retry

    async def close(self) -> None:
        await self.store.close()

    def _count(self, name: str, now: float) -> tuple[_Count, float]:
        window = int(now // self.window_seconds)
        if window != self._window:
            # Counts of past windows decide nothing any more (one in flight still lands).
            self._window = window
            self._counts = {}
        count = self._counts.get(name)
        if count is None:
            count = self._counts[name] = _Count(window)
        return count, (window + 1) * self.window_seconds - now

    def _key(self, name: str, window: int) -> tuple[str, float]:
        # Kept one window longer than it counts: a late sync must not start it over.
        return f"{name}:{window}", (window + 2) * self.window_seconds

    async def _add_now(self, name: str, count: _Count, now: float) -> int | None:
        key, expires_at = self._key(name, count.window)
        count.in_flight += 1
        try:
            totals = await self.store.add([(key, 1, expires_at)], now)
        finally:
            count.in_flight -= 1
        if totals is None:
            self._failed(now)
            return None
        count.shared = max(count.shared, totals[0])
        return totals[0]

    def _sync_soon(self, now: float) -> None:
        if self._unsynced and self._syncing is None and now >= self._next_sync:
            self._unsynced = False
            self._syncing = asyncio.create_task(self._sync())

    async def _sync(self) -> None:
        """Sends every count of this process to the store in one batch and learns the totals."""
        batch = [(name, count) for name, count in self._counts.items() if count.pending]
        amounts = []
        for name, count in batch:
            count.in_flight, count.pending = count.pending, 0
            key, expires_at = self._key(name, count.window)
            amounts.append((key, count.in_flight, expires_at))
        now = self.clock()
        try:
            totals = await self.store.add(amounts, now)
            if totals is None:
                self._failed(now)
            else:
                self._failing_until = 0.0
                for (_, count), total in zip(batch, totals, strict=True):
                    count.shared = max(count.shared, total)
        finally:
            for _, count in batch:
                count.in_flight = 0
            self._next_sync = self.clock() + self.sync_seconds
            self._syncing = None

    def _failed(self, now: float) -> None:
        self._failing_until = now + max(FAILURE_PAUSE_SECONDS, self.sync_seconds)
        if now >= self._next_warning:
            self._next_warning = now + WARN_EVERY_SECONDS
            log.warning("rate limits: counter store unavailable, letting requests through")


def attach_rate_limits(settings: Settings, database: Database) -> Limiter | None:
    """This instance's limiter, with its counters in Redis when `MUSEION_REDIS_URL` is set,
    else in the database; None when no limit is on."""
    limits = Limits.of(settings)
    if not settings.rate_limit_enabled or not limits.any:
        return None
    store: CounterStore = (
        RedisCounters(settings.redis_url, prefix=f"{settings.redis_prefix}rate:")
        if settings.redis_url
        else DatabaseCounters(database)
    )
    return Limiter(
        store,
        limits,
        window_seconds=settings.rate_limit_window_seconds,
        sync_seconds=settings.rate_limit_sync_seconds,
    )


def _instant(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class DatabaseCounters:
    """Counters in `rate_limit_counter`: one upsert per key that returns the new count."""

    def __init__(self, database: Database) -> None:
        self.database = database
        dialect = postgresql if database.backend == "postgresql" else sqlite
        insert = dialect.insert(_counter).values(
            key=bindparam("key"),
            count=bindparam("amount"),
            expires_at=bindparam("expires_at", type_=_counter.c.expires_at.type),
        )
        self._upsert = insert.on_conflict_do_update(
            index_elements=[_counter.c.key],
            # Atomic: the row lock (SQLite: the write lock) orders concurrent additions.
            set_={"count": _counter.c.count + insert.excluded.count},
        ).returning(_counter.c.count)
        self._next_sweep = 0.0
        self._sweep_lock = threading.Lock()

    async def add(self, amounts: Sequence[tuple[str, int, float]], now: float) -> list[int] | None:
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS):
                # The thread pool the endpoints use (the loop's default one has 6 threads); a
                # thread the timeout abandons finishes its short transaction on its own.
                return await to_thread.run_sync(self._add, amounts, now, abandon_on_cancel=True)
        except (TimeoutError, SQLAlchemyError) as error:  # answer open (module doc)
            log.debug("rate limits: database counters failed: %r", error)
            return None

    async def close(self) -> None:
        """The database's connections belong to its engine, which its owner disposes."""

    def _add(self, amounts: Sequence[tuple[str, int, float]], now: float) -> list[int]:
        totals: dict[str, int] = {}
        engine = self.database.engine.execution_options(museion_write=True)
        with engine.begin() as connection:
            # In key order: two processes adding overlapping batches cannot deadlock.
            for key, amount, expires_at in sorted(amounts):
                parameters = {"key": key, "amount": amount, "expires_at": _instant(expires_at)}
                totals[key] = connection.execute(self._upsert, parameters).scalar_one()
            if self._sweep_due(now):
                connection.execute(delete(_counter).where(_counter.c.expires_at <= _instant(now)))
        return [totals[key] for key, _, _ in amounts]

    def _sweep_due(self, now: float) -> bool:
        with self._sweep_lock:
            if now < self._next_sweep:
                return False
            self._next_sweep = now + SWEEP_EVERY_SECONDS
            return True


class RedisCounters:
    """Counters as Redis integers under `<prefix><key>`, expiring on their own."""

    def __init__(self, url: str, *, prefix: str) -> None:
        self.url = url
        self.prefix = prefix
        self._redis = LoopClients(url, timeout=REDIS_TIMEOUT_SECONDS)

    def _client(self) -> redis.asyncio.Redis:
        return self._redis.get()

    async def add(self, amounts: Sequence[tuple[str, int, float]], now: float) -> list[int] | None:
        pipeline = self._client().pipeline(transaction=False)
        for key, amount, expires_at in amounts:
            pipeline.incrby(self.prefix + key, amount)
            pipeline.pexpireat(self.prefix + key, int(expires_at * 1000))
        try:
            results = await pipeline.execute()
        except redis.RedisError as error:
            log.debug("rate limits: Redis counters failed: %r", error)
            return None
        return [int(total) for total in results[::2]]

    async def close(self) -> None:
        await self._redis.close()


def _address(scope: Scope) -> str:
    client = scope.get("client")
    host = str(client[0]) if client else "unknown"
    return "a:" + (_ipv6_block(host) if ":" in host else host[:64])


@functools.lru_cache(maxsize=4096)
def _ipv6_block(host: str) -> str:
    """The /64 an IPv6 address belongs to (cached: the computation costs 12 us a request)."""
    with contextlib.suppress(ValueError):  # not an address after all
        return f"{ipaddress.IPv6Network((host, 64), strict=False).network_address}/64"
    return host[:64]


def _token(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            # A digest names the token in the store; the secret itself never leaves the process.
            return "t:" + hashlib.blake2b(value, digest_size=12).hexdigest()
    return None


class RateLimitMiddleware:
    """Answers 429 to requests over their group's limit (see the module doc)."""

    def __init__(self, app: ASGIApp, *, limiter: Limiter) -> None:
        self.app = app
        self.limiter = limiter
        self.limits = limiter.limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        group = group_of(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if group is None:
            await self.app(scope, receive, send)
            return
        address, token = _address(scope), _token(scope)
        sign_in = self.limits.by_address[Group.SIGN_IN]
        if token is not None and sign_in:
            # Too many refused tokens from this address: no more tries with any token.
            retry = self.limiter.used_up(f"{Group.SIGN_IN}:{address}", sign_in)
            if retry is not None:
                await _too_many(retry)(scope, receive, send)
                return
        by_token = token is not None and group is not Group.SIGN_IN
        limit = self.limits.by_token[group] if by_token else self.limits.by_address[group]
        if limit:
            retry = await self.limiter.hit(f"{group}:{token if by_token else address}", limit)
            if retry is not None:
                await _too_many(retry)(scope, receive, send)
                return
        if token is None or not sign_in:
            await self.app(scope, receive, send)
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status == 401:
            await self.limiter.record(f"{Group.SIGN_IN}:{address}")


def _too_many(retry: float) -> ASGIApp:
    seconds = max(1, math.ceil(retry))
    return error_response(
        TooManyRequests.status_code,
        f"too many requests; try again in {seconds} seconds",
        headers={"Retry-After": str(seconds)},
    )
