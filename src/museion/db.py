"""Database plumbing: the declarative Base, column types, engines, the one way to get a session."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import weakref
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import wraps
from typing import Annotated, Any, ParamSpec, TypeVar, cast

import psycopg
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    MetaData,
    Select,
    Text,
    create_engine,
    event,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.sql.expression import Executable
from sqlalchemy.types import TypeDecorator

from museion.errors import Busy

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy timeout alone queues writers there
    fcntl = None  # type: ignore[assignment]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Largest id accepted anywhere: ids are 32-bit on the wire; bigger ones overflow SQLite.
MAX_ID = 2**31 - 1
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
T = TypeVar("T")
P = ParamSpec("P")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored in UTC, always returned timezone-aware (SQLite itself drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes cannot be stored; attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A translatable attribute: {"de": "...", "en": "..."}; JSONB on PostgreSQL, JSON text on SQLite.
Translations = JSON().with_variant(JSONB(), "postgresql")


class Searchable:
    """Keeps `search_text`: the casefolded text of `__search_fields__`, all locales, for `q`."""

    __search_fields__: tuple[str, ...] = ()
    search_text: Mapped[str] = mapped_column(Text, default="")

    def refresh_search_text(self) -> None:
        parts: list[str] = []
        for name in self.__search_fields__:
            value = getattr(self, name)
            if isinstance(value, dict):
                parts.extend(str(v) for v in value.values() if v)
            elif value:
                parts.append(str(value))
        self.search_text = "\n".join(parts).casefold()


@event.listens_for(Searchable, "before_insert", propagate=True)
@event.listens_for(Searchable, "before_update", propagate=True)
def _refresh_search_text(_mapper: Any, _connection: Any, target: Searchable) -> None:
    target.refresh_search_text()


# The escape character of contains_pattern (SQLAlchemy's autoescape uses the same).
LIKE_ESCAPE = "/"


def contains_pattern(needle: str) -> str:
    """A LIKE pattern (escape LIKE_ESCAPE) matching text that contains `needle` literally: what
    `.contains(needle, autoescape=True)` renders, as a value a bound parameter can carry."""
    escaped = needle.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def search_pattern(q: str) -> str:
    """The casefolded needle for `search_text.contains(...)`: `q` matches case-insensitively."""
    return q.strip().casefold()


def paginate(
    session: Session, statement: Select[T], *, offset: int, limit: int
) -> tuple[int, list[T]]:
    """(total count, one page of rows) for an ordered statement: two indexed queries."""
    # Count over the same FROM and WHERE, but no columns: indexes can answer it alone.
    counting = statement.with_only_columns(func.count(), maintain_column_froms=True)
    total = session.scalar(counting.order_by(None))
    rows = session.scalars(statement.offset(offset).limit(limit)).all() if total else []
    return int(total or 0), list(rows)


def normalize_url(url: str) -> str:
    """`postgresql://` and `postgres://` URLs use psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, pool_size: int = 20) -> Engine:
    """hide_parameters: statement errors (and their tracebacks) never carry the values of a
    request (e-mail addresses, tokens)."""
    url = normalize_url(url)
    backend = make_url(url).get_backend_name()
    # No overflow: a connection opened beyond the pool is closed again on return, and under load
    # that meant a new connection (on PostgreSQL a new server process) per request; the p99 of
    # cached reads was ~1 s. Threads beyond the pool wait for a connection instead.
    if backend == "sqlite":
        path = make_url(url).database
        in_memory = path in (None, "", ":memory:")
        pool = {} if in_memory else {"pool_size": pool_size, "max_overflow": 0}
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            **pool,
        )
        _configure_sqlite(engine, lock_path=None if in_memory else f"{path}.write-lock")
    elif backend == "postgresql":
        # No pre-ping: it costs a round trip per checkout, two or three per order. A connection
        # the server dropped (restart) fails its first statement instead; SQLAlchemy sees the
        # disconnect and retires every pooled connection older than it, so a restart costs at
        # most the requests that were using a connection then (503, see errors.py).
        engine = create_engine(url, pool_size=pool_size, max_overflow=0, hide_parameters=True)
        _configure_postgresql(engine)
    else:
        raise ValueError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")
    return engine


def _configure_sqlite(engine: Engine, *, lock_path: str | None) -> None:
    """`lock_path`: the file whose lock write transactions queue for (None: in memory)."""

    # SQLAlchemy's pysqlite recipe: let SQLAlchemy, not the driver, emit BEGIN, so that
    # SAVEPOINTs work and write transactions can start with BEGIN IMMEDIATE (STYLE.md section 6.4).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if lock_path is not None:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # The default 2 MB page cache makes calendar counts re-read the file on every
            # request; memory-mapping the database lets all connections share the OS cache.
            cursor.execute("PRAGMA cache_size=-32000")
            cursor.execute("PRAGMA mmap_size=268435456")
            if fcntl is not None:
                record.info[_LOCK_FILE] = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # SQLite ignores FOR UPDATE; taking the write lock up front serializes writers instead,
        # so a claim's count-then-insert cannot interleave with another writer's.
        immediate = connection.get_execution_options().get("museion_write", False)
        if immediate:
            _queue_for_writing(connection.connection.info)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # The transaction has ended (committed, or rolled back on its way to the pool).
        if record.info.pop(_LOCKED, False):
            fcntl.flock(record.info[_LOCK_FILE], fcntl.LOCK_UN)

    @event.listens_for(engine, "close")
    def _on_close(_dbapi_connection: Any, record: Any) -> None:
        # Closing the file ends its lock too.
        record.info.pop(_LOCKED, None)
        if (lock_file := record.info.pop(_LOCK_FILE, None)) is not None:
            os.close(lock_file)


# Connection record keys of the write queue (see _queue_for_writing).
_LOCK_FILE = "museion.write_lock_file"
_LOCKED = "museion.write_locked"


def _queue_for_writing(info: dict[str, Any]) -> None:
    """Wait for the file lock every SQLite write transaction of this database takes first.

    SQLite lets one writer in at a time; the others poll with growing sleeps (1, 2, 5 ... 100 ms)
    while it is busy, so with two server processes a writer often slept far longer than the
    lock was held. A blocking file lock wakes the next writer the moment the lock is free, so
    BEGIN IMMEDIATE then finds the database free. Released when the connection goes back to
    the pool, after its commit or rollback; the busy timeout stays as the fallback."""
    lock_file = info.get(_LOCK_FILE)
    if lock_file is not None and not info.get(_LOCKED):
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        info[_LOCKED] = True


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # A request waiting on a row lock gives up after 3 s and answers 503 instead of piling up.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()


class Database:
    """An engine plus two session factories: reads, and writes (BEGIN IMMEDIATE on SQLite).

    Transactions are opened in exactly two places: `SessionDep` (a request's) and
    `session_scope` (a command's, a mail delivery's, a test's). Both go through `_begin` and
    `_end`, the unit of work's two halves; a database that runs its units of work elsewhere
    (inside a test's transaction, say) overrides those two and nothing else."""

    def __init__(self, url: str, *, pool_size: int = 20) -> None:
        self.engine = make_engine(url, pool_size=pool_size)
        self._loop_reader = LoopReader(self.engine)
        # Handed to every session this database opens (Session.info), e.g. the cache's hooks.
        self.info: dict[str, Any] = {}
        self._read = sessionmaker(self.engine, expire_on_commit=False, info=self.info)
        self._write = sessionmaker(
            self.engine.execution_options(museion_write=True),
            expire_on_commit=False,
            info=self.info,
        )

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def _begin(self, *, write: bool) -> Session:
        """A unit of work's session; it connects (and begins) only with its first statement,
        so opening it does no I/O."""
        return (self._write if write else self._read)()

    def _end(self, session: Session, *, commit: bool) -> None:
        """Commit (or roll back) the unit of work `_begin` opened, and close its session."""
        try:
            if commit:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()

    async def read_now(
        self, statement: Executable, parameters: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        """The rows of a short read, run on the event loop without a trip to a worker thread
        (the trip costs a request more CPU than the read): see LoopReader."""
        return await self._loop_reader.read(statement, parameters)

    async def end_loop(self) -> None:
        """The running event loop ends (an app's shutdown): close its loop reader's connection
        there, while the loop can still await it."""
        await self._loop_reader.end_loop()

    def dispose(self) -> None:
        self._loop_reader.close()
        self.engine.dispose()


class LoopReader:
    """Short reads on the event loop itself: one connection per event loop, outside every
    request's transaction and in autocommit, so each statement reads what is committed now.

    Only for reads that never wait: a SELECT on PostgreSQL takes no lock that a writer holds,
    and SQLite's readers in WAL mode never wait for its writer. On PostgreSQL the connection is
    asynchronous (the loop serves other requests during the round trip); on SQLite the read
    runs synchronously, which costs the loop microseconds. Statements are compiled once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._compiled: dict[Executable, tuple[str, tuple[str, ...] | None]] = {}
        self._connections: dict[asyncio.AbstractEventLoop, Any] = {}
        # A reader dropped without close() (a Database never disposed) still ends its sessions.
        weakref.finalize(self, _close_all, self._connections)
        url = engine.url
        self._sqlite_path = url.database if url.get_backend_name() == "sqlite" else None
        self._in_memory = self._sqlite_path in (None, "", ":memory:")

    async def read(
        self, statement: Executable, parameters: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        sql, order = self._compile(statement)
        values: Any = parameters if order is None else [parameters[name] for name in order]
        if self._sqlite_path is not None:
            if self._in_memory:  # another connection would see another database
                return await run_in_threadpool(self._read_in_pool, statement, parameters)
            return list(self._sqlite().execute(sql, values).fetchall())
        return await self._read_postgresql(sql, values)

    def _compile(self, statement: Executable) -> tuple[str, tuple[str, ...] | None]:
        found = self._compiled.get(statement)
        if found is None:
            compiled = statement.compile(dialect=self.engine.dialect)  # type: ignore[attr-defined]
            order = compiled.positiontup
            found = (compiled.string, tuple(order) if order is not None else None)
            self._compiled[statement] = found
        return found

    def _read_in_pool(
        self, statement: Executable, parameters: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(statement, dict(parameters))]

    def _sqlite(self) -> sqlite3.Connection:
        loop = asyncio.get_running_loop()
        connection = self._connections.get(loop)
        if connection is None:
            self._forget_closed_loops()
            assert self._sqlite_path is not None
            connection = sqlite3.connect(
                self._sqlite_path, check_same_thread=False, isolation_level=None
            )
            # A reader waits only while SQLite recovers its WAL index, and then briefly.
            connection.execute("PRAGMA busy_timeout=1000")
            connection.execute("PRAGMA query_only=ON")
            connection.execute("PRAGMA mmap_size=268435456")
            self._connections[loop] = connection
        return cast(sqlite3.Connection, connection)

    async def _read_postgresql(self, sql: str, values: Any) -> list[tuple[Any, ...]]:
        for attempt in (1, 2):
            connection = await self._postgresql()
            try:
                cursor = await connection.execute(sql, values)
                return cast(list[tuple[Any, ...]], await cursor.fetchall())
            except psycopg.OperationalError:
                # A dropped connection (database restart): one retry on a new one, then 503.
                self._connections.pop(asyncio.get_running_loop(), None)
                broken = connection.broken
                await connection.close()
                if attempt == 2 or not broken:
                    raise Busy("the database connection was lost, try again") from None
        raise AssertionError("unreachable")

    async def _postgresql(self) -> psycopg.AsyncConnection[Any]:
        loop = asyncio.get_running_loop()
        connection = self._connections.get(loop)
        if connection is None or connection.closed:
            self._forget_closed_loops()
            conninfo = self.engine.url.set(drivername="postgresql").render_as_string(
                hide_password=False
            )
            try:
                connection = await psycopg.AsyncConnection.connect(
                    conninfo, autocommit=True, options="-c TimeZone=UTC"
                )
            except psycopg.OperationalError:
                raise Busy("the database is not reachable, try again") from None
            self._connections[loop] = connection
        return cast(psycopg.AsyncConnection[Any], connection)

    def _forget_closed_loops(self) -> None:
        for loop in [loop for loop in self._connections if loop.is_closed()]:
            _close_now(self._connections.pop(loop))

    async def end_loop(self) -> None:
        connection = self._connections.pop(asyncio.get_running_loop(), None)
        if isinstance(connection, psycopg.AsyncConnection):
            await connection.close()
        elif connection is not None:
            _close_now(connection)

    def close(self) -> None:
        _close_all(self._connections)


def _close_all(connections: dict[asyncio.AbstractEventLoop, Any]) -> None:
    for connection in connections.values():
        _close_now(connection)
    connections.clear()


def _close_now(connection: Any) -> None:
    """Close a loop reader's connection from any thread, its loop running or not."""
    if isinstance(connection, sqlite3.Connection):
        connection.close()
    elif not connection.closed:
        # What AsyncConnection.close does, without awaiting: end the server session.
        connection.pgconn.finish()


@contextmanager
def session_scope(database: Database, *, write: bool = True) -> Iterator[Session]:
    """One unit of work of a command, a mail delivery, a background job or a test: commits
    when the block ends, rolls back when it raises. Requests use `SessionDep` instead."""
    session = database._begin(write=write)
    try:
        yield session
    except BaseException:
        database._end(session, commit=False)
        raise
    database._end(session, commit=True)


class _RequestUnit:
    """A request's unit of work, where its endpoint's worker thread can end it."""

    __slots__ = ("database", "ended", "session")

    def __init__(self, database: Database, session: Session) -> None:
        self.database = database
        self.session = session
        self.ended = False


# Set by the session dependency on the event loop; worker threads see it (anyio copies the
# context into the thread that runs a sync endpoint).
_REQUEST_UNIT: ContextVar[_RequestUnit | None] = ContextVar("museion_request_unit", default=None)


def ends_in_thread(endpoint: Callable[P, T]) -> Callable[P, T]:
    """Wrap a sync endpoint so that its request's unit of work ends (commits) in the worker
    thread the endpoint runs in, right after it: the session dependency then has no I/O left
    and needs no second trip to the thread pool. `web.ApiRoute` applies it to every sync
    endpoint; the commit still comes before the response, and if it fails, so does the request."""

    @wraps(endpoint)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        result = endpoint(*args, **kwargs)
        unit = _REQUEST_UNIT.get()
        if unit is not None and not unit.ended:
            unit.ended = True
            unit.database._end(unit.session, commit=True)
        return result

    return run


async def _request_session(request: Request) -> AsyncIterator[Session]:
    """The request's transaction: a write one for POST, PUT, PATCH and DELETE. Used with
    scope="function", it commits before the response is sent; if the commit fails, so does
    the request.

    Opening a session does no I/O, so it happens on the event loop; its end needs a worker
    thread only while it still holds a transaction (public reads that were answered without
    the database do not)."""
    database: Database = request.app.state.database
    session = database._begin(write=request.method not in SAFE_METHODS)
    unit = _RequestUnit(database, session)
    _REQUEST_UNIT.set(unit)
    try:
        yield session
    except BaseException:
        if not unit.ended:
            await _end(database, session, commit=False)
        raise
    finally:
        _REQUEST_UNIT.set(None)
    if not unit.ended:
        await _end(database, session, commit=True)


async def _end(database: Database, session: Session, *, commit: bool) -> None:
    if session.in_transaction():
        await run_in_threadpool(database._end, session, commit=commit)
    else:
        database._end(session, commit=commit)


SessionDep = Annotated[Session, Depends(_request_session, scope="function")]
