"""Database plumbing: timestamps, SQLite write locking, URL handling."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import threading
import warnings
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text

from museion.app import create_app
from museion.config import Settings
from museion.db import Database, normalize_url, session_scope
from museion.tokens import service as tokens
from museion.tokens.models import ApiToken


def test_timestamps_come_back_as_aware_utc(database: Database) -> None:
    berlin_noon = datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with session_scope(database) as session:
        token = ApiToken(access="user", secret_hash="f" * 64, hint="x", revoked_at=berlin_noon)
        session.add(token)
        session.flush()
        token_id = token.id
    try:
        with session_scope(database, write=False) as session:
            stored = session.scalars(select(ApiToken).where(ApiToken.id == token_id)).one()
            assert stored.revoked_at == berlin_noon
            assert stored.revoked_at.utcoffset() == timedelta(0)
            assert stored.created_at.tzinfo is not None
    finally:
        with session_scope(database) as session:
            session.delete(session.get(ApiToken, token_id))


def test_naive_timestamps_are_refused(database: Database) -> None:
    with session_scope(database) as session:
        session.add(
            ApiToken(access="user", secret_hash="e" * 64, hint="x", revoked_at=datetime(2026, 1, 1))
        )
        with pytest.raises(Exception, match="naive datetimes"):
            session.flush()
        session.rollback()


def test_sqlite_writes_take_the_lock_up_front_and_reads_do_not(tmp_path: Path) -> None:
    # BEGIN IMMEDIATE is how SQLite serializes writers; PostgreSQL locks rows instead.
    database = Database(f"sqlite:///{tmp_path / 'locking.db'}")
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        with session_scope(database, write=True) as session:
            session.execute(select(1))
        with session_scope(database, write=False) as session:
            session.execute(select(1))
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
        database.dispose()
    begins = [s for s in seen if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def _write_in_thread(database: Database) -> tuple[threading.Thread, threading.Event]:
    """A write transaction in a thread of its own; the event is set once it has begun."""
    began = threading.Event()

    def write() -> None:
        with session_scope(database, write=True) as session:
            session.execute(select(1))
            began.set()

    thread = threading.Thread(target=write)
    thread.start()
    return thread, began


def _fail_while_writing(database: Database) -> None:
    with session_scope(database, write=True) as session:
        session.execute(select(1))
        raise RuntimeError("the request failed")


def test_sqlite_writers_of_two_processes_queue_for_a_file_lock(tmp_path: Path) -> None:
    # Two engines on one file stand for two server processes. The second writer waits on the
    # file lock (woken when it is free) instead of SQLite's polling busy handler, and gets it
    # back however the first transaction ended: commit, rollback, or a closed connection.
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    first, second = Database(url), Database(url)
    try:
        with session_scope(first, write=True) as session:
            session.execute(select(1))
            thread, began = _write_in_thread(second)
            thread.join(timeout=0.5)
            assert thread.is_alive()  # queued behind the first writer
            assert not began.is_set()
            with session_scope(first, write=False) as reader:
                reader.execute(select(1))  # readers never queue
        thread.join(timeout=30)
        assert began.is_set()

        with pytest.raises(RuntimeError, match="failed"):
            _fail_while_writing(first)
        thread, began = _write_in_thread(second)
        thread.join(timeout=30)
        assert began.is_set()  # the rollback gave the lock back

        connection = first.engine.connect().execution_options(museion_write=True)
        connection.begin()
        connection.invalidate()  # the connection is closed: its file lock goes with it
        connection.close()
        thread, began = _write_in_thread(second)
        thread.join(timeout=30)
        assert began.is_set()
    finally:
        first.dispose()
        second.dispose()


def test_postgres_urls_use_psycopg_3() -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="SQLite or PostgreSQL"):
        Database("mysql://root@localhost/museion")


def test_utc_is_utc() -> None:
    assert datetime.now(UTC).utcoffset() == timedelta(0)


def test_a_dropped_postgresql_connection_costs_one_request(
    database: Database, settings: Settings
) -> None:
    """No pre-ping: a connection the server dropped (restart) fails one request with 503,
    and the next request gets a fresh connection."""
    if database.backend != "postgresql":
        pytest.skip("SQLite connections are files: nothing can drop them")
    own = Database(settings.database_url)  # its own pool: the shared one stays untouched
    backend_pids: list[int] = []

    @event.listens_for(own.engine, "connect")
    def _remember(dbapi_connection: Any, _record: Any) -> None:
        backend_pids.append(dbapi_connection.info.backend_pid)

    try:
        with TestClient(create_app(settings, own)) as client:
            assert client.get("/api/v4/museums").status_code == 200
            with database.engine.connect() as admin:
                for pid in backend_pids:
                    admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            lost = client.get("/api/v4/museums")
            again = [client.get("/api/v4/museums").status_code for _ in range(3)]
    finally:
        own.dispose()
    assert lost.status_code == 503
    assert lost.headers["Retry-After"] == "1"
    assert lost.json() == {"error": "the database connection was lost, try again"}
    assert again == [200, 200, 200]


def _token_reads(database: Database, secrets: list[str]) -> list[int | None]:
    """Token ids as a request's token lookup finds them, one read per secret, in one loop."""

    async def read_all() -> list[int | None]:
        found = [await tokens.read_active_token(database, secret) for secret in secrets]
        return [token.id if token else None for token in found]

    return asyncio.run(read_all())


def test_the_token_lookup_reads_on_the_loop_what_is_committed_now(
    database: Database, settings: Settings
) -> None:
    """Database.read_now: no transaction of its own, so a revocation counts at once, and a
    connection of an event loop that has ended is closed, not leaked."""
    own = Database(settings.database_url)
    try:
        with session_scope(own) as session:
            issued = tokens.create_token(session, access="reseller", name="loop reader")
        try:
            assert _token_reads(own, [issued.secret, "msn_unknown"]) == [issued.id, None]
            with session_scope(own) as session:
                tokens.revoke_token(session, issued.id)
            assert _token_reads(own, [issued.secret]) == [None]
        finally:
            with session_scope(own) as session:
                session.delete(session.get(ApiToken, issued.id))
        # Each asyncio.run was a loop of its own: the readers of ended loops are closed.
        assert len(own._loop_reader._connections) == 1
    finally:
        own.dispose()
    assert own._loop_reader._connections == {}


def test_a_dropped_loop_reader_connection_is_replaced_at_once(
    database: Database, settings: Settings
) -> None:
    if database.backend != "postgresql":
        pytest.skip("SQLite connections are files: nothing can drop them")
    own = Database(settings.database_url)
    with session_scope(own) as session:
        issued = tokens.create_token(session, access="reseller", name="dropped reader")

    async def scenario() -> list[int | None]:
        before = await tokens.read_active_token(own, issued.secret)
        [connection] = own._loop_reader._connections.values()
        with database.engine.connect() as admin:
            admin.execute(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": connection.info.backend_pid}
            )
        after = await tokens.read_active_token(own, issued.secret)
        return [token.id if token else None for token in (before, after)]

    try:
        assert asyncio.run(scenario()) == [issued.id, issued.id]
    finally:
        with session_scope(own) as session:
            session.delete(session.get(ApiToken, issued.id))
        own.dispose()


def test_an_app_shutdown_closes_its_loops_reader(database: Database, settings: Settings) -> None:
    """The loop reader's connection belongs to the server's event loop: the app's shutdown
    closes it there, even when the database outlives the app (handed in, as in tests)."""
    own = Database(settings.database_url)
    with session_scope(own) as session:
        issued = tokens.create_token(session, access="reseller", name="shutdown reader")
    try:
        with TestClient(create_app(settings, own)) as client:
            answer = client.get(
                "/api/v4/whoami", headers={"Authorization": f"Bearer {issued.secret}"}
            )
            assert answer.status_code == 200
            assert len(own._loop_reader._connections) == 1
        assert own._loop_reader._connections == {}
    finally:
        with session_scope(own) as session:
            session.delete(session.get(ApiToken, issued.id))
        own.dispose()


def test_a_reader_that_is_never_closed_ends_its_sessions_when_collected(
    database: Database, settings: Settings
) -> None:
    """A Database dropped without dispose(): its reader's connections close as it is collected
    (no 'deleted while still open' warning, no session left on the server)."""
    own = Database(settings.database_url)
    assert _token_reads(own, ["msn_unknown"]) == [None]
    [connection] = own._loop_reader._connections.values()
    own.engine.dispose()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        del own
        gc.collect()
    if isinstance(connection, sqlite3.Connection):
        with pytest.raises(sqlite3.ProgrammingError):
            connection.execute("SELECT 1")
    else:
        assert connection.closed
