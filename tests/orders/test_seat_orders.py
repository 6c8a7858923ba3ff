"""Dates with a seat plan: orders name their seats; a seat sells once, blocked seats never."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.events.models import (
    Event,
    EventDate,
    ScalePrice,
    Seat,
    SeatCategory,
    Seating,
    SeatRow,
)
from museion.web import get_now
from tests.catalogue.factories import make_date, make_event, make_museum, make_scale_price
from tests.conftest import bearer
from tests.orders.factories import event_item, order_body

URL = "/api/v4/orders"
RESELLER = bearer("demo-reseller")


class Plan:
    def __init__(self, event_date: EventDate, seats: list[Seat], prices: list[ScalePrice]) -> None:
        self.date, self.seats, self.prices = event_date, seats, prices

    def item(self, *picks: tuple[int, int]) -> dict[str, Any]:
        seats = [
            {"seat_id": self.seats[s].id, "scale_price_id": self.prices[p].id} for s, p in picks
        ]
        return event_item(self.date.id, seats=seats)


@pytest.fixture
def plan(session: Session) -> Plan:
    seating = Seating(title="Saal")
    session.add(seating)
    session.flush()
    stalls = SeatCategory(seating_id=seating.id, title="Parkett")
    row = SeatRow(seating_id=seating.id, title="1")
    session.add_all([stalls, row])
    session.flush()
    seats = [
        Seat(
            seating_id=seating.id,
            row_id=row.id,
            category_id=stalls.id,
            title=f"1-{n}",
            blocked=n == 3,
        )
        for n in range(1, 6)
    ]
    session.add_all(seats)
    session.flush()
    event = make_event(session, make_museum(session))
    prices = [
        make_scale_price(session, event, price_cents=2000, seat_category_id=stalls.id),
        make_scale_price(session, event, price_cents=1200, position=1, seat_category_id=stalls.id),
    ]
    event_date = make_date(session, event, seating_id=seating.id, seats_max=4, price_cents=None)
    return Plan(event_date, seats, prices)


def order(client: TestClient, *items: dict[str, Any], **kw: Any):  # type: ignore[no-untyped-def]
    return client.post(URL, json=order_body(*items, **kw), headers=RESELLER)


def blocked(client: TestClient, plan: Plan) -> list[int]:
    url = f"/api/v4/events/{plan.date.event_id}/dates/{plan.date.id}"
    return list(client.get(url).json()["date"]["seatings"][0]["blocked_seats"])


def test_seats_are_priced_by_their_scale_price_and_sold_once(
    client: TestClient, plan: Plan
) -> None:
    response = order(client, plan.item((0, 0), (1, 1)), total=3200)
    assert response.status_code == 201, response.text
    attributes = response.json()["order"]["items"][0]["attributes"]
    assert attributes["quantity"] == 2
    assert attributes["quantities"] == {str(plan.prices[0].id): 1, str(plan.prices[1].id): 1}
    assert sorted(blocked(client, plan)) == sorted(s.id for s in plan.seats[:3])
    again = order(client, plan.item((1, 0)))
    assert again.status_code == 422
    assert again.json()["error"] == f"items[0]: sold out: seat {plan.seats[1].id} is already sold"


def test_blocked_unknown_and_doubled_seats_are_refused(client: TestClient, plan: Plan) -> None:
    assert "is blocked" in order(client, plan.item((2, 0))).json()["error"]
    assert order(client, plan.item((0, 0), (0, 1))).status_code == 422  # one seat twice
    unknown = event_item(
        plan.date.id, seats=[{"seat_id": 999999, "scale_price_id": plan.prices[0].id}]
    )
    assert "is not a seat of date" in order(client, unknown).json()["error"]
    no_price = event_item(
        plan.date.id, seats=[{"seat_id": plan.seats[0].id, "scale_price_id": 999999}]
    )
    assert "scale price 999999" in order(client, no_price).json()["error"]
    assert "has a seat plan" in order(client, event_item(plan.date.id, 1)).json()["error"]


def test_a_seat_is_refused_at_the_price_of_another_seat_category(
    client: TestClient, session: Session, plan: Plan
) -> None:
    gallery = SeatCategory(seating_id=plan.date.seating_id, title="Empore")
    session.add(gallery)
    session.flush()
    event = session.get(Event, plan.date.event_id)
    assert event is not None
    cheaper = make_scale_price(
        session, event, price_cents=900, position=2, seat_category_id=gallery.id
    )
    seat = plan.seats[0]
    item = event_item(plan.date.id, seats=[{"seat_id": seat.id, "scale_price_id": cheaper.id}])
    response = order(client, item)
    assert response.status_code == 422
    assert response.json()["error"] == (
        f"items[0]: seat {seat.id} is not in the seat category of its scale price"
    )
    assert blocked(client, plan) == [plan.seats[2].id]  # only the blocked one: nothing sold


def test_seats_of_an_expired_order_can_be_sold_again(
    app: FastAPI, client: TestClient, plan: Plan
) -> None:
    assert order(client, plan.item((0, 0))).status_code == 201
    later = datetime.now(UTC) + timedelta(minutes=32)
    app.dependency_overrides[get_now] = lambda: later
    assert order(client, plan.item((0, 0))).status_code == 201


def test_dates_without_a_seat_plan_refuse_seats(
    client: TestClient, session: Session, plan: Plan
) -> None:
    plain = make_date(session, make_event(session, make_museum(session)))
    seats = [{"seat_id": plan.seats[0].id, "scale_price_id": plan.prices[0].id}]
    response = order(client, event_item(plain.id, seats=seats))
    assert response.status_code == 422
    assert "has no seat plan" in response.json()["error"]
