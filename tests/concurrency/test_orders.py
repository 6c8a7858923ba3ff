"""Invariant 1 for orders under real concurrency: a real server (two worker processes),
committed data, 100 orders of one seat or ticket at once where only 10 are left."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import func, select

from museion.availability.models import TicketSale
from museion.db import Database, session_scope
from museion.orders.models import Order
from museion.tokens.service import create_token
from tests.availability.factories import make_quota, make_ticket
from tests.catalogue.factories import BERLIN, local, make_date, make_event, make_museum
from tests.server import run_museion, running_server

REQUESTS = 100
SECRET = "concurrency-reseller"


def _prepare(
    database_url: str, workdir: Path, build: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    run_museion("db", "upgrade", database_url=database_url, workdir=workdir)
    database = Database(database_url)
    try:
        with session_scope(database) as session:
            create_token(session, access="reseller", name="reseller", secret=SECRET)
            return build(session)
    finally:
        database.dispose()


def _fire(base_url: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(bodies))
    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=len(bodies))
    headers = {"Authorization": f"Bearer {SECRET}"}
    with httpx.Client(base_url=base_url, timeout=120, limits=limits, headers=headers) as client:

        def send(body: dict[str, Any]) -> httpx.Response:
            barrier.wait()
            return client.post("/api/v4/orders", json=body)

        with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
            return list(pool.map(send, bodies))


def _orders_stored(database_url: str) -> int:
    database = Database(database_url)
    try:
        with session_scope(database, write=False) as session:
            return int(session.scalar(select(func.count()).select_from(Order)) or 0)
    finally:
        database.dispose()


def _check(responses: list[httpx.Response]) -> None:
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 10 + [422] * (REQUESTS - 10), statuses
    refused = [r.json()["error"] for r in responses if r.status_code == 422]
    assert all(message.startswith("items[0]: sold out") for message in refused), refused


def test_a_hundred_orders_take_exactly_the_ten_seats_left(
    empty_database_url: str, tmp_path: Path
) -> None:
    def build(session: Any) -> dict[str, Any]:
        event = make_event(session, make_museum(session))
        start = datetime.now(UTC) + timedelta(days=3)
        event_date = make_date(session, event, start, seats_max=12, seats_booked=2)
        return {"event_id": event.id, "date_id": event_date.id}

    ids = _prepare(empty_database_url, tmp_path, build)
    item = {"type": "Event", "attributes": {"id": ids["date_id"], "quantity": 1}}
    with running_server(empty_database_url, tmp_path, workers=2) as base_url:
        _check(_fire(base_url, [{"items": [item]}] * REQUESTS))
        date = httpx.get(f"{base_url}/api/v4/events/{ids['event_id']}/dates/{ids['date_id']}")
        seats = date.json()["date"]["seats"]
        assert (seats["booked"], seats["available"]) == (12, 0)
        assert date.json()["date"]["bookable"] is False
    assert _orders_stored(empty_database_url) == 10


def test_a_hundred_orders_for_two_tickets_of_one_quota_take_exactly_ten(
    empty_database_url: str, tmp_path: Path
) -> None:
    start = local(datetime.now(BERLIN).date() + timedelta(days=1), "10:00")

    def build(session: Any) -> dict[str, Any]:
        quota = make_quota(session, 10)
        return {"tickets": [make_ticket(session, quotas=[quota]).id for _ in range(2)]}

    ids = _prepare(empty_database_url, tmp_path, build)
    bodies = [
        {
            "items": [
                {
                    "type": "Ticket",
                    "attributes": {
                        "id": ids["tickets"][n % 2],
                        "quantity": 1,
                        "time": start.isoformat(),
                    },
                }
            ]
        }
        for n in range(REQUESTS)
    ]
    with running_server(empty_database_url, tmp_path, workers=2) as base_url:
        _check(_fire(base_url, bodies))
        capacity = httpx.get(
            f"{base_url}/api/v4/tickets/{ids['tickets'][0]}/capacity",
            params={"date": start.date().isoformat()},
        ).json()["data"]
        assert start.isoformat() not in capacity  # sold out: zero values are left out
    assert _orders_stored(empty_database_url) == 10
    database = Database(empty_database_url)
    try:
        with session_scope(database, write=False) as session:
            sold = session.scalar(select(func.sum(TicketSale.quantity)))
        assert sold == 10
    finally:
        database.dispose()
