"""Invariant 1 for seat plans under real concurrency: a real server (two worker processes), the
demo's seated concert, 50 orders at once (resellers and cash points, single seats and pairs) for
the same four seats of one date. Every seat is sold exactly once, every other order gets 422,
nothing fails; a seat given back by a cancellation is sold exactly once more.

One server per database for the whole module: the phases build on each other.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import func, select

from museion.catalogue.events.models import (
    BookedSeat,
    DateStatus,
    EventBooking,
    EventDate,
    ScalePrice,
    Seat,
)
from museion.db import Database, session_scope
from museion.orders.models import Order
from tests.server import run_museion, running_server

REQUESTS = 50
SEATS = 4
SELLERS = ["demo-reseller", "demo-cashpoint"]
SEAT_SOLD = re.compile(r"^items\[0\]: sold out: seat (\d+) is already sold$")


@dataclass(frozen=True)
class SeatedDate:
    event_id: int
    date_id: int
    seat_ids: list[int]
    price_id: int  # a scale price of the seats' category

    def order(self, *seat_ids: int) -> dict[str, Any]:
        seats = [{"seat_id": s, "scale_price_id": self.price_id} for s in seat_ids]
        return {"items": [{"type": "Event", "attributes": {"id": self.date_id, "seats": seats}}]}


def _load_demo(database_url: str, workdir: Path) -> SeatedDate:
    """The demo instance; its next seated concert at least a day ahead, four free seats."""
    run_museion("demo", "--no-serve", database_url=database_url, workdir=workdir)
    database = Database(database_url)
    try:
        with session_scope(database, write=False) as session:
            event_date = session.scalars(
                select(EventDate)
                .where(
                    EventDate.seating_id.is_not(None),
                    EventDate.status == DateStatus.BOOKED.value,
                    EventDate.start_at > datetime.now(UTC) + timedelta(days=1),
                )
                .order_by(EventDate.start_at)
            ).first()
            assert event_date is not None, "the demo has a concert with a seat plan"
            seats = session.scalars(
                select(Seat)
                .where(Seat.seating_id == event_date.seating_id, Seat.blocked.is_(False))
                .order_by(Seat.id)
                .limit(SEATS)
            ).all()
            assert len({seat.category_id for seat in seats}) == 1
            price_id = session.scalar(
                select(ScalePrice.id)
                .where(
                    ScalePrice.event_id == event_date.event_id,
                    ScalePrice.seat_category_id == seats[0].category_id,
                )
                .order_by(ScalePrice.position)
            )
            assert price_id is not None
            return SeatedDate(
                event_date.event_id, event_date.id, [seat.id for seat in seats], price_id
            )
    finally:
        database.dispose()


def _fire(base_url: str, requests: list[tuple[str, dict[str, Any]]]) -> list[httpx.Response]:
    """Send every (token secret, body) order at once; answers in the same order."""
    barrier = threading.Barrier(len(requests))
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=len(requests))
    with httpx.Client(base_url=base_url, timeout=120, limits=limits) as client:

        def send(request: tuple[str, dict[str, Any]]) -> httpx.Response:
            secret, body = request
            barrier.wait()
            headers = {"Authorization": f"Bearer {secret}"}
            return client.post("/api/v4/orders", json=body, headers=headers)

        with ThreadPoolExecutor(max_workers=len(requests)) as pool:
            return list(pool.map(send, requests))


def _wanted(body: dict[str, Any]) -> list[int]:
    return [seat["seat_id"] for seat in body["items"][0]["attributes"]["seats"]]


def _seats_sold(
    requests: list[tuple[str, dict[str, Any]]], responses: list[httpx.Response]
) -> list[int]:
    """The seats of the orders that were taken, after checking every other one was refused
    because one of its seats was sold: a 422 naming a seat, never a 5xx."""
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {201, 422}, (statuses, [r.text for r in responses])
    sold: list[int] = []
    for (_, body), response in zip(requests, responses, strict=True):
        wanted = _wanted(body)
        if response.status_code == 201:
            sold += wanted
            attributes = response.json()["order"]["items"][0]["attributes"]
            assert attributes["quantity"] == len(wanted)
        else:
            refused = SEAT_SOLD.match(response.json()["error"])
            assert refused is not None, response.text
            assert int(refused.group(1)) in wanted
    return sold


def _booked_seats(database_url: str, date_id: int) -> list[int]:
    """Seats the database holds for the date: of live bookings (pending or binding)."""
    database = Database(database_url)
    now = datetime.now(UTC)
    try:
        with session_scope(database, write=False) as session:
            return sorted(
                session.scalars(
                    select(BookedSeat.seat_id)
                    .join(EventBooking, EventBooking.id == BookedSeat.booking_id)
                    .where(
                        BookedSeat.date_id == date_id,
                        (EventBooking.live_until.is_(None)) | (EventBooking.live_until > now),
                    )
                )
            )
    finally:
        database.dispose()


def _orders_stored(database_url: str) -> int:
    database = Database(database_url)
    try:
        with session_scope(database, write=False) as session:
            return int(session.scalar(select(func.count()).select_from(Order)) or 0)
    finally:
        database.dispose()


def test_fifty_orders_for_four_seats_sell_each_seat_exactly_once(
    empty_database_url: str, tmp_path: Path
) -> None:
    concert = _load_demo(empty_database_url, tmp_path)
    seats = concert.seat_ids
    # Four in five ask for one seat (every seat is asked for often), one in five for two
    # neighbours, so orders overlap in every way; resellers and cash points take turns.
    requests = [
        (
            SELLERS[n % 2],
            concert.order(seats[n % SEATS], seats[(n + 1) % SEATS])
            if n % 5 == 4
            else concert.order(seats[n % SEATS]),
        )
        for n in range(REQUESTS)
    ]
    with running_server(empty_database_url, tmp_path, workers=2) as base_url:
        responses = _fire(base_url, requests)
        sold = _seats_sold(requests, responses)
        # Each seat once: an order for one seat fails only when that seat is already sold.
        assert sorted(sold) == sorted(seats)
        taken = [r for r in responses if r.status_code == 201]
        assert _orders_stored(empty_database_url) == len(taken)
        assert _booked_seats(empty_database_url, concert.date_id) == sorted(seats)
        date_url = f"{base_url}/api/v4/events/{concert.event_id}/dates/{concert.date_id}"
        shown = httpx.get(date_url).json()["date"]
        assert set(seats) <= set(shown["seatings"][0]["blocked_seats"])
        assert shown["seats"]["booked"] == SEATS

        # The order holding the first seat is cancelled (with any neighbour it holds too):
        # then 20 orders at once for that seat, and exactly one gets it.
        holder, freed = next(
            (response.json()["order"], _wanted(body))
            for (_, body), response in zip(requests, responses, strict=True)
            if response.status_code == 201 and seats[0] in _wanted(body)
        )
        cancelled = httpx.post(
            f"{base_url}/api/v4/orders/{holder['token']}/cancellations",
            headers={"Authorization": "Bearer demo-user"},
        )
        assert cancelled.status_code == 200, cancelled.text
        again = [(SELLERS[n % 2], concert.order(seats[0])) for n in range(20)]
        assert _seats_sold(again, _fire(base_url, again)) == [seats[0]]
        still_held = set(seats) - set(freed) | {seats[0]}
        assert _booked_seats(empty_database_url, concert.date_id) == sorted(still_held)
