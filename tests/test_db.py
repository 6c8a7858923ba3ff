"""Database plumbing: timestamps, SQLite write locking, URL handling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, select

from museion.db import Database, normalize_url
from museion.tokens.models import ApiToken


def test_timestamps_come_back_as_aware_utc(database: Database) -> None:
    berlin_noon = datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with database.session() as session:
        token = ApiToken(access="user", secret_hash="f" * 64, hint="x", revoked_at=berlin_noon)
        session.add(token)
        session.flush()
        token_id = token.id
    try:
        with database.session(write=False) as session:
            stored = session.scalars(select(ApiToken).where(ApiToken.id == token_id)).one()
            assert stored.revoked_at == berlin_noon
            assert stored.revoked_at.utcoffset() == timedelta(0)
            assert stored.created_at.tzinfo is not None
    finally:
        with database.session() as session:
            session.delete(session.get(ApiToken, token_id))


def test_naive_timestamps_are_refused(database: Database) -> None:
    with database.session() as session:
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
        with database.session(write=True) as session:
            session.execute(select(1))
        with database.session(write=False) as session:
            session.execute(select(1))
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
        database.dispose()
    begins = [s for s in seen if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_postgres_urls_use_psycopg_3() -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="SQLite or PostgreSQL"):
        Database("mysql://root@localhost/museion")


def test_utc_is_utc() -> None:
    assert datetime.now(UTC).utcoffset() == timedelta(0)
