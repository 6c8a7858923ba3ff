"""Reading orders (by id, token, barcode, lists) with who-sees-what, and cancellations."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from museion.catalogue.museums.models import Museum
from museion.catalogue.tickets.models import Ticket
from museion.demo.loader import DemoInstance
from tests.availability.factories import make_quota, make_ticket
from tests.catalogue.factories import make_date, make_event
from tests.conftest import bearer
from tests.orders.conftest import Clock
from tests.orders.factories import event_item, make_token, order_body, ticket_item

SLOT = "2027-01-01T10:30:00+01:00"
URL = "/api/v4/orders"
RESELLER = bearer("demo-reseller")


def order(
    client: TestClient, *items: dict[str, Any], headers: dict[str, str] = RESELLER
) -> dict[str, Any]:
    response = client.post(URL, json=order_body(*items), headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json()["order"])


def finalize(
    client: TestClient, created: dict[str, Any], headers: dict[str, str] = RESELLER
) -> dict[str, Any]:
    response = client.post(f"{URL}/{created['token']}/finalize", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json()["order"])


def free_at(client: TestClient, ticket: Ticket, slot: str = SLOT) -> int:
    data = client.get(f"/api/v4/tickets/{ticket.id}/capacity?date={slot[:10]}").json()["data"]
    return int(data.get(slot, 0))


@pytest.fixture
def ticket(session: Session) -> Ticket:
    return make_ticket(session, quotas=[make_quota(session, 10)], price_cents=1000)


def test_an_order_is_found_by_id_and_by_token(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    created = order(client, ticket_item(ticket.id, 2, SLOT), ticket_item(ticket.id, 1, SLOT))
    for ref in (created["id"], created["token"]):
        response = client.get(f"{URL}/{ref}", headers=RESELLER)
        assert response.status_code == 200
        found = response.json()["order"]
        assert found["id"] == created["id"]
        assert found["payment_status"] == 10  # pending: not finalized yet
        assert found["billing_address_id"] is None
        assert len(found["items"]) == 2
        assert set(found) >= {
            "id", "token", "is_valid", "total_price_cents", "comment", "reference", "rating",
            "invoice", "created_at", "source", "items",
        }  # fmt: skip
    assert client.get(f"{URL}/999999999", headers=RESELLER).status_code == 404
    assert client.get(f"{URL}/no-such-token", headers=RESELLER).status_code == 404
    assert client.get(f"{URL}/{created['id']}").status_code == 401


def test_resellers_never_see_other_resellers_orders(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    created = finalize(client, order(client, ticket_item(ticket.id, 1, SLOT)))
    code = created["items"][0]["attributes"]["barcodes"][0]["barcode"]
    other = bearer(make_token(session, "reseller"))
    for path in (created["id"], created["token"], f"barcode/{code}"):
        assert client.get(f"{URL}/{path}", headers=other).status_code == 404
        assert client.get(f"{URL}/{path}", headers=RESELLER).status_code == 200
        assert client.get(f"{URL}/{path}", headers=bearer("demo-user")).status_code == 200
    assert client.post(f"{URL}/{created['id']}/finalize", headers=other).status_code == 404
    assert client.post(f"{URL}/{created['id']}/cancellations", headers=other).status_code == 404
    assert client.get(URL, headers=other).json()["orders"] == []


def test_museum_limited_tokens_only_see_their_museums(
    client: TestClient, session: Session, demo: DemoInstance
) -> None:
    kunsthalle = session.get(Museum, demo.museum_ids["kunsthalle"])
    others = [m for m in demo.museum_ids.values() if m != demo.museum_ids["kunsthalle"]]
    inside = make_date(session, make_event(session, kunsthalle))
    outside = make_date(session, make_event(session, session.get(Museum, others[0])))
    user = bearer("demo-user")
    mine = order(client, event_item(inside.id, 1), headers=user)
    theirs = order(client, event_item(outside.id, 1), headers=user)
    limited = bearer(make_token(session, "user", [kunsthalle.id]))
    assert client.get(f"{URL}/{mine['id']}", headers=limited).status_code == 200
    assert client.get(f"{URL}/{theirs['id']}", headers=limited).status_code == 404
    listed = client.get(URL, headers=limited).json()["orders"]
    assert [o["id"] for o in listed] == [mine["id"]]


def test_the_list_shows_the_days_asked_for(
    client: TestClient, session: Session, ticket: Ticket, clock: Clock
) -> None:
    first = order(client, ticket_item(ticket.id, 1, SLOT))
    clock.advance(days=1)
    second = order(client, ticket_item(ticket.id, 1, "2027-01-02T10:30:00+01:00"))
    today = client.get(URL, headers=RESELLER).json()
    assert [o["id"] for o in today["orders"]] == [second["id"]]
    assert today["meta"] == {"total_count": 1, "page": 1, "per_page": 25}
    both = client.get(
        URL, params={"start_at": "2027-01-01", "end_at": "2027-01-02"}, headers=RESELLER
    )
    assert [o["id"] for o in both.json()["orders"]] == [first["id"], second["id"]]
    assert both.json()["orders"][0]["status"] == "expired"
    bad = client.get(
        URL, params={"start_at": "2027-01-03", "end_at": "2027-01-02"}, headers=RESELLER
    )
    assert bad.status_code == 422
    cash = bearer("demo-cashpoint")
    order(client, ticket_item(ticket.id, 1, "2027-01-02T10:30:00+01:00"), headers=cash)
    assert len(client.get(URL, headers=cash).json()["orders"]) == 2
    mine = client.get(URL, params={"only_my_orders": "true"}, headers=cash).json()["orders"]
    assert len(mine) == 1


def test_a_barcode_finds_its_order(client: TestClient, ticket: Ticket, clock: Clock) -> None:
    created = finalize(client, order(client, ticket_item(ticket.id, 2, SLOT)))
    for barcode in created["items"][0]["attributes"]["barcodes"]:
        response = client.get(f"{URL}/barcode/{barcode['barcode']}", headers=RESELLER)
        assert response.status_code == 200
        assert response.json()["order"]["id"] == created["id"]
    assert client.get(f"{URL}/barcode/NOSUCHCODE", headers=RESELLER).status_code == 404


def test_cancelling_an_item_returns_its_capacity_and_voids_its_barcodes(
    client: TestClient, ticket: Ticket, clock: Clock
) -> None:
    created = order(client, ticket_item(ticket.id, 2, SLOT), ticket_item(ticket.id, 3, SLOT))
    finalized = finalize(client, created)
    assert free_at(client, ticket) == 5
    first, second = (item["id"] for item in finalized["items"])
    response = client.post(
        f"{URL}/{created['id']}/cancellations", json={"order_item_ids": [second]}, headers=RESELLER
    )
    assert response.status_code == 200, response.text
    after = response.json()["order"]
    assert after["status"] == "finalized"
    assert after["total_price_cents"] == 2000
    assert [i["cancelled"] for i in after["items"]] == [False, True]
    assert [b["valid"] for b in after["items"][1]["attributes"]["barcodes"]] == [False] * 3
    assert [b["valid"] for b in after["items"][0]["attributes"]["barcodes"]] == [True] * 2
    assert free_at(client, ticket) == 8
    again = client.post(
        f"{URL}/{created['id']}/cancellations", json={"order_item_ids": [second]}, headers=RESELLER
    )
    assert again.status_code == 422
    foreign = client.post(
        f"{URL}/{created['id']}/cancellations", json={"order_item_ids": [999999]}, headers=RESELLER
    )
    assert foreign.status_code == 422
    assert first


def test_cancelling_the_whole_order(client: TestClient, session: Session, clock: Clock) -> None:
    ticket = make_ticket(session, quotas=[make_quota(session, 10)])
    created = order(client, ticket_item(ticket.id, 4, SLOT))
    response = client.post(f"{URL}/{created['token']}/cancellations", headers=RESELLER)
    assert response.status_code == 200, response.text
    assert response.json()["order"]["status"] == "cancelled"
    assert response.json()["order"]["is_valid"] is False
    assert free_at(client, ticket) == 10
    assert client.post(f"{URL}/{created['id']}/cancellations", headers=RESELLER).status_code == 422
    refused = client.post(f"{URL}/{created['id']}/finalize", headers=RESELLER)
    assert refused.status_code == 422
    assert refused.json()["error"] == "order was cancelled"


def test_cancelling_a_booking_frees_its_seats(
    client: TestClient, session: Session, demo: DemoInstance
) -> None:
    museum = session.get(Museum, demo.museum_ids["kunsthalle"])
    event_date = make_date(session, make_event(session, museum), seats_max=4)
    created = order(client, event_item(event_date.id, 4))
    finalize(client, created)
    url = f"/api/v4/events/{event_date.event_id}/dates/{event_date.id}"
    assert client.get(url).json()["date"]["seats"]["available"] == 0
    client.post(f"{URL}/{created['id']}/cancellations", headers=RESELLER)
    assert client.get(url).json()["date"]["seats"]["available"] == 4
