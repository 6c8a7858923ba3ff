"""First show the race (STYLE.md section 9): with the slot or date locks switched off,
concurrent holds and bookings oversell (a seat of a seat plan sells several times); with them
on, the same claims take exactly the capacity.

On SQLite the lock is the write transaction itself (BEGIN IMMEDIATE), and switching it off
does not oversell there: a deferred transaction that counted before another writer committed
may not write any more (WAL snapshots: SQLITE_BUSY_SNAPSHOT), so the race shows as writers that
fail instead of queueing. One test shows that for holds; the date and seat variants would show
the same thing, so they run on PostgreSQL only, where switching the row locks off oversells.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from museion.access import PUBLIC
from museion.availability import queries
from museion.availability.holds import Holder, HoldRules, reserve_tickets
from museion.availability.models import Reservation
from museion.availability.selling import book_seats
from museion.catalogue.events.models import (
    BookedSeat,
    EventBooking,
    EventDate,
    Seat,
    SeatCategory,
    Seating,
    SeatRow,
)
from museion.db import Database, session_scope
from museion.errors import Unprocessable
from museion.migrations import upgrade
from tests.availability.factories import make_quota, make_ticket
from tests.catalogue.factories import BERLIN, local, make_date, make_event, make_museum

CLAIMS = 8
CAPACITY = 5
SQLITE_SKIP = (
    "SQLite cannot oversell here: without BEGIN IMMEDIATE a stale writer fails (see "
    "test_on_sqlite_holds_without_the_write_lock_fail_instead_of_queueing)"
)


def _setup(database: Database) -> tuple[int, datetime]:
    upgrade(database)
    with session_scope(database) as session:
        ticket = make_ticket(session, quotas=[make_quota(session, CAPACITY)])
        return ticket.id, local(datetime.now(BERLIN).date() + timedelta(days=1), "10:00")


def _concurrently(database: Database, attempt: Callable[[Session], object]) -> int:
    """CLAIMS threads each run `attempt` in a write transaction of their own; returns how many
    committed (a refusal, Unprocessable or SoldOut, rolls back)."""

    def run(_: int) -> bool:
        try:
            with session_scope(database) as session:
                attempt(session)
        except Unprocessable:
            return False
        return True

    with ThreadPoolExecutor(max_workers=CLAIMS) as pool:
        return sum(pool.map(run, range(CLAIMS)))


def _claim_concurrently(database: Database, ticket_id: int, start: datetime) -> int:
    """CLAIMS threads each hold one unit; returns how many succeeded."""

    def claim(session: Session) -> None:
        now = datetime.now(UTC)
        reserve_tickets(
            session,
            PUBLIC,
            ticket_id=ticket_id,
            quantity=1,
            start_at=start,
            zone=BERLIN,
            now=now,
            holder=Holder("race", capped=False),
            rules=HoldRules(),
        )

    return _concurrently(database, claim)


def _book(session: Session, date_id: int, seat_ids: Sequence[int] = ()) -> None:
    event_date = session.get(EventDate, date_id)
    assert event_date is not None
    now = datetime.now(UTC)
    book_seats(session, event_date, 1, now + timedelta(minutes=30), now, seat_ids=seat_ids)


def _held(database: Database, start: datetime) -> int:
    with session_scope(database, write=False) as session:
        total = session.scalar(
            select(func.sum(Reservation.quantity)).where(Reservation.start_at == start)
        )
    return int(total or 0)


def test_without_slot_locks_holds_oversell_and_with_them_they_do_not(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not empty_database_url.startswith("postgresql"):
        pytest.skip(SQLITE_SKIP)
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
            patched.setattr(queries, "lock_slots", lambda session, keys: None)
            patched.setattr(queries, "used_quantities", count_then_wait)
            assert _claim_concurrently(database, ticket_id, start) == CLAIMS
        assert _held(database, start) == CLAIMS > CAPACITY  # oversold

        later = start + timedelta(minutes=30)
        assert _claim_concurrently(database, ticket_id, later) == CAPACITY
        assert _held(database, later) == CAPACITY
    finally:
        database.dispose()


def test_on_sqlite_holds_without_the_write_lock_fail_instead_of_queueing(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if empty_database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's race is shown by switching its row locks off (tests above)")
    database = Database(empty_database_url, pool_size=CLAIMS)
    try:
        ticket_id, start = _setup(database)
        barrier = threading.Barrier(CLAIMS, timeout=30)
        counting: Callable[..., Any] = queries.used_quantities

        def count_then_wait(*args: Any, **kwargs: Any) -> Any:
            used = counting(*args, **kwargs)
            barrier.wait()  # every claim has counted before any has written: the race, for sure
            return used

        def claim_in_deferred_transaction(_: int) -> str:
            try:
                # write=False: a plain deferred BEGIN, the up-front write lock switched off.
                with session_scope(database, write=False) as session:
                    reserve_tickets(
                        session,
                        PUBLIC,
                        ticket_id=ticket_id,
                        quantity=1,
                        start_at=start,
                        zone=BERLIN,
                        now=datetime.now(UTC),
                        holder=Holder("race", capped=False),
                        rules=HoldRules(),
                    )
            except OperationalError as error:
                return f"refused by SQLite: {error.orig}"
            return "held"

        with monkeypatch.context() as patched:
            patched.setattr(queries, "used_quantities", count_then_wait)
            with ThreadPoolExecutor(max_workers=CLAIMS) as pool:
                outcomes = list(pool.map(claim_in_deferred_transaction, range(CLAIMS)))
        # One writer wins; every other one counted a snapshot that is stale by then.
        assert outcomes.count("held") == 1
        assert outcomes.count("refused by SQLite: database is locked") == CLAIMS - 1, outcomes
        assert _held(database, start) == 1

        later = start + timedelta(minutes=30)
        assert _claim_concurrently(database, ticket_id, later) == CAPACITY
        assert _held(database, later) == CAPACITY
    finally:
        database.dispose()


def _book_concurrently(database: Database, date_id: int) -> int:
    """CLAIMS threads each book one seat of a date; returns how many succeeded."""
    return _concurrently(database, lambda session: _book(session, date_id))


def _booked(database: Database, date_id: int) -> int:
    with session_scope(database, write=False) as session:
        total = session.scalar(
            select(func.sum(EventBooking.quantity)).where(EventBooking.date_id == date_id)
        )
    return int(total or 0)


def test_without_date_locks_bookings_oversell_and_with_them_they_do_not(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not empty_database_url.startswith("postgresql"):
        pytest.skip(SQLITE_SKIP)
    database = Database(empty_database_url, pool_size=CLAIMS)
    try:
        upgrade(database)
        with session_scope(database) as session:
            event = make_event(session, make_museum(session))
            start = datetime.now(UTC) + timedelta(days=2)
            first = make_date(session, event, start, seats_max=CAPACITY).id
            second = make_date(session, event, start, seats_max=CAPACITY).id
        barrier = threading.Barrier(CLAIMS, timeout=30)
        counting: Callable[..., Any] = queries.booked_seats
        locking: Callable[..., Any] = queries.lock_date

        def count_then_wait(*args: Any, **kwargs: Any) -> Any:
            booked = counting(*args, **kwargs)
            barrier.wait()  # every booking has counted before any has written
            return booked

        def read_without_lock(session: Any, date_id: int, now: datetime) -> Any:
            row = session.get(EventDate, date_id)
            return (row.seats_max, row.seats_booked)

        with monkeypatch.context() as patched:
            patched.setattr(queries, "lock_date", read_without_lock)
            patched.setattr(queries, "booked_seats", count_then_wait)
            assert _book_concurrently(database, first) == CLAIMS
        assert _booked(database, first) == CLAIMS > CAPACITY  # oversold
        assert locking is queries.lock_date

        assert _book_concurrently(database, second) == CAPACITY
        assert _booked(database, second) == CAPACITY
    finally:
        database.dispose()


def _book_seat_concurrently(database: Database, date_id: int, seat_id: int) -> int:
    """CLAIMS threads each book the same seat of a date; returns how many succeeded."""
    return _concurrently(database, lambda session: _book(session, date_id, [seat_id]))


def _times_sold(database: Database, date_id: int, seat_id: int) -> int:
    with session_scope(database, write=False) as session:
        sold = session.scalar(
            select(func.count())
            .select_from(BookedSeat)
            .where(BookedSeat.date_id == date_id, BookedSeat.seat_id == seat_id)
        )
    return int(sold or 0)


def test_without_date_locks_a_seat_sells_several_times_and_with_them_once(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not empty_database_url.startswith("postgresql"):
        pytest.skip(SQLITE_SKIP)
    database = Database(empty_database_url, pool_size=CLAIMS)
    try:
        upgrade(database)
        with session_scope(database) as session:
            seating = Seating(title="Saal")
            session.add(seating)
            session.flush()
            stalls = SeatCategory(seating_id=seating.id, title="Parkett")
            row = SeatRow(seating_id=seating.id, title="1")
            session.add_all([stalls, row])
            session.flush()
            seat = Seat(seating_id=seating.id, row_id=row.id, category_id=stalls.id, title="1-1")
            session.add(seat)
            event = make_event(session, make_museum(session))
            start = datetime.now(UTC) + timedelta(days=2)
            first, second = (
                make_date(session, event, start, seats_max=10, seating_id=seating.id).id
                for _ in range(2)
            )
            seat_id = seat.id
        barrier = threading.Barrier(CLAIMS, timeout=30)
        looking: Callable[..., Any] = queries.live_seat_ids

        def look_then_wait(*args: Any, **kwargs: Any) -> Any:
            taken = looking(*args, **kwargs)
            barrier.wait()  # every booking has seen the seat free before any has written
            return taken

        def read_without_lock(session: Any, date_id: int, now: datetime) -> Any:
            row = session.get(EventDate, date_id)
            return (row.seats_max, row.seats_booked)

        with monkeypatch.context() as patched:
            patched.setattr(queries, "lock_date", read_without_lock)
            patched.setattr(queries, "live_seat_ids", look_then_wait)
            assert _book_seat_concurrently(database, first, seat_id) == CLAIMS
        assert _times_sold(database, first, seat_id) == CLAIMS  # one seat, sold 8 times

        assert _book_seat_concurrently(database, second, seat_id) == 1
        assert _times_sold(database, second, seat_id) == 1
    finally:
        database.dispose()


def test_without_holder_locks_one_client_holds_past_its_cap_and_with_them_it_does_not(
    empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not empty_database_url.startswith("postgresql"):
        pytest.skip(SQLITE_SKIP)
    database = Database(empty_database_url, pool_size=CLAIMS)
    cap = 3
    try:
        ticket_id, first = _setup(database)
        rules = HoldRules(max_units=cap)
        # Each claim at an entry time of its own: no slot lock serializes them, only the holder's.
        starts = [first + timedelta(minutes=30 * n) for n in range(2 * CLAIMS)]
        turn = iter(range(2 * CLAIMS))
        lock = threading.Lock()

        def hold(session: Session, holder: str) -> None:
            with lock:
                start = starts[next(turn)]
            reserve_tickets(
                session,
                PUBLIC,
                ticket_id=ticket_id,
                quantity=1,
                start_at=start,
                zone=BERLIN,
                now=datetime.now(UTC),
                holder=Holder(holder),
                rules=rules,
            )

        barrier = threading.Barrier(CLAIMS, timeout=30)
        counting: Callable[..., Any] = queries.held_by

        def count_then_wait(*args: Any, **kwargs: Any) -> Any:
            held = counting(*args, **kwargs)
            barrier.wait()  # every hold has counted the holder's units before any has written
            return held

        with monkeypatch.context() as patched:
            patched.setattr(queries, "lock_holder", lambda session, holder, now: None)
            patched.setattr(queries, "held_by", count_then_wait)
            assert _concurrently(database, lambda s: hold(s, "racing")) == CLAIMS > cap
        assert _concurrently(database, lambda s: hold(s, "locked")) == cap
    finally:
        database.dispose()
