"""Holds cannot be hoarded: caps per client, a booking horizon, expired holds tidied away.

The clock stands at 1 Jan 2027, 08:00 (tests/availability/conftest.py); the test client is one
address, a second TestClient on the same app is another.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from museion.availability.models import Reservation
from museion.catalogue.tickets.models import Ticket
from museion.config import Settings
from tests.availability.conftest import Clock
from tests.availability.factories import make_hold, make_quota, make_ticket
from tests.catalogue.factories import BERLIN, make_date, make_event, make_museum
from tests.conftest import bearer
from tests.orders.factories import event_item, make_token, ticket_item

URL = "/api/v4/tickets/reservations"
SLOT = "2027-05-04T10:30:00+02:00"
OTHER_SLOT = "2027-05-04T11:00:00+02:00"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The defaults of a real instance (the suite's settings turn the caps off).
    return settings.model_copy(update={"hold_max_units": 50, "hold_max_slot_percent": 20})


@pytest.fixture
def other_address(app: FastAPI, client: TestClient) -> Iterator[TestClient]:
    with TestClient(app, client=("203.0.113.9", 40000)) as other:
        yield other


@pytest.fixture
def ticket(session: Session) -> Ticket:
    return make_ticket(session, quotas=[make_quota(session, 40)], max_persons=100)


def hold(client: TestClient, ticket: Ticket, quantity: int, start_at: str = SLOT, **kw: Any):  # type: ignore[no-untyped-def]
    body = {"reservation": {"ticket_id": ticket.id, "quantity": quantity, "start_at": start_at}}
    return client.post(URL, json=body, **kw)


def free_at(client: TestClient, ticket: Ticket, slot: str = SLOT) -> int:
    data = client.get(f"/api/v4/tickets/{ticket.id}/capacity?date={slot[:10]}").json()["data"]
    return int(data.get(slot, 0))


def test_one_address_holds_at_most_a_fifth_of_a_slot(
    client: TestClient, other_address: TestClient, ticket: Ticket, clock: Clock
) -> None:
    assert hold(client, ticket, 5).status_code == 201
    assert hold(client, ticket, 3).status_code == 201  # 8 of 40: the fifth
    refused = hold(client, ticket, 1)
    assert refused.status_code == 422
    assert "at most 8 units of this entry time" in refused.json()["error"]
    assert hold(client, ticket, 1, OTHER_SLOT).status_code == 201  # another entry time
    assert hold(other_address, ticket, 8).status_code == 201  # another client
    assert free_at(client, ticket) == 24


def test_one_address_holds_at_most_fifty_units_at_once(
    client: TestClient, session: Session, clock: Clock
) -> None:
    big = make_ticket(session, quotas=[make_quota(session, 1000)], max_persons=100)
    for slot in ("10:00", "10:30", "11:00", "11:30", "12:00"):
        assert hold(client, big, 10, f"2027-05-04T{slot}:00+02:00").status_code == 201
    refused = hold(client, big, 1, "2027-05-04T12:30:00+02:00")
    assert refused.status_code == 422
    assert "at most 50 units at once (50 held now)" in refused.json()["error"]
    clock.advance(minutes=5)  # the holds expired: they count for nothing, caps included
    assert hold(client, big, 10, "2027-05-04T12:30:00+02:00").status_code == 201


def test_tokens_are_capped_per_token_and_staff_not_at_all(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    assert hold(client, ticket, 8).status_code == 201  # the address's fifth is used up
    reseller = bearer(make_token(session, "reseller"))
    assert hold(client, ticket, 8, headers=reseller).status_code == 201
    assert hold(client, ticket, 1, headers=reseller).status_code == 422
    staff = bearer("demo-user")
    assert hold(client, ticket, 20, headers=staff).status_code == 201
    assert free_at(client, ticket) == 4


def test_growing_a_hold_counts_against_the_caps(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    token = hold(client, ticket, 4).json()["reservation"]["token"]
    assert client.put(f"{URL}/{token}", json={"reservation": {"quantity": 8}}).status_code == 200
    grown = client.put(f"{URL}/{token}", json={"reservation": {"quantity": 9}})
    assert grown.status_code == 422
    assert "at most 8 units" in grown.json()["error"]
    assert client.put(f"{URL}/{token}", json={"reservation": {"quantity": 2}}).status_code == 200


def test_a_small_slot_still_allows_one_unit(
    client: TestClient, session: Session, clock: Clock
) -> None:
    small = make_ticket(session, quotas=[make_quota(session, 3)])
    assert hold(client, small, 1).status_code == 201
    assert hold(client, small, 1).status_code == 422


def test_holds_and_orders_lie_within_the_booking_horizon(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    # 548 days after 1 Jan 2027 is 2 July 2028.
    inside, beyond = "2028-06-27T10:30:00+02:00", "2028-07-04T10:30:00+02:00"
    assert hold(client, ticket, 1, inside).status_code == 201
    refused = hold(client, ticket, 1, beyond)
    assert refused.status_code == 422
    assert "booking horizon" in refused.json()["error"]
    assert "2028-07-02" in refused.json()["error"]
    reseller = bearer(make_token(session, "reseller"))
    body = {"items": [ticket_item(ticket.id, 1, beyond)]}
    placed = client.post("/api/v4/orders", json=body, headers=reseller)
    assert placed.status_code == 422
    assert "booking horizon" in placed.json()["error"]
    event = make_event(session, make_museum(session), bookable_reseller=True)
    far = make_date(session, event, datetime(2028, 7, 4, 10, 0, tzinfo=BERLIN))
    near = make_date(session, event, datetime(2028, 6, 27, 10, 0, tzinfo=BERLIN))
    booked = client.post(
        "/api/v4/orders", json={"items": [event_item(far.id, 1)]}, headers=reseller
    )
    assert booked.status_code == 422
    assert "booking horizon" in booked.json()["error"]
    ok = client.post("/api/v4/orders", json={"items": [event_item(near.id, 1)]}, headers=reseller)
    assert ok.status_code == 201, ok.text


def test_new_holds_delete_long_expired_ones_a_batch_at_a_time(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    old = clock.now - timedelta(hours=3)
    start = datetime(2027, 5, 4, 10, 30, tzinfo=BERLIN)
    for _ in range(130):
        make_hold(session, ticket, start, 1, now=old)
    recent = make_hold(session, ticket, start, 1, now=clock.now - timedelta(minutes=30))

    def stored() -> int:
        return int(session.scalar(select(func.count()).select_from(Reservation)) or 0)

    before = stored()
    assert hold(client, ticket, 1).status_code == 201
    assert stored() == before + 1 - 100  # one batch of the 130 long-expired holds
    assert hold(client, ticket, 1).status_code == 201
    assert stored() == before + 2 - 130
    # Expired for less than an hour: still there, so its token still says "expired".
    assert session.get(Reservation, recent.id) is not None
