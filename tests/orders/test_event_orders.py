"""Orders of event dates: seats, scale prices, limits; /dates shows what orders booked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.events.models import Event, EventDate
from museion.web import get_now
from tests.catalogue.factories import make_date, make_event, make_museum, make_scale_price
from tests.conftest import bearer
from tests.orders.factories import event_item, order_body

URL = "/api/v4/orders"
RESELLER = bearer("demo-reseller")


def order(
    client: TestClient, *items: dict[str, Any], headers: dict[str, str] = RESELLER, **kw: Any
):  # type: ignore[no-untyped-def]
    return client.post(URL, json=order_body(*items, **kw), headers=headers)


def seats(client: TestClient, event_date: EventDate) -> dict[str, Any]:
    url = f"/api/v4/events/{event_date.event_id}/dates/{event_date.id}"
    date = client.get(url).json()["date"]
    return {**date["seats"], "bookable": date["bookable"]}


@pytest.fixture
def event(session: Session) -> Event:
    return make_event(session, make_museum(session), max_persons=8)


@pytest.fixture
def event_date(session: Session, event: Event) -> EventDate:
    return make_date(session, event, seats_max=10, seats_booked=2, price_cents=1500, vat_pct=7.0)


def test_booking_seats_shows_on_the_date(client: TestClient, event_date: EventDate) -> None:
    response = order(client, event_item(event_date.id, 3), total=4500)
    assert response.status_code == 201, response.text
    [item] = response.json()["order"]["items"]
    assert item["type"] == "Event"
    assert item["price_cents"] == 4500
    assert item["vat_pct"] == 7.0
    attributes = item["attributes"]
    assert attributes["date_id"] == event_date.id
    assert attributes["event_id"] == event_date.event_id
    assert attributes["quantity"] == 3
    assert seats(client, event_date) == {
        "min": 1, "max": 10, "booked": 5, "available": 5, "max_per_registration": None,
        "bookable": True,
    }  # fmt: skip


def test_the_last_seats_make_the_date_unbookable(client: TestClient, event_date: EventDate) -> None:
    assert order(client, event_item(event_date.id, 8)).status_code == 201
    shown = seats(client, event_date)
    assert (shown["booked"], shown["available"], shown["bookable"]) == (10, 0, False)
    listed = client.get(
        "/api/v4/dates",
        params={"by_bookable": "true", "start_at": event_date.start_at.date().isoformat()},
    ).json()["dates"]
    assert event_date.id not in [d["id"] for d in listed]
    refused = order(client, event_item(event_date.id, 1))
    assert refused.status_code == 422
    assert refused.json()["error"].startswith("items[0]: sold out")


def test_a_pending_booking_frees_its_seats_after_the_deadline(
    app: FastAPI, client: TestClient, event_date: EventDate
) -> None:
    assert order(client, event_item(event_date.id, 8)).status_code == 201
    assert order(client, event_item(event_date.id, 1)).status_code == 422
    later = datetime.now(UTC) + timedelta(minutes=32)
    app.dependency_overrides[get_now] = lambda: later
    assert order(client, event_item(event_date.id, 8)).status_code == 201


def test_finalized_bookings_keep_their_seats(
    app: FastAPI, client: TestClient, event_date: EventDate
) -> None:
    created = order(client, event_item(event_date.id, 2)).json()["order"]
    finalized = client.post(f"{URL}/{created['token']}/finalize", headers=RESELLER).json()["order"]
    assert len(finalized["items"][0]["attributes"]["barcodes"]) == 2
    later = datetime.now(UTC) + timedelta(hours=2)
    app.dependency_overrides[get_now] = lambda: later
    assert order(client, event_item(event_date.id, 7)).status_code == 422  # 2 + 2 + 7 > 10
    assert order(client, event_item(event_date.id, 6)).status_code == 201


def test_scale_prices_take_quantities(client: TestClient, session: Session, event: Event) -> None:
    regular = make_scale_price(session, event, price_cents=1000)
    reduced = make_scale_price(session, event, price_cents=600, position=1)
    event_date = make_date(session, event, seats_max=10, price_cents=None)
    quantities = {str(regular.id): 2, str(reduced.id): 1}
    response = order(client, event_item(event_date.id, quantities=quantities), total=2600)
    assert response.status_code == 201, response.text
    [item] = response.json()["order"]["items"]
    assert item["attributes"]["quantity"] == 3
    assert item["attributes"]["quantities"] == quantities
    assert seats(client, event_date)["booked"] == 3
    assert order(client, event_item(event_date.id, 2)).status_code == 422  # needs quantities
    unknown = order(client, event_item(event_date.id, quantities={"999999": 1}))
    assert unknown.status_code == 422
    assert "scale price 999999" in unknown.json()["error"]


def test_the_newer_payload_form_books_dates(client: TestClient, event_date: EventDate) -> None:
    body = {
        "order": {
            "items": [{"date_id": event_date.id, "quantity": 2}],
            "customer": {"email": "user@example.com"},
        }
    }
    response = client.post(URL, json=body, headers=RESELLER)
    assert response.status_code == 201, response.text
    assert response.json()["order"]["total_price_cents"] == 3000
    assert seats(client, event_date)["booked"] == 4


def test_bad_event_items_are_refused(
    client: TestClient, session: Session, event: Event, event_date: EventDate
) -> None:
    past = make_date(session, event, datetime.now(UTC) - timedelta(hours=1))
    cancelled = make_date(session, event, status="cancelled")
    limited = make_date(session, event, max_per_registration=3)
    cases = [
        (event_item(999_999, 1), "items[0]: date 999999 not found"),
        (event_item(event_date.id, 9), "items[0]: date"),  # event max_persons 8
        (event_item(limited.id, 4), "items[0]: date"),
        (event_item(past.id, 1), "items[0]: date"),
        (event_item(cancelled.id, 1), "items[0]: date"),
        (event_item(event_date.id), "items[0]: quantity is required"),
    ]
    for item, message in cases:
        response = order(client, item)
        assert response.status_code == 422, item
        assert response.json()["error"].startswith(message), response.json()
    assert seats(client, event_date)["booked"] == 2


def test_museum_limited_tokens_only_book_their_museums(
    client: TestClient, event_date: EventDate
) -> None:
    response = order(
        client, event_item(event_date.id, 1), headers=bearer("demo-reseller-kunsthalle")
    )
    assert response.status_code == 422
    assert "not found" in response.json()["error"]
