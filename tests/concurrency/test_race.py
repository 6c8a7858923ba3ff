"""First show the race (STYLE.md section 9): with the slot locks switched off, concurrent holds
oversell; with them on, the same claims take exactly the capacity.

PostgreSQL only: on SQLite the lock is the write transaction itself (BEGIN IMMEDIATE), which
cannot be switched off without breaking every write.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from museion.auth import PUBLIC
from museion.availability import queries
from museion.availability.models import Reservation
from museion.availability.reservations import reserve_tickets
from museion.db import Database
from museion.errors import Unprocessable
from museion.migrations import upgrade
from tests.availability.factories import make_quota, make_ticket
from tests.catalogue.factories import BERLIN, local

CLAIMS = 8
CAPACITY = 5


def _setup(database: Database) -> tuple[int, datetime]:
    upgrade(database)
    with database.session() as session:
        ticket = make_ticket(session, quotas=[make_quota(session, CAPACITY)])
        return ticket.id, local(datetime.now(BERLIN).date() + timedelta(days=1), "10:00")


def _claim_concurrently(database: Database, ticket_id: int, start: datetime) -> int:
    """CLAIMS threads each hold one unit; returns how many succeeded."""

    def claim(_: int) -> bool:
        try:
            with database.session() as session:
                reserve_tickets(
                    session,
                    PUBLIC,
                    ticket_id=ticket_id,
                    quantity=1,
                    start_at=start,
                    zone=BERLIN,
                    now=datetime.now(UTC),
                )
        except Unprocessable:
            return False
        return True

    with ThreadPoolExecutor(max_workers=CLAIMS) as pool:
        return sum(pool.map(claim, range(CLAIMS)))


def _held(database: Database, start: datetime) -> int:
    with database.session(write=False) as session:
        total = session.scalar(
            select(func.sum(Reservation.quantity)).where(Reservation.start_at == start)
        )
    return int(total or 0)


def test_without_slot_locks_holds_oversell_and_with_them_they_do_not(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not empty_database_url.startswith("postgresql"):
        pytest.skip("SQLite serializes writers with BEGIN IMMEDIATE; nothing to switch off")
    database = Database(empty_database_url, pool_size=CLAIMS)
    try:
        ticket_id, start = _setup(database)
        barrier = threading.Barrier(CLAIMS, timeout=30)
        counting: Callable[..., Any] = queries.used_quantities

        def count_then_wait(*args: Any, **kwargs: Any) -> Any:
            used = counting(*args, **kwargs)
            barrier.wait()  # every claim has counted before any has written: the race, for sure
            return used

        with monkeypatch.context() as patched:
            patched.setattr(queries, "ensure_slots", lambda session, keys: None)
            patched.setattr(queries, "lock_slots", lambda session, keys: None)
            patched.setattr(queries, "used_quantities", count_then_wait)
            assert _claim_concurrently(database, ticket_id, start) == CLAIMS
        assert _held(database, start) == CLAIMS > CAPACITY  # oversold

        later = start + timedelta(minutes=30)
        assert _claim_concurrently(database, ticket_id, later) == CAPACITY
        assert _held(database, later) == CAPACITY
    finally:
        database.dispose()
