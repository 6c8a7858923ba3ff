"""Invariant 1 under real concurrency: a real server (two worker processes), committed data,
50 reservation requests at once for a slot with 5 units left."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import func, select

from museion.availability.models import Reservation
from museion.db import Database, session_scope
from tests.availability.factories import make_hold, make_quota, make_ticket
from tests.catalogue.factories import BERLIN, local
from tests.server import run_museion, running_server

REQUESTS = 50


def _prepare(database_url: str, workdir: Path) -> tuple[list[int], datetime]:
    """Two tickets sharing one quota of 7 per slot; 2 units of tomorrow's 10:00 already held."""
    run_museion("db", "upgrade", database_url=database_url, workdir=workdir)
    database = Database(database_url)
    try:
        with session_scope(database) as session:
            quota = make_quota(session, 7)
            first = make_ticket(session, quotas=[quota])
            second = make_ticket(session, quotas=[quota])
            tomorrow = datetime.now(BERLIN).date() + timedelta(days=1)
            start = local(tomorrow, "10:00")
            make_hold(session, first, start, 2, now=datetime.now(UTC), minutes=60)
            return [first.id, second.id], start
    finally:
        database.dispose()


def _fire(base_url: str, ticket_ids: list[int], start: datetime) -> list[httpx.Response]:
    barrier = threading.Barrier(REQUESTS)
    limits = httpx.Limits(max_connections=REQUESTS, max_keepalive_connections=REQUESTS)
    with httpx.Client(base_url=base_url, timeout=60, limits=limits) as client:

        def reserve(n: int) -> httpx.Response:
            body = {
                "reservation": {
                    "ticket_id": ticket_ids[n % 2],
                    "quantity": 1,
                    "start_at": start.isoformat(),
                }
            }
            barrier.wait()
            return client.post("/api/v4/tickets/reservations", json=body)

        with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
            return list(pool.map(reserve, range(REQUESTS)))


def test_fifty_concurrent_holds_take_exactly_the_five_units_left(
    empty_database_url: str, tmp_path: Path
) -> None:
    ticket_ids, start = _prepare(empty_database_url, tmp_path)
    # All requests come from one address: the hold caps (test_hold_hoarding.py) are off here,
    # so that capacity alone decides.
    uncapped = {"MUSEION_HOLD_MAX_UNITS": "0", "MUSEION_HOLD_MAX_SLOT_PERCENT": "0"}
    with running_server(empty_database_url, tmp_path, workers=2, env=uncapped) as base_url:
        responses = _fire(base_url, ticket_ids, start)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] * 5 + [422] * (REQUESTS - 5), statuses
        refused = [r.json() for r in responses if r.status_code == 422]
        assert all(body["error"].startswith("sold out") for body in refused), refused
        capacity = httpx.get(
            f"{base_url}/api/v4/tickets/{ticket_ids[1]}/capacity",
            params={"date": start.date().isoformat()},
        ).json()["data"]
        assert start.isoformat() not in capacity  # sold out: zero values are left out
    database = Database(empty_database_url)
    try:
        with session_scope(database, write=False) as session:
            held = session.scalar(
                select(func.sum(Reservation.quantity)).where(Reservation.start_at == start)
            )
        assert held == 7  # the 2 held before plus exactly the 5 that were left
    finally:
        database.dispose()
